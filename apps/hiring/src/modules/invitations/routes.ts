// Owns the HTTP surface of assessment invitations under the organisation's paths, and the
// candidate's own list. Each route reads top to bottom: permission guard, schema, one service call.
// The guards check the role's permission (employers invite, candidates take); which organisation
// and invitation the caller may touch, and with which organisation role, is decided in the service.
import { bodylessAsEmpty, caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import type { InvitationService } from './manage.js';
import {
  AssessmentParams,
  CreateBody,
  CreateResult,
  Invitation,
  InvitationPage,
  ListQuery,
  MyInvitationPage,
  OrganisationInvitationParams,
  OrganisationParams,
  PageQuery,
  ResendBody,
  SentInvitation,
} from './schemas.js';

export const TAGS = ['assessment invitations'];

export const DESCRIPTIONS = {
  create:
    "Invites candidates by email to take a published assessment of the organisation (owners and recruiters). Each invitation gets a random link (256-bit token, stored only as its SHA-256) mailed to the candidate in the same transaction; the response says whether each mail was queued and never contains the token. Emails are normalised and invited once per request. The invitations quota of the organisation's plan is taken for all of them at once, or for none. Errors: 400 with the field (bad email, more than 100 candidates, expiresInHours outside 1-720, application_unknown, application_email_mismatch); 403 organisation_role_insufficient (viewers); 404 organisation_not_found / assessment_not_found (also another organisation's assessment); 409 assessment_not_published (draft or archived), invitation_exists (a live invitation for that email and assessment: resend it), invitation_quota_reached (nothing was created).",
  list: "The organisation's invitations, newest first, filtered by assessment, status (computed now: a pending invitation past its expiry is expired) or exact email (members: owners, recruiters, viewers). Errors: 400 cursor_invalid; 404 organisation_not_found.",
  resend:
    "Mails the candidate a new link: the previous link stops working, and the expiry is re-armed from now (for expiresInHours, default the validity the invitation was created with). Rate limited per invitation (INVITATION_RESENDS_PER_HOUR, default 3 per rolling hour). Does not take quota. Errors: 403 organisation_role_insufficient (viewers); 404 invitation_not_found (also another organisation's); 409 invitation_completed, invitation_in_progress (an attempt is running); 410 invitation_revoked; 429 invitation_resend_limited with Retry-After.",
  revoke:
    "Withdraws the invitation: its link then answers 410 invitation_revoked. Revoking again answers 200 with the same invitation. An attempt already running is not stopped. Errors: 403 organisation_role_insufficient (viewers); 404 invitation_not_found (also another organisation's); 409 invitation_completed.",
};

export function registerInvitationRoutes(
  app: PlatformServer,
  identity: Identity,
  invitations: InvitationService,
): void {
  const employer = identity.requirePermission('assessments:invite');
  const candidate = identity.requirePermission('assessments:take');

  app.post(
    '/organisations/:organisationId/assessments/:assessmentId/invitations',
    {
      preHandler: employer,
      schema: {
        tags: TAGS,
        summary: 'Invite one or many candidates to a published assessment (owners and recruiters)',
        description: DESCRIPTIONS.create,
        params: AssessmentParams,
        body: CreateBody,
        response: { 201: CreateResult, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { organisationId, assessmentId } = request.params;
      const result = await invitations.create(
        caller(request).userId,
        organisationId,
        assessmentId,
        request.body,
      );
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/organisations/:organisationId/invitations',
    {
      preHandler: employer,
      schema: {
        tags: TAGS,
        summary: "The organisation's assessment invitations, with status and filters (members)",
        description: DESCRIPTIONS.list,
        params: OrganisationParams,
        querystring: ListQuery,
        response: { 200: InvitationPage, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => invitations.list(caller(request).userId, request.params.organisationId, request.query),
  );

  app.post(
    '/organisations/:organisationId/invitations/:invitationId/resend',
    {
      preHandler: employer,
      preValidation: bodylessAsEmpty,
      schema: {
        tags: TAGS,
        summary: 'Send the invitation again with a new link and a new expiry (owners and recruiters)',
        description: DESCRIPTIONS.resend,
        params: OrganisationInvitationParams,
        body: ResendBody,
        response: { 200: SentInvitation, ...problemResponses(400, 401, 403, 404, 409, 410, 429) },
      },
    },
    async (request) =>
      invitations.resend(
        caller(request).userId,
        request.params.invitationId,
        request.body.expiresInHours,
        request.params.organisationId,
      ),
  );

  app.post(
    '/organisations/:organisationId/invitations/:invitationId/revoke',
    {
      preHandler: employer,
      schema: {
        tags: TAGS,
        summary: 'Revoke the invitation (idempotent; owners and recruiters)',
        description: DESCRIPTIONS.revoke,
        params: OrganisationInvitationParams,
        response: { 200: Invitation, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      invitations.revoke(caller(request).userId, request.params.invitationId, request.params.organisationId),
  );

  app.get(
    '/me/assessment-invitations',
    {
      preHandler: candidate,
      schema: {
        tags: TAGS,
        summary: 'Your assessment invitations, newest first (candidates)',
        description:
          'Invitations addressed to your account, or to its email when they were sent before the account existed. The link itself is only in the mail.',
        querystring: PageQuery,
        response: { 200: MyInvitationPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => invitations.mine(caller(request).userId, request.query),
  );
}
