// Owns the HTTP surface of assessment templates under /organisations/{organisationId}/assessments.
// Each route: the employer permission guard, schema, one service call. Which organisation the caller
// may touch, and with which role, is decided in the service (404 outside, 403 for viewers' writes).
import { caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import {
  AssessmentDetail,
  AssessmentList,
  AssessmentListQuery,
  AssessmentParams,
  AssessmentQuery,
  CreateAssessmentBody,
  GenerateAssessmentBody,
  OrganisationParams,
  UpdateAssessmentBody,
} from './schemas.js';
import type { TemplateService } from './service.js';

const tags = ['assessments'];
const roles =
  'Owners and recruiters write; viewers read (403 organisation_role_insufficient on writes); anyone else gets 404 organisation_not_found / assessment_not_found.';

export function registerTemplateRoutes(
  app: PlatformServer,
  identity: Identity,
  templates: TemplateService,
): void {
  const employer = identity.requirePermission('assessments:invite');
  const base = '/organisations/:organisationId/assessments';

  app.post(
    base,
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Create an assessment template (a draft)',
        description: `Sections hold questions of five kinds; choice kinds carry 2-8 choices (single_choice exactly one correct, multiple_choice at least one), text kinds (short_text, long_text, code) a rubric and keywords whose weights sum to 1. At most 100 questions. Ids left out are assigned. Errors: 400 naming the field (question_correct_count, question_rubric_required, question_keyword_weights, too_many_questions, ...); 404 job_not_found (jobId not of this organisation). ${roles}`,
        params: OrganisationParams,
        body: CreateAssessmentBody,
        response: { 201: AssessmentDetail, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await templates.create(caller(request).userId, request.params.organisationId, request.body)),
  );

  app.post(
    `${base}/generate`,
    {
      preHandler: employer,
      schema: {
        tags,
        summary:
          "Generate a draft assessment from one of the organisation's jobs (AI, with a deterministic fallback)",
        description: `Takes one unit of the organisation's AI-assessment quota before generating (given back if storing fails). The job's title, description and skills with levels go to the generator; the draft records the generator used and why the LLM's output was not used, if it was not. Errors: 409 ai_assessment_quota_reached (used and limit in the detail); 404 job_not_found. ${roles}`,
        params: OrganisationParams,
        body: GenerateAssessmentBody,
        response: { 201: AssessmentDetail, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await templates.generate(caller(request).userId, request.params.organisationId, request.body)),
  );

  app.get(
    base,
    {
      preHandler: employer,
      schema: {
        tags,
        summary: "The organisation's assessments, newest first (members)",
        params: OrganisationParams,
        querystring: AssessmentListQuery,
        response: { 200: AssessmentList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      items: await templates.list(caller(request).userId, request.params.organisationId, request.query),
    }),
  );

  app.get(
    `${base}/:assessmentId`,
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'One assessment with its questions, correct answers and rubrics (members)',
        description: `The newest version by default, or ?version=N. ${roles}`,
        params: AssessmentParams,
        querystring: AssessmentQuery,
        response: { 200: AssessmentDetail, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      templates.get(
        caller(request).userId,
        request.params.organisationId,
        request.params.assessmentId,
        request.query.version,
      ),
  );

  app.patch(
    `${base}/:assessmentId`,
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Edit an assessment: the draft in place, or a published one as a new draft version',
        description: `A published version is never changed: editing a published assessment answers 201 with a new draft version (publish it to make it what new attempts start on); editing a draft answers 200. Sections, when sent, replace all sections. Errors: 409 assessment_archived; 400 naming the field. ${roles}`,
        params: AssessmentParams,
        body: UpdateAssessmentBody,
        response: {
          200: AssessmentDetail,
          201: AssessmentDetail,
          ...problemResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { created, assessment } = await templates.update(
        caller(request).userId,
        request.params.organisationId,
        request.params.assessmentId,
        request.body,
      );
      return reply.code(created ? 201 : 200).send(assessment);
    },
  );

  app.post(
    `${base}/:assessmentId/publish`,
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Publish the newest version (freezes it; idempotent)',
        description: `The version gets its content hash and never changes again; new attempts start on it. Errors: 409 assessment_empty (no questions), 409 assessment_archived. ${roles}`,
        params: AssessmentParams,
        response: { 200: AssessmentDetail, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      templates.publish(caller(request).userId, request.params.organisationId, request.params.assessmentId),
  );

  app.post(
    `${base}/:assessmentId/archive`,
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Archive an assessment (idempotent)',
        description: `No new invitations or attempts; attempts already running finish and are scored. ${roles}`,
        params: AssessmentParams,
        response: { 200: AssessmentDetail, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      templates.archive(caller(request).userId, request.params.organisationId, request.params.assessmentId),
  );
}
