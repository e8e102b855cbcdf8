// Scrape runs end to end: sources configured over HTTP, `POST /scrape` queueing a background run
// against job boards served from fixtures on 127.0.0.1, one status row per source, postings stored
// as published jobs, re-runs inserting nothing, changed postings updated in place, vanished ones
// closed, and a board that times out failing nobody else. Also who may configure and run.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FixtureServer,
  fixtureJson,
  type Route,
  startFixtureServer,
  testOptions,
} from '../ingestion/fixture-server.js';
import {
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  signUp,
  signUpAdmin,
  type TestUser,
} from '../support/hiring-client.js';

interface GreenhouseBoard {
  jobs: Array<{ id: number; title: string }>;
  meta: unknown;
}
interface RunSource {
  identifier: string;
  status: string;
  message: string | null;
  fetched: number;
  new: number;
  updated: number;
  closed: number;
}

let server: FixtureServer;
let t: HiringTestApp;
let admin: TestUser;
const board = fixtureJson<GreenhouseBoard>('greenhouse-jobs.json');
const routes: Record<string, Route> = {
  '/v1/boards/northwind/jobs': { body: JSON.stringify(board) },
  '/v0/postings/acmerobotics': { file: 'lever-postings.json' },
  '/v1/boards/vanished/jobs': { status: 404, file: 'greenhouse-not-found.json' },
};

const inject = (options: InjectOptions) => t.app.inject(options);

async function runScrape(): Promise<RunSource[]> {
  const queued = await inject({ method: 'POST', url: '/scrape', headers: admin.headers });
  expect(queued.statusCode).toBe(202);
  const { runId } = queued.json();
  expect(queued.headers.location).toBe(`/scrape/runs/${runId}`);
  for (let attempt = 0; attempt < 150; attempt++) {
    const run = (
      await inject({ method: 'GET', url: `/scrape/runs/${runId}`, headers: admin.headers })
    ).json();
    if (run.status === 'finished') return run.sources;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the scrape run did not finish');
}

const bySource = (sources: RunSource[]) =>
  Object.fromEntries(sources.map((source) => [source.identifier, source]));

beforeAll(async () => {
  server = await startFixtureServer(routes);
  t = await buildHiringTestApp({
    ingestion: testOptions(server.origin, { deadlineMs: 4_000, requestTimeoutMs: 1_500 }),
  });
  admin = await signUpAdmin(t);
  for (const identifier of ['northwind', 'vanished']) {
    const added = await inject({
      method: 'POST',
      url: '/job-sources',
      headers: admin.headers,
      payload: { kind: 'greenhouse', identifier },
    });
    expect(added.statusCode).toBe(201);
  }
  await inject({
    method: 'POST',
    url: '/job-sources',
    headers: admin.headers,
    payload: { kind: 'lever', identifier: 'acmerobotics' },
  });
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

describe('scrape runs', () => {
  it('stores every posting once, reports each source, and a second run inserts nothing', async () => {
    const first = bySource(await runScrape());
    expect(first.northwind).toMatchObject({ status: 'ok', fetched: 3, new: 3, updated: 0, closed: 0 });
    expect(first.acmerobotics).toMatchObject({ status: 'ok', fetched: 3, new: 3 });
    expect(first.vanished).toMatchObject({ status: 'not_found', fetched: 0, new: 0 });

    const listed = (await inject({ method: 'GET', url: '/jobs?limit=100' })).json().items;
    const ingested = listed.filter((job: { source: string }) => job.source !== 'employer');
    expect(ingested).toHaveLength(6);
    expect(ingested.map((job: { title: string }) => job.title)).toContain('Senior Backend Engineer');

    const second = bySource(await runScrape());
    for (const source of [second.northwind, second.acmerobotics]) {
      expect(source).toMatchObject({ status: 'ok', new: 0, updated: 0, closed: 0 });
    }
    const { rows } = await t.db.executeSql(
      "select count(*)::int as n from hiring_jobs where source <> 'employer'",
    );
    expect(rows[0]?.n).toBe(6);
  });

  it('updates a changed posting in place and closes one that disappeared', async () => {
    const [gone, changed, kept] = board.jobs;
    routes['/v1/boards/northwind/jobs'] = {
      body: JSON.stringify({ ...board, jobs: [{ ...changed, title: 'Lead Product Designer' }, kept] }),
    };
    const third = bySource(await runScrape());
    expect(third.northwind).toMatchObject({ status: 'ok', fetched: 2, new: 0, updated: 1, closed: 1 });

    const { rows } = await t.db.executeSql(
      "select source_job_id, status, title from hiring_jobs where source = 'greenhouse' order by source_job_id",
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        { source_job_id: String(gone?.id), status: 'closed', title: gone?.title },
        { source_job_id: String(changed?.id), status: 'published', title: 'Lead Product Designer' },
      ]),
    );
  });

  it('reports a board that never answers as timeout while the others finish', async () => {
    routes['/v0/postings/acmerobotics'] = { hang: true };
    const fourth = bySource(await runScrape());
    expect(fourth.acmerobotics?.status).toBe('timeout');
    expect(fourth.acmerobotics?.closed).toBe(0);
    expect(fourth.northwind).toMatchObject({ status: 'ok', new: 0 });
    const { rows } = await t.db.executeSql(
      "select count(*)::int as n from hiring_jobs where source = 'lever' and status = 'published'",
    );
    expect(rows[0]?.n).toBe(3);
  });
});

describe('who may configure and run scrapes', () => {
  it('lets only admins run scrapes and read runs, and only admins add global sources', async () => {
    const employer = await signUp(t, 'employer');
    expect((await inject({ method: 'POST', url: '/scrape', headers: employer.headers })).statusCode).toBe(
      403,
    );
    expect((await inject({ method: 'POST', url: '/scrape' })).statusCode).toBe(401);
    const global = await inject({
      method: 'POST',
      url: '/job-sources',
      headers: employer.headers,
      payload: { kind: 'lever', identifier: 'someone' },
    });
    expect(global.statusCode).toBe(403);
  });

  it("lets an owner add their organisation's source, hides it from other employers and refuses them its removal", async () => {
    const owner = await signUp(t, 'employer');
    const organisationId = await createOrganisation(t, owner);
    const added = await inject({
      method: 'POST',
      url: '/job-sources',
      headers: owner.headers,
      payload: { kind: 'ashby', identifier: 'quantumleap', organisationId },
    });
    expect(added.statusCode).toBe(201);
    const duplicate = await inject({
      method: 'POST',
      url: '/job-sources',
      headers: owner.headers,
      payload: { kind: 'ashby', identifier: 'quantumleap', organisationId },
    });
    expect(duplicate.json().code).toBe('job_source_exists');

    const other = await signUp(t, 'employer');
    expect(
      (await inject({ method: 'GET', url: '/job-sources', headers: other.headers })).json().items,
    ).toEqual([]);
    const planted = await inject({
      method: 'POST',
      url: '/job-sources',
      headers: other.headers,
      payload: { kind: 'lever', identifier: 'spam', organisationId },
    });
    expect(planted.statusCode).toBe(404);
    const removal = await inject({
      method: 'DELETE',
      url: `/job-sources/${added.json().id}`,
      headers: other.headers,
    });
    expect(removal.statusCode).toBe(404);
    const own = await inject({
      method: 'DELETE',
      url: `/job-sources/${added.json().id}`,
      headers: owner.headers,
    });
    expect(own.statusCode).toBe(204);
  });

  it.each([
    [{ kind: 'monster', identifier: 'x' }, '/body/kind'],
    [{ kind: 'lever', identifier: '' }, '/body/identifier'],
    [{ kind: 'lever', identifier: '../../etc' }, '/body/identifier'],
    [{ kind: 'jsonld', identifier: 'javascript:alert(1)' }, '/body/identifier'],
    [{ kind: 'lever', identifier: 'ok', extra: 1 }, '/body/extra'],
  ])('answers 400 naming the field for %j', async (payload, path) => {
    const response = await inject({ method: 'POST', url: '/job-sources', headers: admin.headers, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
  });

  it('answers 404 for an unknown run and 400 for a malformed run id', async () => {
    const unknown = await inject({
      method: 'GET',
      url: '/scrape/runs/00000000-0000-4000-8000-000000000000',
      headers: admin.headers,
    });
    expect(unknown.json().code).toBe('scrape_run_not_found');
    expect(
      (await inject({ method: 'GET', url: '/scrape/runs/latest', headers: admin.headers })).statusCode,
    ).toBe(400);
  });
});
