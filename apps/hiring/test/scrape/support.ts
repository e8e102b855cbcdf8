// Test support for scrape suites: queue a run (admin's global one or an owner's organisation run),
// wait for it to finish by polling its report, and read what a scrape stored.
import { expect } from 'vitest';
import type { HiringTestApp, TestUser } from '../support/hiring-client.js';

export interface RunSource {
  sourceId: string;
  identifier: string;
  status: string;
  message: string | null;
  fetched: number;
  new: number;
  updated: number;
  closed: number;
  waiting: number;
}

async function waitForRun(t: HiringTestApp, user: TestUser, url: string): Promise<RunSource[]> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const response = await t.app.inject({ method: 'GET', url, headers: user.headers });
    expect(response.statusCode).toBe(200);
    const run = response.json();
    if (run.status === 'finished') return run.sources;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the scrape run at ${url} did not finish`);
}

/** Runs every enabled source (admins) and returns each source's row, keyed by identifier. */
export async function runGlobalScrape(t: HiringTestApp, admin: TestUser): Promise<Record<string, RunSource>> {
  const queued = await t.app.inject({ method: 'POST', url: '/scrape', headers: admin.headers });
  expect(queued.statusCode).toBe(202);
  const sources = await waitForRun(t, admin, `/scrape/runs/${queued.json().runId}`);
  return Object.fromEntries(sources.map((source) => [source.identifier, source]));
}

/** An owner's run of their organisation's verified sources. */
export async function runOrganisationScrape(
  t: HiringTestApp,
  owner: TestUser,
  organisationId: string,
): Promise<Record<string, RunSource>> {
  const queued = await t.app.inject({
    method: 'POST',
    url: `/organisations/${organisationId}/scrape`,
    headers: owner.headers,
  });
  expect(queued.statusCode, queued.body).toBe(202);
  expect(queued.headers.location).toBe(`/organisations/${organisationId}/scrape/runs/${queued.json().runId}`);
  const sources = await waitForRun(t, owner, queued.headers.location as string);
  return Object.fromEntries(sources.map((source) => [source.identifier, source]));
}

export async function addSource(
  t: HiringTestApp,
  user: TestUser,
  payload: { kind: string; identifier: string; organisationId?: string },
): Promise<{ id: string; verified: boolean; verificationText: string | null }> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/job-sources',
    headers: user.headers,
    payload,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function approveSource(t: HiringTestApp, admin: TestUser, sourceId: string): Promise<void> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/admin/job-sources/${sourceId}/verification`,
    headers: admin.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
}

export interface StoredJob {
  id: string;
  organisation_id: string | null;
  status: string;
  title: string;
  url: string;
  source_job_id: string;
  holds_slot: boolean;
  updated_at: Date;
}

/** The rows a source wrote (by job_source_id), ordered by board id. */
export async function jobsOfSource(t: HiringTestApp, sourceId: string): Promise<StoredJob[]> {
  const { rows } = await t.db.executeSql(
    `select id, organisation_id, status, title, url, source_job_id, holds_slot, updated_at
       from hiring_jobs where job_source_id = $1 order by source_job_id`,
    [sourceId],
  );
  return rows as unknown as StoredJob[];
}
