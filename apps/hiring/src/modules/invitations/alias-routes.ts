// Owns the spec-compatible paths of the four invitation endpoints ("assessment invitations (4
// endpoints)" of the original API): create, list, resend and revoke under /assessment-invitations,
// with the organisation in the body or query instead of the path. They call the same service
// methods as the organisation's paths, so every check (roles, 404 outside the organisation, quota,
// rate limit) is the same.
import { bodylessAsEmpty, caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import type { OrganisationService } from '../organisations/service.js';
import { invalidInput } from './errors.js';
import type { InvitationService } from './manage.js';
import { DESCRIPTIONS, TAGS } from './routes.js';
import {
  AliasCreateBody,
  AliasListQuery,
  CreateResult,
  Invitation,
  InvitationPage,
  InvitationParams,
  ResendBody,
  SentInvitation,
} from './schemas.js';

/** `candidates`, or one candidate from `email` (+ name, applicationId); never both. */
function candidatesOf(body: AliasCreateBody) {
  if (body.candidates !== undefined) {
    if (body.email !== undefined || body.name !== undefined || body.applicationId !== undefined) {
      throw invalidInput(
        'candidates_ambiguous',
        'Give either candidates, or email (with name and applicationId), not both.',
        '/body/email',
        'not with candidates',
      );
    }
    return body.candidates;
  }
  if (body.email === undefined) {
    throw invalidInput(
      'candidates_required',
      'Give candidates, or one email.',
      '/body/candidates',
      'required',
    );
  }
  return [
    {
      email: body.email,
      ...(body.name !== undefined && { name: body.name }),
      ...(body.applicationId !== undefined && { applicationId: body.applicationId }),
    },
  ];
}

export function registerInvitationAliasRoutes(
  app: PlatformServer,
  identity: Identity,
  invitations: InvitationService,
  organisations: Pick<OrganisationService, 'listMine'>,
): void {
  const employer = identity.requirePermission('assessments:invite');

  /** The organisation named, or the caller's only one. Membership is checked by the service. */
  async function organisationOf(userId: string, organisationId: string | undefined): Promise<string> {
    if (organisationId !== undefined) return organisationId;
    const mine = await organisations.listMine(userId);
    if (mine.length === 1) return (mine[0] as { id: string }).id;
    throw invalidInput(
      'organisation_required',
      mine.length === 0
        ? 'You belong to no organisation; create one first.'
        : 'You belong to several organisations; name one with organisationId.',
      '/querystring/organisationId',
      'required',
    );
  }

  app.post(
    '/assessment-invitations',
    {
      preHandler: employer,
      schema: {
        tags: TAGS,
        summary:
          'Alias of POST /organisations/{organisationId}/assessments/{assessmentId}/invitations with the ids in the body (spec path)',
        description: `${DESCRIPTIONS.create} Also 400 candidates_required / candidates_ambiguous.`,
        body: AliasCreateBody,
        response: { 201: CreateResult, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { organisationId, assessmentId, expiresInHours, attemptsLimit } = request.body;
      const result = await invitations.create(caller(request).userId, organisationId, assessmentId, {
        candidates: candidatesOf(request.body),
        expiresInHours,
        attemptsLimit,
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/assessment-invitations',
    {
      preHandler: employer,
      schema: {
        tags: TAGS,
        summary: 'Alias of GET /organisations/{organisationId}/invitations (spec path)',
        description: `${DESCRIPTIONS.list} Without organisationId, the caller's only organisation (else 400 organisation_required).`,
        querystring: AliasListQuery,
        response: { 200: InvitationPage, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { organisationId, ...query } = request.query;
      const userId = caller(request).userId;
      return invitations.list(userId, await organisationOf(userId, organisationId), query);
    },
  );

  app.post(
    '/assessment-invitations/:invitationId/resend',
    {
      preHandler: employer,
      preValidation: bodylessAsEmpty,
      schema: {
        tags: TAGS,
        summary:
          'Alias of POST /organisations/{organisationId}/invitations/{invitationId}/resend (spec path)',
        description: DESCRIPTIONS.resend,
        params: InvitationParams,
        body: ResendBody,
        response: { 200: SentInvitation, ...problemResponses(400, 401, 403, 404, 409, 410, 429) },
      },
    },
    async (request) =>
      invitations.resend(caller(request).userId, request.params.invitationId, request.body.expiresInHours),
  );

  app.delete(
    '/assessment-invitations/:invitationId',
    {
      preHandler: employer,
      schema: {
        tags: TAGS,
        summary:
          'Alias of POST /organisations/{organisationId}/invitations/{invitationId}/revoke (spec path)',
        description: DESCRIPTIONS.revoke,
        params: InvitationParams,
        response: { 200: Invitation, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => invitations.revoke(caller(request).userId, request.params.invitationId),
  );
}
