// Owns the HTTP surface of the employer's results under
// /organisations/{organisationId}/assessments/{assessmentId}/attempts: the permission guard, schema
// and one service call per route; who may read or override is decided in the service.
import { caller, type Identity, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import { AssessmentParams } from '../templates/schemas.js';
import {
  AttemptResult,
  AttemptResultParams,
  AttemptSummaryList,
  OverrideBody,
  OverrideParams,
  ResultsQuery,
} from './schemas.js';
import type { ResultsService } from './service.js';

const tags = ['assessment results'];

export function registerResultRoutes(app: PlatformServer, identity: Identity, results: ResultsService): void {
  const employer = identity.requirePermission('assessments:invite');
  const base = '/organisations/:organisationId/assessments/:assessmentId/attempts';

  app.get(
    base,
    {
      preHandler: employer,
      schema: {
        tags,
        summary: "An assessment's attempts with their scores, newest first (members)",
        description: 'Filter by status and by passed. Another organisation: 404.',
        params: AssessmentParams,
        querystring: ResultsQuery,
        response: { 200: AttemptSummaryList, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      items: await results.list(
        caller(request).userId,
        request.params.organisationId,
        request.params.assessmentId,
        request.query,
      ),
    }),
  );

  app.get(
    `${base}/:attemptId`,
    {
      preHandler: employer,
      schema: {
        tags,
        summary:
          'One attempt: answers, per-question grades with rationale, section and total scores, pass/fail, time taken',
        params: AttemptResultParams,
        response: { 200: AttemptResult, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      results.get(
        caller(request).userId,
        request.params.organisationId,
        request.params.assessmentId,
        request.params.attemptId,
      ),
  );

  app.post(
    `${base}/:attemptId/questions/:questionId/override`,
    {
      preHandler: employer,
      schema: {
        tags,
        summary: "Override one question's score with a note (owners and recruiters; audited)",
        description:
          "The score (0 to the question's points, in halves) replaces the grader's; totals, percent and pass/fail are recomputed; the grader's score stays as gradedScore and the change is written to the audit log. Errors: 409 attempt_not_scored; 400 override_score_invalid; 404 question_not_found; 403 organisation_role_insufficient (viewers).",
        params: OverrideParams,
        body: OverrideBody,
        response: { 200: AttemptResult, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      results.override(
        caller(request).userId,
        request.params.organisationId,
        request.params.assessmentId,
        request.params.attemptId,
        request.params.questionId,
        request.body,
        requestOrigin(request),
      ),
  );
}
