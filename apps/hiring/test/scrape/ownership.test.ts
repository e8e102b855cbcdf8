// Who owns what a scrape stores (issue 11 items 2, 3 and 19): an organisation's source writes only
// its own rows, never another tenant's; an unverified source's postings are external jobs that take
// no in-app applications until the source is verified (by the token on the board, or by an admin,
// audited), after which the next scrape makes them the organisation's; owners run their own
// verified sources, rate limited, and read only their own runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, advanceClock } from '../applications/support.js';
import {
  type FixtureServer,
  fixtureJson,
  type Route,
  startFixtureServer,
  testOptions,
} from '../ingestion/fixture-server.js';
import {
  addMember,
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  signUp,
  signUpAdmin,
  type TestUser,
} from '../support/hiring-client.js';
import { addSource, approveSource, jobsOfSource, runGlobalScrape, runOrganisationScrape } from './support.js';

type GreenhouseJob = { id: number; title: string; absolute_url: string; content?: string };
const template = fixtureJson<{ jobs: GreenhouseJob[] }>('greenhouse-jobs.json').jobs[0] as GreenhouseJob;
const INTERVAL_MS = 60_000;

/** A Greenhouse board answering with these postings (ids, titles, URLs, descriptions). */
function board(jobs: Array<{ id: number; title: string; url?: string; content?: string }>): Route {
  return {
    body: JSON.stringify({
      jobs: jobs.map((job) => ({
        ...template,
        id: job.id,
        title: job.title,
        absolute_url: job.url ?? `https://boards.greenhouse.io/northwind/jobs/${job.id}`,
        content: job.content ?? template.content,
      })),
      meta: { total: jobs.length },
    }),
  };
}

const northwindJobs = [
  { id: 501, title: 'Payments Engineer' },
  { id: 502, title: 'Site Reliability Engineer' },
];
const routes: Record<string, Route> = {
  '/v1/boards/northwind/jobs': board(northwindJobs),
  // Another tenant's board listing the same board ids, with other titles and URLs.
  '/v1/boards/lookalike/jobs': board([
    { id: 501, title: 'Send your bank details', url: 'https://evil.example/501' },
    { id: 502, title: 'Wire transfer clerk', url: 'https://evil.example/502' },
  ]),
};

let server: FixtureServer;
let t: HiringTestApp;
let admin: TestUser;
let ownerA: TestUser;
let orgA: string;
let sourceA: { id: string; verificationText: string | null };

beforeAll(async () => {
  server = await startFixtureServer(routes);
  t = await buildHiringTestApp({
    ingestion: testOptions(server.origin, { deadlineMs: 4_000, requestTimeoutMs: 1_500 }),
    ownerScrapeIntervalMs: INTERVAL_MS,
  });
  admin = await signUpAdmin(t);
  ownerA = await signUp(t, 'employer');
  orgA = await createOrganisation(t, ownerA, 'Northwind Labs');
  sourceA = await addSource(t, ownerA, { kind: 'greenhouse', identifier: 'northwind', organisationId: orgA });
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

describe('item 3: an organisation source must be verified before its postings are its jobs', () => {
  it('item 3: stores an unverified source as external jobs that refuse applications and stay out of the organisation', async () => {
    expect(sourceA).toMatchObject({ verified: false });
    expect(sourceA.verificationText).toMatch(/^hiring-verification=[A-Za-z0-9_-]{32}$/);
    const run = await runGlobalScrape(t, admin);
    expect(run.northwind).toMatchObject({ status: 'ok', new: 2, waiting: 0 });

    const stored = await jobsOfSource(t, sourceA.id);
    expect(stored.map((job) => job.organisation_id)).toEqual([null, null]);
    const jobId = stored[0]?.id as string;
    const page = (await t.app.inject({ method: 'GET', url: `/jobs/${jobId}` })).json();
    expect(page).toMatchObject({ organisationId: null, status: 'published' });

    const candidate = await signUp(t, 'candidate');
    const applied = await act(t, candidate, jobId, 'apply', { coverNote: 'hello' });
    expect(applied.statusCode).toBe(409);
    expect(applied.json().code).toBe('job_external');
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/jobs/${jobId}`,
      headers: ownerA.headers,
      payload: { title: 'Mine now' },
    });
    expect(edit.statusCode).toBe(404);
    const own = await t.app.inject({
      method: 'GET',
      url: `/organisations/${orgA}/jobs`,
      headers: ownerA.headers,
    });
    expect(own.json().items).toEqual([]);
  });

  it('item 3: refuses the token check while the board does not show the token, then verifies and audits it', async () => {
    const refused = await t.app.inject({
      method: 'POST',
      url: `/job-sources/${sourceA.id}/verify`,
      headers: ownerA.headers,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('job_source_token_not_found');

    const stranger = await signUp(t, 'employer');
    const foreign = await t.app.inject({
      method: 'POST',
      url: `/job-sources/${sourceA.id}/verify`,
      headers: stranger.headers,
    });
    expect(foreign.statusCode).toBe(404);

    routes['/v1/boards/northwind/jobs'] = board([
      {
        ...northwindJobs[0],
        content: `We are hiring. ${sourceA.verificationText}`,
      } as (typeof northwindJobs)[0],
      northwindJobs[1] as (typeof northwindJobs)[0],
    ]);
    const verified = await t.app.inject({
      method: 'POST',
      url: `/job-sources/${sourceA.id}/verify`,
      headers: ownerA.headers,
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ verified: true, verificationMethod: 'token' });
    const { rows } = await t.db.executeSql(
      "select actor_id, after from audit_log where action = 'hiring.job_source_verified' and target_id = $1",
      [sourceA.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: ownerA.id, after: { method: 'token', organisationId: orgA } });
  });

  it("item 3: makes the external rows the organisation's jobs on the next scrape, and they take applications", async () => {
    const before = await jobsOfSource(t, sourceA.id);
    const run = await runOrganisationScrape(t, ownerA, orgA);
    expect(run.northwind).toMatchObject({ status: 'ok', new: 0, closed: 0 });
    const after = await jobsOfSource(t, sourceA.id);
    expect(after.map((job) => job.id)).toEqual(before.map((job) => job.id));
    for (const job of after)
      expect(job).toMatchObject({ organisation_id: orgA, status: 'published', holds_slot: true });

    const candidate = await signUp(t, 'candidate');
    const applied = await act(t, candidate, after[0]?.id as string, 'apply');
    expect(applied.statusCode).toBe(201);
  });

  it('item 3: lets only staff approve a source, writing the audit log', async () => {
    const owner = await signUp(t, 'employer');
    const organisationId = await createOrganisation(t, owner, 'Approved Co');
    const source = await addSource(t, owner, { kind: 'lever', identifier: 'approved', organisationId });
    const url = `/admin/job-sources/${source.id}/verification`;
    expect((await t.app.inject({ method: 'POST', url, headers: owner.headers })).statusCode).toBe(403);
    await approveSource(t, admin, source.id);
    const listed = (
      await t.app.inject({ method: 'GET', url: '/job-sources', headers: owner.headers })
    ).json();
    expect(listed.items[0]).toMatchObject({ id: source.id, verified: true, verificationMethod: 'admin' });
    const { rows } = await t.db.executeSql(
      "select actor_id from audit_log where action = 'hiring.job_source_verified' and target_id = $1",
      [source.id],
    );
    expect(rows).toEqual([{ actor_id: admin.id }]);
  });
});

describe('item 2: a source never changes a job it does not own', () => {
  let ownerB: TestUser;
  let orgB: string;
  let sourceB: { id: string };

  it("item 2: org B's verified source with A's board ids creates B's rows and leaves A's untouched", async () => {
    ownerB = await signUp(t, 'employer');
    orgB = await createOrganisation(t, ownerB, 'Lookalike');
    sourceB = await addSource(t, ownerB, {
      kind: 'greenhouse',
      identifier: 'lookalike',
      organisationId: orgB,
    });
    await approveSource(t, admin, sourceB.id);
    const aBefore = await jobsOfSource(t, sourceA.id);

    const run = await runOrganisationScrape(t, ownerB, orgB);
    expect(run.lookalike).toMatchObject({ status: 'ok', new: 2, updated: 0 });
    expect(await jobsOfSource(t, sourceA.id)).toEqual(aBefore);
    const bRows = await jobsOfSource(t, sourceB.id);
    expect(bRows.map((job) => [job.organisation_id, job.url])).toEqual([
      [orgB, 'https://evil.example/501'],
      [orgB, 'https://evil.example/502'],
    ]);
    const page = (await t.app.inject({ method: 'GET', url: `/jobs/${aBefore[0]?.id}` })).json();
    expect(page).toMatchObject({ title: 'Payments Engineer', organisationId: orgA });
  });

  it("item 2: B's source neither reopens a job A's board dropped nor closes A's jobs when its own vanish", async () => {
    routes['/v1/boards/northwind/jobs'] = board([northwindJobs[1] as (typeof northwindJobs)[0]]);
    await advanceClock(t, INTERVAL_MS + 1, [ownerA, ownerB]);
    expect((await runOrganisationScrape(t, ownerA, orgA)).northwind).toMatchObject({ closed: 1 });
    const aBefore = await jobsOfSource(t, sourceA.id);
    expect(aBefore.map((job) => job.status)).toEqual(['closed', 'published']);

    await advanceClock(t, INTERVAL_MS + 1, [ownerA, ownerB]);
    expect((await runOrganisationScrape(t, ownerB, orgB)).lookalike).toMatchObject({ new: 0, updated: 0 });
    expect(await jobsOfSource(t, sourceA.id)).toEqual(aBefore);

    routes['/v1/boards/lookalike/jobs'] = board([]);
    await advanceClock(t, INTERVAL_MS + 1, [ownerA, ownerB]);
    expect((await runOrganisationScrape(t, ownerB, orgB)).lookalike).toMatchObject({
      status: 'empty',
      closed: 2,
    });
    expect(await jobsOfSource(t, sourceA.id)).toEqual(aBefore);
  });

  it("item 2: an unverified source on A's very board gets external rows of its own", async () => {
    const aBefore = await jobsOfSource(t, sourceA.id);
    const ownerC = await signUp(t, 'employer');
    const orgC = await createOrganisation(t, ownerC, 'Claimant');
    const sourceC = await addSource(t, ownerC, {
      kind: 'greenhouse',
      identifier: 'northwind',
      organisationId: orgC,
    });
    const run = await runGlobalScrape(t, admin);
    expect(run.northwind).toBeDefined();
    expect(await jobsOfSource(t, sourceA.id)).toEqual(aBefore);
    const cRows = await jobsOfSource(t, sourceC.id);
    expect(cRows.map((job) => [job.organisation_id, job.status])).toEqual([[null, 'published']]);
    expect(aBefore.some((job) => job.id === cRows[0]?.id)).toBe(false);
  });
});

describe('item 19: owners scrape their own verified sources', () => {
  it("item 19: rate limits an organisation's runs by its last run, with Retry-After", async () => {
    await advanceClock(t, INTERVAL_MS + 1, [ownerA]);
    await runOrganisationScrape(t, ownerA, orgA);
    const tooSoon = await t.app.inject({
      method: 'POST',
      url: `/organisations/${orgA}/scrape`,
      headers: ownerA.headers,
    });
    expect(tooSoon.statusCode).toBe(429);
    expect(tooSoon.json().code).toBe('scrape_too_soon');
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
    await advanceClock(t, INTERVAL_MS, [ownerA]);
    await runOrganisationScrape(t, ownerA, orgA);
  });

  it("item 19: refuses recruiters (403), outsiders (404), another organisation's run (404) and organisations with nothing verified (409)", async () => {
    const recruiter = await signUp(t, 'employer');
    await addMember(t, ownerA, orgA, recruiter, 'recruiter');
    const outsider = await signUp(t, 'employer');
    const url = `/organisations/${orgA}/scrape`;
    expect((await t.app.inject({ method: 'POST', url, headers: recruiter.headers })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url, headers: outsider.headers })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url })).statusCode).toBe(401);

    const { rows } = await t.db.executeSql(
      'select id from hiring_scrape_runs where organisation_id = $1 order by created_at desc limit 1',
      [orgA],
    );
    const runId = (rows[0] as { id: string }).id;
    const runUrl = `/organisations/${orgA}/scrape/runs/${runId}`;
    expect((await t.app.inject({ method: 'GET', url: runUrl, headers: recruiter.headers })).statusCode).toBe(
      403,
    );
    expect((await t.app.inject({ method: 'GET', url: runUrl, headers: outsider.headers })).statusCode).toBe(
      404,
    );
    const outsiderOrg = await createOrganisation(t, outsider, 'Nosy');
    const viaOwnOrg = await t.app.inject({
      method: 'GET',
      url: `/organisations/${outsiderOrg}/scrape/runs/${runId}`,
      headers: outsider.headers,
    });
    expect(viaOwnOrg.json().code).toBe('scrape_run_not_found');
    const nothing = await t.app.inject({
      method: 'POST',
      url: `/organisations/${outsiderOrg}/scrape`,
      headers: outsider.headers,
    });
    expect(nothing.statusCode).toBe(409);
    expect(nothing.json().code).toBe('no_verified_sources');
  });
});

describe('item 3: sources of other organisations are invisible', () => {
  it('item 3: an outsider verifying or removing an existing source gets the same 404 as for an unknown id', async () => {
    const outsider = await signUp(t, 'employer');
    await createOrganisation(t, outsider, 'Elsewhere GmbH');
    for (const [method, path] of [
      ['POST', 'verify'],
      ['DELETE', ''],
    ] as const) {
      const answers = [];
      for (const id of [sourceA.id, '00000000-0000-4000-8000-000000000000']) {
        const response = await t.app.inject({
          method,
          url: `/job-sources/${id}${path ? `/${path}` : ''}`,
          headers: outsider.headers,
        });
        answers.push({ status: response.statusCode, code: response.json().code });
      }
      expect(answers[0], `${method} ${path}`).toEqual({ status: 404, code: 'job_source_not_found' });
      expect(answers[1]).toEqual(answers[0]);
    }
  });
});
