// The job-postings quota against scraped jobs (issue 11 item 4): every published job of an
// organisation holds a slot, scraped ones included; a scraped posting that finds no free slot waits
// as a draft; only a job that holds a slot gives one back when it closes. Whatever order employers
// publish, scrape and close in, a quota of 1 never has more than one published job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, closeJob } from '../applications/support.js';
import {
  type FixtureServer,
  fixtureJson,
  type Route,
  startFixtureServer,
  testOptions,
} from '../ingestion/fixture-server.js';
import { addSource, approveSource, runOrganisationScrape } from '../scrape/support.js';
import {
  buildHiringTestApp,
  createJob,
  createOrganisation,
  type HiringTestApp,
  signUp,
  signUpAdmin,
  type TestUser,
} from '../support/hiring-client.js';

const INTERVAL_MS = 60_000;
const template = fixtureJson<{ jobs: Array<Record<string, unknown>> }>('greenhouse-jobs.json').jobs[0];
const board = (ids: number[]): Route => ({
  body: JSON.stringify({
    jobs: ids.map((id) => ({
      ...template,
      id,
      title: `Scraped role ${id}`,
      absolute_url: `https://boards.greenhouse.io/quota/jobs/${id}`,
    })),
    meta: { total: ids.length },
  }),
});
const routes: Record<string, Route> = { '/v1/boards/quota/jobs': board([1, 2, 3]) };

let server: FixtureServer;
let t: HiringTestApp;
let owner: TestUser;
let organisationId: string;

async function state() {
  const { rows } = await t.db.executeSql(
    `select (select count(*)::int from hiring_jobs where organisation_id = $1 and status = 'published') as published,
            (select count(*)::int from hiring_jobs where organisation_id = $1 and holds_slot) as holding,
            (select job_postings_used from hiring_organisations where id = $1) as used`,
    [organisationId],
  );
  return rows[0] as { published: number; holding: number; used: number };
}

async function expectAtMostOneSlot(): Promise<{ published: number; holding: number; used: number }> {
  const now = await state();
  expect(now.published).toBeLessThanOrEqual(1);
  expect(now.holding).toBe(now.published);
  expect(now.used).toBe(now.holding);
  return now;
}

const publish = (jobId: string) =>
  t.app.inject({ method: 'POST', url: `/jobs/${jobId}/publish`, headers: owner.headers });

async function scrape() {
  await advanceClock(t, INTERVAL_MS + 1, [owner]);
  return (await runOrganisationScrape(t, owner, organisationId)).quota;
}

async function scrapedIds(): Promise<string[]> {
  const { rows } = await t.db.executeSql(
    "select id from hiring_jobs where organisation_id = $1 and source = 'greenhouse' and status <> 'closed' order by source_job_id",
    [organisationId],
  );
  return rows.map((row) => (row as { id: string }).id);
}

beforeAll(async () => {
  server = await startFixtureServer(routes);
  t = await buildHiringTestApp({
    ingestion: testOptions(server.origin, { deadlineMs: 4_000, requestTimeoutMs: 1_500 }),
    ownerScrapeIntervalMs: INTERVAL_MS,
  });
  const admin = await signUpAdmin(t);
  owner = await signUp(t, 'employer');
  organisationId = await createOrganisation(t, owner, 'Quota Ltd');
  await t.db.executeSql('update hiring_organisations set job_postings_limit = 1 where id = $1', [
    organisationId,
  ]);
  const source = await addSource(t, owner, { kind: 'greenhouse', identifier: 'quota', organisationId });
  await approveSource(t, admin, source.id);
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

describe('item 4: job-postings slots', () => {
  it('item 4: quota 1 never ends with more than one slot-holding published job (publish, scrape, close scraped, publish again)', async () => {
    const first = (await createJob(t, owner, organisationId)).id as string;
    expect((await publish(first)).json()).toMatchObject({ status: 'published', holdsPostingSlot: true });
    await expectAtMostOneSlot();

    // The quota is full: the scraped postings wait as drafts.
    expect(await scrape()).toMatchObject({ new: 3, waiting: 3 });
    await expectAtMostOneSlot();

    // Closing scraped jobs that hold no slot gives nothing back.
    for (const id of await scrapedIds()) expect((await closeJob(t, owner, id)).statusCode).toBe(200);
    const second = (await createJob(t, owner, organisationId)).id as string;
    expect((await publish(second)).json().code).toBe('job_postings_quota_reached');
    await expectAtMostOneSlot();

    // The employer frees the slot; the next scrape's new posting takes it.
    await closeJob(t, owner, first);
    routes['/v1/boards/quota/jobs'] = board([1, 2, 3, 4]);
    expect(await scrape()).toMatchObject({ new: 1, waiting: 0 });
    expect(await expectAtMostOneSlot()).toMatchObject({ published: 1 });
    expect((await publish(second)).json().code).toBe('job_postings_quota_reached');

    // Closing the slot-holding scraped job gives its slot back, once.
    const [scraped] = await scrapedIds();
    expect((await closeJob(t, owner, scraped as string)).json()).toMatchObject({ holdsPostingSlot: false });
    expect((await closeJob(t, owner, scraped as string)).statusCode).toBe(200);
    expect((await publish(second)).json()).toMatchObject({ status: 'published' });
    await expectAtMostOneSlot();

    // A new posting finds the quota full and waits; it is published once a slot is free, and its
    // vanishing from the board gives the slot back.
    routes['/v1/boards/quota/jobs'] = board([1, 2, 3, 4, 5]);
    expect(await scrape()).toMatchObject({ new: 1, waiting: 1 });
    await closeJob(t, owner, second);
    expect(await scrape()).toMatchObject({ updated: 1, waiting: 0 });
    expect(await expectAtMostOneSlot()).toMatchObject({ published: 1 });
    routes['/v1/boards/quota/jobs'] = board([1, 2, 3, 4]);
    expect(await scrape()).toMatchObject({ closed: 1 });
    expect(await expectAtMostOneSlot()).toMatchObject({ published: 0, used: 0 });
    const third = (await createJob(t, owner, organisationId)).id as string;
    expect((await publish(third)).json()).toMatchObject({ status: 'published' });
    await expectAtMostOneSlot();
  });
});
