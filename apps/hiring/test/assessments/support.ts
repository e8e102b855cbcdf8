// Test support for assessments: a valid template body, requests these suites repeat (create,
// publish, start, save, submit), an invitation written as the invitations module writes it (its
// quota and mails are tested there; most suites here only need a token), the token of an invite
// sent through the real route (read from the mail outbox), and a walk over a response for fields a
// candidate must never receive.
import { expect } from 'vitest';
import { newToken } from '../../src/modules/invitations/tokens.js';
import type { HiringTestApp, Response, TestUser } from '../support/hiring-client.js';

/** A JSON body as inject's json() returns it. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are what the assertions check
type Body = any;

/** Two sections: two choice questions and one text question (8 points in all). */
export function templateBody(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Backend screening',
    description: 'SQL and APIs.',
    timeLimitMinutes: 30,
    passScorePercent: 50,
    attemptsLimit: 1,
    sections: [
      {
        id: 'db',
        title: 'Databases',
        questions: [
          {
            id: 'q1',
            kind: 'single_choice',
            prompt: 'Default isolation level of PostgreSQL?',
            points: 2,
            choices: [
              { id: 'a', text: 'Read committed', correct: true },
              { id: 'b', text: 'Serializable', correct: false },
              { id: 'c', text: 'Repeatable read', correct: false },
            ],
          },
          {
            id: 'q2',
            kind: 'multiple_choice',
            prompt: 'Which are index types of PostgreSQL?',
            points: 2,
            choices: [
              { id: 'a', text: 'B-tree', correct: true },
              { id: 'b', text: 'GIN', correct: true },
              { id: 'c', text: 'Bloomfilter-tree', correct: false },
            ],
          },
        ],
      },
      {
        id: 'api',
        title: 'APIs',
        questions: [
          {
            id: 'q3',
            kind: 'short_text',
            prompt: 'What makes a PUT idempotent?',
            points: 4,
            rubric: 'Repeating it leaves the same state; it replaces the resource.',
            referenceAnswer: 'Repeating the same PUT leaves the resource in the same state: it replaces it.',
            keywords: [
              { term: 'same state|same result', weight: 0.5 },
              { term: 'replace', weight: 0.5 },
            ],
            maxAnswerLength: 300,
          },
        ],
      },
    ],
    ...overrides,
  };
}

export const assessmentsUrl = (organisationId: string) => `/organisations/${organisationId}/assessments`;

export async function createAssessment(
  t: HiringTestApp,
  user: TestUser,
  organisationId: string,
  overrides: Record<string, unknown> = {},
): Promise<Body> {
  const response = await t.app.inject({
    method: 'POST',
    url: assessmentsUrl(organisationId),
    headers: user.headers,
    payload: templateBody(overrides),
  });
  if (response.statusCode !== 201)
    throw new Error(`create assessment: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function publish(
  t: HiringTestApp,
  user: TestUser,
  organisationId: string,
  assessmentId: string,
): Promise<Body> {
  const response = await t.app.inject({
    method: 'POST',
    url: `${assessmentsUrl(organisationId)}/${assessmentId}/publish`,
    headers: user.headers,
  });
  if (response.statusCode !== 200) throw new Error(`publish: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function publishedAssessment(
  t: HiringTestApp,
  user: TestUser,
  organisationId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const created = await createAssessment(t, user, organisationId, overrides);
  await publish(t, user, organisationId, created.id);
  return created.id;
}

let emails = 0;

/** An invitation row as invitations/ writes it, with a known token; returns the token. */
export async function inviteDirect(
  t: HiringTestApp,
  input: {
    organisationId: string;
    assessmentId: string;
    email?: string;
    applicationId?: string | null;
    candidateUserId?: string | null;
    attemptsLimit?: number;
    validHours?: number;
  },
): Promise<{ token: string; invitationId: string }> {
  emails += 1;
  const { token, hash } = newToken();
  const now = t.clock.now();
  const hours = input.validHours ?? 168;
  const { rows } = await t.db.executeSql(
    `insert into hiring_assessment_invitations (organisation_id, assessment_id, email, application_id,
       candidate_user_id, token_hash, token_issued_at, status, valid_hours, expires_at, attempts_limit,
       created_at, last_sent_at)
     values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $7, $7) returning id`,
    [
      input.organisationId,
      input.assessmentId,
      input.email ?? `invitee${emails}-${process.pid}@example.com`,
      input.applicationId ?? null,
      input.candidateUserId ?? null,
      hash,
      now,
      hours,
      new Date(now.getTime() + hours * 3_600_000),
      input.attemptsLimit ?? 1,
    ],
  );
  return { token, invitationId: (rows[0] as { id: string }).id };
}

/** Invites through the invitations route and reads the token from the mail it queued. */
export async function inviteByMail(
  t: HiringTestApp,
  user: TestUser,
  organisationId: string,
  assessmentId: string,
  candidate: { email: string; applicationId?: string },
): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: `${assessmentsUrl(organisationId)}/${assessmentId}/invitations`,
    headers: user.headers,
    payload: { candidates: [candidate] },
  });
  if (response.statusCode !== 201) throw new Error(`invite: ${response.statusCode} ${response.body}`);
  const { rows } = await t.db.executeSql(
    'select body from mail_outbox where recipient = $1 order by id desc limit 1',
    [candidate.email],
  );
  const token = /\/assessments\/invite\/([A-Za-z0-9_-]+)/.exec(
    String((rows[0] as { body: string }).body),
  )?.[1];
  if (!token) throw new Error('no invite link in the mail');
  return token;
}

export async function start(t: HiringTestApp, token: string): Promise<Response> {
  return t.app.inject({ method: 'POST', url: `/assessment-invites/${token}/start` });
}

export async function started(
  t: HiringTestApp,
  token: string,
): Promise<{ id: string; token: string; body: Body }> {
  const response = await start(t, token);
  if (response.statusCode !== 201) throw new Error(`start: ${response.statusCode} ${response.body}`);
  const body = response.json();
  return { id: body.id, token: body.attemptToken, body };
}

export function save(
  t: HiringTestApp,
  attempt: { id: string; token: string },
  questionId: string,
  payload: Record<string, unknown>,
): Promise<Response> {
  return t.app.inject({
    method: 'PUT',
    url: `/assessment-attempts/${attempt.id}/answers/${questionId}`,
    headers: { 'x-attempt-token': attempt.token },
    payload,
  });
}

export function submit(t: HiringTestApp, attempt: { id: string; token: string }): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: `/assessment-attempts/${attempt.id}/submit`,
    headers: { 'x-attempt-token': attempt.token },
  });
}

export function getAttempt(t: HiringTestApp, attempt: { id: string; token: string }): Promise<Response> {
  return t.app.inject({
    method: 'GET',
    url: `/assessment-attempts/${attempt.id}`,
    headers: { 'x-attempt-token': attempt.token },
  });
}

/** Keys that carry grading material: a candidate-facing body or schema must never hold them. */
export const SECRET_KEYS = new Set([
  'correct',
  'rubric',
  'referenceAnswer',
  'keywords',
  'correctChoiceIds',
  'grade',
  'rationale',
]);

/** Fails if any key a candidate must never see appears anywhere in the body, or a rubric's text does. */
export function expectNoSecrets(response: Response): void {
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, `${path}/${index}`);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        expect(SECRET_KEYS.has(key), `${path}/${key} must not reach a candidate`).toBe(false);
        walk(item, `${path}/${key}`);
      }
    }
  };
  walk(response.json(), '');
  expect(response.body).not.toContain('Repeating it leaves the same state');
  expect(response.body).not.toContain('same state|same result');
}

export function expectProblem(response: Response, status: number, code?: string, path?: string): void {
  expect({ status: response.statusCode, body: response.json() }).toMatchObject({
    status,
    body: {
      ...(code !== undefined && { code }),
      ...(path !== undefined && { errors: expect.arrayContaining([expect.objectContaining({ path })]) }),
    },
  });
}
