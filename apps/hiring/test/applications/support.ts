// Test support for job actions and the application pipeline: the hiring test app, plus the few
// requests these suites repeat (an action on a job, a stage move, an ingested job with no
// organisation, which no route creates directly).
import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import {
  buildHiringTestApp,
  type HiringTestApp,
  type Response,
  type TestUser,
} from '../support/hiring-client.js';

export { buildHiringTestApp };

/** The password hiring-client's signUp gives every test user. */
const PASSWORD = 'correct horse battery staple 42';

export function inject(t: HiringTestApp, options: InjectOptions): Promise<Response> {
  return t.app.inject(options);
}

export function act(
  t: HiringTestApp,
  user: TestUser,
  jobId: string,
  action: string,
  extra: Record<string, unknown> = {},
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: `/jobs/${jobId}/actions`,
    headers: user.headers,
    payload: { action, ...extra },
  });
}

/** Applies and returns the application id, failing loudly if the apply did not succeed. */
export async function apply(
  t: HiringTestApp,
  user: TestUser,
  jobId: string,
  coverNote?: string,
): Promise<string> {
  const response = await act(t, user, jobId, 'apply', coverNote === undefined ? {} : { coverNote });
  if (response.statusCode !== 201 && response.statusCode !== 200) {
    throw new Error(`apply failed: ${response.statusCode} ${response.body}`);
  }
  return response.json().application.id;
}

export function moveTo(
  t: HiringTestApp,
  user: TestUser,
  applicationId: string,
  stageKey: string,
  reason?: string,
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: `/applications/${applicationId}/stage`,
    headers: user.headers,
    payload: reason === undefined ? { stageKey } : { stageKey, reason },
  });
}

export function closeJob(t: HiringTestApp, employer: TestUser, jobId: string): Promise<Response> {
  return t.app.inject({ method: 'POST', url: `/jobs/${jobId}/close`, headers: employer.headers });
}

/** A published job ingested from a public board: it belongs to no organisation. */
export async function ingestedJob(t: HiringTestApp): Promise<string> {
  const id = randomUUID();
  const now = t.clock.now().toISOString();
  await t.db.executeSql(
    `insert into hiring_jobs (id, organisation_id, status, title, company, url, source, source_job_id,
       ingest_scope, posted_at, created_at, updated_at)
     values ($1, null, 'published', 'Data Engineer', 'Elsewhere Inc', 'https://boards.example.com/jobs/1',
       'greenhouse', $2, 'global', $3, $3, $3)`,
    [id, `gh-${id}`, now],
  );
  return id;
}

/**
 * Moves the fake clock past access-token lifetimes and signs the given users in again, so a test
 * can measure days in a stage and still act as them afterwards.
 */
export async function advanceClock(t: HiringTestApp, milliseconds: number, users: TestUser[]): Promise<void> {
  t.clock.advance(milliseconds);
  for (const user of users) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: PASSWORD },
    });
    if (response.statusCode !== 200)
      throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
    user.accessToken = response.json().accessToken;
    user.headers = { authorization: `Bearer ${user.accessToken}` };
  }
}

/** Follows nextCursor to the end, collecting every item. */
export async function collectPages(
  t: HiringTestApp,
  user: TestUser,
  url: string,
): Promise<{ items: Array<Record<string, unknown>>; pages: number }> {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = url.includes('?') ? '&' : '?';
    const response: Response = await t.app.inject({
      method: 'GET',
      url: cursor ? `${url}${separator}cursor=${encodeURIComponent(cursor)}` : url,
      headers: user.headers,
    });
    if (response.statusCode !== 200) throw new Error(`page failed: ${response.statusCode} ${response.body}`);
    const body: { items: Array<Record<string, unknown>>; nextCursor: string | null } = response.json();
    items.push(...body.items);
    cursor = body.nextCursor;
    pages += 1;
  } while (cursor !== null && pages < 50);
  return { items, pages };
}
