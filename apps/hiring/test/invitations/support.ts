// Test support for assessment invitations: an organisation with an owner, a recruiter and a viewer;
// assessments written straight into assess-core's tables (a published one with its frozen version,
// or a draft), as the assessments routes would leave them; the invitation requests; and the token,
// read from the mail in the outbox, the only place it exists.
import { randomUUID } from 'node:crypto';
import { withTransaction } from '@app/platform';
import type { Transaction } from 'kysely';
import type { HiringSchema } from '../../src/db.js';
import { createInvitationTokens } from '../../src/modules/invitations/service.js';
import {
  addMember,
  createOrganisation,
  type HiringTestApp,
  type Response,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';

export interface Team {
  owner: TestUser;
  recruiter: TestUser;
  viewer: TestUser;
  organisationId: string;
}

export async function team(t: HiringTestApp, name = 'Acme Ltd'): Promise<Team> {
  const [owner, recruiter, viewer] = await Promise.all([
    signUp(t, 'employer'),
    signUp(t, 'employer'),
    signUp(t, 'employer'),
  ]);
  const organisationId = await createOrganisation(t, owner, name);
  await addMember(t, owner, organisationId, recruiter, 'recruiter');
  await addMember(t, owner, organisationId, viewer, 'viewer');
  return { owner, recruiter, viewer, organisationId };
}

export async function assessment(
  t: HiringTestApp,
  organisationId: string,
  options: {
    status?: 'draft' | 'published';
    title?: string;
    timeLimitMinutes?: number;
    attemptsLimit?: number;
  } = {},
): Promise<string> {
  const id = randomUUID();
  const now = t.clock.now().toISOString();
  const published = (options.status ?? 'published') === 'published';
  await t.db.executeSql(
    `insert into hiring_assessments (id, organisation_id, status, latest_version, published_version, created_at, updated_at)
     values ($1, $2, $3, 1, $4, $5, $5)`,
    [id, organisationId, published ? 'published' : 'draft', published ? 1 : null, now],
  );
  await t.db.executeSql(
    `insert into hiring_assessment_versions (assessment_id, version, title, description, sections, time_limit_minutes,
       pass_score_percent, attempts_limit, shuffle_questions, shuffle_choices, question_count, section_count,
       total_points, content_hash, published_at, created_at, updated_at)
     values ($1, 1, $2, 'Test assessment', '[]', $3, 60, $4, false, false, 0, 0, 0, $5, $6, $7, $7)`,
    [
      id,
      options.title ?? 'Backend engineering',
      options.timeLimitMinutes ?? 45,
      options.attemptsLimit ?? 1,
      published ? 'hash' : null,
      published ? now : null,
      now,
    ],
  );
  return id;
}

export function invite(
  t: HiringTestApp,
  user: TestUser,
  organisationId: string,
  assessmentId: string,
  payload: Record<string, unknown>,
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: `/organisations/${organisationId}/assessments/${assessmentId}/invitations`,
    headers: user.headers,
    payload,
  });
}

export async function inviteOne(
  t: HiringTestApp,
  user: TestUser,
  organisationId: string,
  assessmentId: string,
  email: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; token: string; body: Record<string, unknown> }> {
  const response = await invite(t, user, organisationId, assessmentId, { candidates: [{ email }], ...extra });
  if (response.statusCode !== 201) throw new Error(`invite failed: ${response.statusCode} ${response.body}`);
  const body = response.json().items[0];
  return { id: body.id, token: await tokenFor(t, email.trim().toLowerCase()), body };
}

export function post(t: HiringTestApp, user: TestUser, url: string, payload?: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url, headers: user.headers, ...(payload && { payload }) });
}

export function get(t: HiringTestApp, user: TestUser, url: string) {
  return t.app.inject({ method: 'GET', url, headers: user.headers });
}

export interface OutboxMail {
  subject: string;
  body: string;
}

export async function mailsTo(t: HiringTestApp, email: string): Promise<OutboxMail[]> {
  const { rows } = await t.db.executeSql(
    'select subject, body from mail_outbox where recipient = $1 order by id desc',
    [email],
  );
  return rows as unknown as OutboxMail[];
}

const LINK = /\/assessments\/invite\/([A-Za-z0-9_-]{43})(?:\s|$)/;

/** The token of the latest invitation mail to `email`. */
export async function tokenFor(t: HiringTestApp, email: string): Promise<string> {
  const [latest] = await mailsTo(t, email);
  const token = latest?.body.match(LINK)?.[1];
  if (!token) throw new Error(`no invitation link mailed to ${email}`);
  return token;
}

/** The token contract as the attempts use it, on the test app's database and clock. */
export function tokensOf(t: HiringTestApp) {
  const tokens = createInvitationTokens({ db: t.db, clock: t.clock });
  const inTransaction = <T>(work: (trx: Transaction<HiringSchema>) => Promise<T>) =>
    withTransaction(t.db as Parameters<typeof withTransaction<HiringSchema, T>>[0], work);
  return {
    resolve: (token: string) => tokens.resolve(token),
    start: (token: string, now = t.clock.now()) =>
      inTransaction((trx) => tokens.startAttempt(trx, token, now)),
    completed: (id: string, now = t.clock.now()) => inTransaction((trx) => tokens.completed(trx, id, now)),
  };
}

/** What a rejected promise of the token contract carries: its kind and code. */
export async function failure(promise: Promise<unknown>): Promise<{ kind: string; code: string }> {
  try {
    await promise;
  } catch (error) {
    const { kind, code } = error as { kind: string; code: string };
    return { kind, code };
  }
  throw new Error('expected the promise to fail');
}

export async function rows(t: HiringTestApp, sql: string, parameters: unknown[] = []) {
  return (await t.db.executeSql(sql, parameters)).rows as Array<Record<string, unknown>>;
}
