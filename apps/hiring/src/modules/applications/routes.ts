// Owns the HTTP surface of job actions and the application pipeline. Each route reads top to
// bottom: permission guard, schema, one service call. The guards only check the role's permission;
// which job, application or organisation the caller may touch is decided in the service.
import { caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import {
  ApplicationDetail,
  ApplicationParams,
  ApplicationSummaryPage,
  JobActionAliasBody,
  JobActionBody,
  JobActionResult,
  JobApplicationsQuery,
  JobParams,
  MoveStageBody,
  MyApplicationPage,
  Note,
  NoteBody,
  OrganisationParams,
  PageQuery,
  PipelineStageList,
  ReplaceStagesBody,
  SavedJobPage,
} from './schemas.js';
import type { ApplicationService } from './service.js';

export interface ApplicationRouteServices {
  applications: ApplicationService;
}

const candidateTags = ['job actions'];
const pipelineTags = ['applications'];
const actionResponses = {
  200: JobActionResult,
  201: JobActionResult,
  ...problemResponses(400, 401, 403, 404, 409, 503),
};
const actionDescription =
  "Repeating an action gives the same result; save and dismiss undo each other. Apply answers 201 when it creates the application (in the first open stage of the pipeline) and 200 with the same application afterwards, also after the job closed. Errors: 404 job_not_found (unknown job, or a draft); 409 job_not_open (save or apply on a closed job); 409 job_external (apply to a job ingested from a job board: apply on its own site, the job's url); 400 cover_note_without_apply.";

export function registerApplicationRoutes(
  app: PlatformServer,
  identity: Identity,
  { applications }: ApplicationRouteServices,
): void {
  const candidate = identity.requirePermission('jobs:act');
  const ownApplications = identity.requirePermission('applications:own');
  const employer = identity.requirePermission('applications:manage');

  app.post(
    '/jobs/:jobId/actions',
    {
      preHandler: candidate,
      schema: {
        tags: candidateTags,
        summary: 'Save, unsave, dismiss, undismiss or apply to a job (idempotent)',
        description: actionDescription,
        params: JobParams,
        body: JobActionBody,
        response: actionResponses,
      },
    },
    async (request, reply) => {
      const { created, result } = await applications.act(caller(request).userId, {
        jobId: request.params.jobId,
        ...request.body,
      });
      return reply.code(created ? 201 : 200).send(result);
    },
  );

  app.post(
    '/job-action',
    {
      preHandler: candidate,
      schema: {
        tags: candidateTags,
        summary:
          'Alias of POST /jobs/{jobId}/actions with the job id in the body (kept for existing clients)',
        description: actionDescription,
        body: JobActionAliasBody,
        response: actionResponses,
      },
    },
    async (request, reply) => {
      const { created, result } = await applications.act(caller(request).userId, request.body);
      return reply.code(created ? 201 : 200).send(result);
    },
  );

  app.get(
    '/me/saved-jobs',
    {
      preHandler: candidate,
      schema: {
        tags: candidateTags,
        summary: 'Jobs you saved, most recently saved first',
        querystring: PageQuery,
        response: { 200: SavedJobPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => applications.listSavedJobs(caller(request).userId, request.query),
  );

  app.get(
    '/me/applications',
    {
      preHandler: ownApplications,
      schema: {
        tags: candidateTags,
        summary: 'Your applications with their current stage and status, newest first',
        querystring: PageQuery,
        response: { 200: MyApplicationPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => applications.listMyApplications(caller(request).userId, request.query),
  );

  app.get(
    '/organisations/:organisationId/pipeline-stages',
    {
      preHandler: employer,
      schema: {
        tags: pipelineTags,
        summary: "The organisation's application pipeline, in order (members)",
        params: OrganisationParams,
        response: { 200: PipelineStageList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      items: await applications.listStages(caller(request).userId, request.params.organisationId),
    }),
  );

  app.put(
    '/organisations/:organisationId/pipeline-stages',
    {
      preHandler: employer,
      schema: {
        tags: pipelineTags,
        summary: 'Replace the ordered stage list (owners)',
        description:
          'Stages are matched by key: listed ones are renamed and reordered, new keys are added, missing ones are removed (kept only for the history of past moves). Errors: 400 stages_incomplete (needs at least one open, one hired and one rejected stage), 400 stage_key_duplicate; 409 stage_in_use (a stage with applications in it cannot be removed or change its outcome); 403 organisation_role_insufficient (not an owner).',
        params: OrganisationParams,
        body: ReplaceStagesBody,
        response: { 200: PipelineStageList, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      items: await applications.replaceStages(
        caller(request).userId,
        request.params.organisationId,
        request.body.stages,
      ),
    }),
  );

  app.get(
    '/jobs/:jobId/applications',
    {
      preHandler: employer,
      schema: {
        tags: pipelineTags,
        summary: "A job's applications, newest first, optionally in one stage (members of its organisation)",
        params: JobParams,
        querystring: JobApplicationsQuery,
        response: { 200: ApplicationSummaryPage, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      applications.listJobApplications(caller(request).userId, request.params.jobId, request.query),
  );

  app.get(
    '/applications/:applicationId',
    {
      preHandler: identity.authenticate,
      schema: {
        tags: pipelineTags,
        summary: 'One application with its stage history and time in each stage',
        description:
          "Members of the job's organisation also see who applied (the e-mail they applied with and their profile), notes, ratings and the rejection reason; the candidate sees their own application without them.",
        params: ApplicationParams,
        response: { 200: ApplicationDetail, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => applications.getApplication(caller(request).userId, request.params.applicationId),
  );

  app.post(
    '/applications/:applicationId/stage',
    {
      preHandler: employer,
      schema: {
        tags: pipelineTags,
        summary: 'Move an application to a stage (owners and recruiters); a reason is required for rejection',
        description:
          'Each move mails the candidate (through the outbox, in the same transaction) the job and the new stage, never notes or the rejection reason. Moving to the current stage changes nothing, sends nothing and answers 200. Errors: 400 stage_unknown (no such active stage), 400 rejection_reason_required; 403 organisation_role_insufficient (viewers); 404 application_not_found (also for other organisations); 409 application_withdrawn.',
        params: ApplicationParams,
        body: MoveStageBody,
        response: { 200: ApplicationDetail, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      applications.moveToStage(
        caller(request).userId,
        request.params.applicationId,
        request.body.stageKey,
        request.body.reason,
      ),
  );

  app.post(
    '/applications/:applicationId/withdraw',
    {
      preHandler: ownApplications,
      schema: {
        tags: candidateTags,
        summary: 'Withdraw your application (idempotent)',
        description:
          "The application is kept, frozen in its stage, and the employer sees it as withdrawn; it cannot be moved any more and re-applying to the same job answers 409 application_withdrawn. Withdrawing again answers 200 with the same application. Errors: 404 application_not_found (also for someone else's application); 409 application_decided (already hired or rejected).",
        params: ApplicationParams,
        response: { 200: ApplicationDetail, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => applications.withdraw(caller(request).userId, request.params.applicationId),
  );

  app.post(
    '/applications/:applicationId/notes',
    {
      preHandler: employer,
      schema: {
        tags: pipelineTags,
        summary: 'Add a note, optionally with a 1-5 rating (owners and recruiters)',
        description:
          'Notes and ratings are for the organisation only; the candidate never sees them. Errors: 403 organisation_role_insufficient (viewers); 404 application_not_found.',
        params: ApplicationParams,
        body: NoteBody,
        response: { 201: Note, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await applications.addNote(
            caller(request).userId,
            request.params.applicationId,
            request.body.body,
            request.body.rating,
          ),
        ),
  );
}
