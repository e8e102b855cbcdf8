// Owns the candidate's HTTP surface: the invite link (/assessment-invites/{token}), the attempt
// (/assessment-attempts/{attemptId}) and the signed-in candidate's own attempts. The invite routes
// need nothing but the token (a session on /start is optional: it links the attempt to that account
// when it is the invited one) and are in the platform's stricter `auth` rate-limit class. Attempt routes take the attempt token (X-Attempt-Token) or, when none
// is sent, the session of the invited candidate (the identity guard runs only then). Every answer
// here is serialised by a schema without correct answers or rubrics, and is never cached
// (the platform sends `Cache-Control: no-store` on every answer unless a route opts in).

import { caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AnswerBody,
  AnswerParams,
  AttemptHeaders,
  AttemptParams,
  AttemptView,
  InviteParams,
  InviteView,
  MyAttemptList,
  SaveResult,
  StartedAttempt,
} from './schemas.js';
import type { AttemptCredentials, AttemptService } from './service.js';

const tags = ['assessment attempts'];
const access =
  "Send the attemptToken from start as X-Attempt-Token, or, if you started it signed in as the invited candidate, that session. Without either: 401 attempt_token_required; a wrong token or someone else's attempt: 404 attempt_not_found.";

export function registerAttemptRoutes(
  app: PlatformServer,
  identity: Identity,
  attempts: AttemptService,
): void {
  /** /start: authenticates a session when one came along (it links the attempt to that account). */
  async function optionalSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.headers.authorization !== undefined || request.headers.cookie !== undefined) {
      await identity.authenticate(request, reply);
    }
  }
  /** Authenticates the session only when no attempt token came along. */
  async function attemptCaller(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (request.headers['x-attempt-token'] === undefined) await optionalSession(request, reply);
  }
  const credentials = (request: FastifyRequest): AttemptCredentials => {
    const token = request.headers['x-attempt-token'];
    return {
      token: typeof token === 'string' && token.length > 0 ? token : undefined,
      userId: request.auth?.userId,
    };
  };

  app.get(
    '/assessment-invites/:token',
    {
      config: { rateLimit: 'auth' },
      schema: {
        tags,
        summary: 'What an invite link is for: title, time limit, number of questions, attempts left',
        description:
          'No sign-in needed. Never shows the questions, let alone their answers. Rate limited per client address in the stricter auth class (RATE_LIMIT_AUTH_PER_MINUTE, then 429 rate_limited). Errors: 404 invitation_not_found (unknown token, same work as a known one); 410 invitation_revoked / invitation_expired / invitation_used; 409 assessment_archived / assessment_not_published.',
        params: InviteParams,
        response: { 200: InviteView, ...problemResponses(400, 404, 409, 410, 429) },
      },
    },
    async (request) => attempts.openInvite(request.params.token),
  );

  app.post(
    '/assessment-invites/:token/start',
    {
      preHandler: optionalSession,
      config: { rateLimit: 'auth' },
      schema: {
        tags,
        summary:
          'Start an attempt: spends the token, starts the clock, returns the questions and the attempt token',
        description:
          "The deadline is the server's start time plus the time limit. Questions and choices are shuffled per attempt when the assessment says so (the same order on every later read). The attemptToken is shown only here. Sign-in is optional: started with the session of the candidate account the invitation named, the attempt can later also be reached with that session; otherwise only with the attemptToken. Rate limited like the invite link (auth class, 429 rate_limited). Revoking the invitation stops new starts only: an attempt already running can still be saved, submitted and scored. Errors: 404 invitation_not_found; 410 invitation_used (the token already started an attempt, or no attempts are left), invitation_revoked, invitation_expired; 409 assessment_archived / assessment_not_published.",
        params: InviteParams,
        response: { 201: StartedAttempt, ...problemResponses(400, 401, 404, 409, 410, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await attempts.start(request.params.token, request.auth?.userId)),
  );

  app.get(
    '/assessment-attempts/:attemptId',
    {
      preHandler: attemptCaller,
      schema: {
        tags,
        summary:
          'The attempt: its questions in its order, the saved answers, the time left and, once scored, the result',
        description: access,
        params: AttemptParams,
        headers: AttemptHeaders,
        response: { 200: AttemptView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => attempts.get(request.params.attemptId, credentials(request)),
  );

  app.put(
    '/assessment-attempts/:attemptId/answers/:questionId',
    {
      preHandler: attemptCaller,
      schema: {
        tags,
        summary: 'Save the answer to one question (idempotent: replaces the previous answer)',
        description: `{ choiceIds } for choice questions, { text } for text and code questions (at most the question's maxAnswerLength). Errors: 409 attempt_deadline_passed (by the server clock), 409 attempt_submitted; 429 attempt_rate_limited (more than 10 saves a second for one attempt); 400 answer_choice_unknown / answer_too_long / answer_text_required / answer_choices_required; 404 question_not_found. ${access}`,
        params: AnswerParams,
        headers: AttemptHeaders,
        body: AnswerBody,
        response: { 200: SaveResult, ...problemResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request) =>
      attempts.saveAnswer(
        request.params.attemptId,
        request.params.questionId,
        request.body,
        credentials(request),
      ),
  );

  app.post(
    '/assessment-attempts/:attemptId/submit',
    {
      preHandler: attemptCaller,
      schema: {
        tags,
        summary: 'Submit the attempt and get the result (idempotent)',
        description: `Scores the saved answers (after the deadline too: what was saved in time counts). A second submit answers the same result. status is scoring (rarely) while another grader is still writing the result; ask again. ${access}`,
        params: AttemptParams,
        headers: AttemptHeaders,
        response: { 200: AttemptView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => attempts.submit(request.params.attemptId, credentials(request)),
  );

  app.get(
    '/me/assessment-attempts',
    {
      preHandler: identity.requirePermission('assessments:take'),
      schema: {
        tags,
        summary: 'Your attempts (signed-in candidates), newest first',
        description: 'Attempts of invitations sent to your account; results once scored, never the answers.',
        response: { 200: MyAttemptList, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ items: await attempts.listMine(caller(request).userId) }),
  );
}
