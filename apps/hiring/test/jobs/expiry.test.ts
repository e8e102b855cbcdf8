// Jobs whose validThrough has passed (issue 11 item 14): closed at once for the listing, the job
// page and candidates' actions, refused for publishing, and closed for good by the scheduled sweep
// (a pg-boss job), which gives the job-postings slot back. Time moves only by the fake clock.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, advanceClock } from '../applications/support.js';
import {
  buildHiringTestApp,
  createJob,
  createOrganisation,
  type HiringTestApp,
  publishJob,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';

let t: HiringTestApp;
let employer: TestUser;
let candidate: TestUser;
let organisationId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  employer = await signUp(t, 'employer');
  candidate = await signUp(t, 'candidate');
  organisationId = await createOrganisation(t, employer);
});
afterAll(async () => {
  await t?.close();
});

const inMinutes = (minutes: number) => new Date(t.clock.now().getTime() + minutes * 60_000).toISOString();
const listedIds = async () =>
  (await t.app.inject({ method: 'GET', url: '/jobs?limit=100' }))
    .json()
    .items.map((job: { id: string }) => job.id);

async function used(): Promise<number> {
  const { rows } = await t.db.executeSql('select job_postings_used from hiring_organisations where id = $1', [
    organisationId,
  ]);
  return (rows[0] as { job_postings_used: number }).job_postings_used;
}

describe('item 14: expired jobs', () => {
  it('item 14: a job past its validThrough is closed at once for the listing, the page, apply and save', async () => {
    const validThrough = inMinutes(1);
    const job = await createJob(t, employer, organisationId, { title: 'Short-lived', validThrough });
    const jobId = job.id as string;
    await publishJob(t, employer, jobId);
    const lasting = (await createJob(t, employer, organisationId, { validThrough: inMinutes(60 * 24) }))
      .id as string;
    await publishJob(t, employer, lasting);
    expect(await listedIds()).toContain(jobId);
    expect((await act(t, candidate, jobId, 'save')).statusCode).toBe(200);

    await advanceClock(t, 2 * 60_000, [employer, candidate]);
    expect(await listedIds()).toEqual([lasting]);
    const page = (await t.app.inject({ method: 'GET', url: `/jobs/${jobId}` })).json();
    expect(page).toMatchObject({ status: 'closed', closedAt: validThrough });
    const applied = await act(t, candidate, jobId, 'apply');
    expect(applied.statusCode).toBe(409);
    expect(applied.json().code).toBe('job_not_open');
    const saved = await act(t, candidate, lasting, 'save');
    expect(saved.statusCode).toBe(200);
    expect((await act(t, candidate, jobId, 'save')).json().code).toBe('job_not_open');
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/jobs/${jobId}`,
      headers: employer.headers,
      payload: { title: 'Still here?' },
    });
    expect(edit.json().code).toBe('job_closed');
  });

  it('item 14: the scheduled sweep closes expired jobs for good and gives their slots back', async () => {
    const before = await used();
    const { rows: expired } = await t.db.executeSql(
      "select count(*)::int as n from hiring_jobs where organisation_id = $1 and status = 'published' and valid_through <= $2",
      [organisationId, t.clock.now()],
    );
    expect((expired[0] as { n: number }).n).toBe(1);

    await t.jobs.send('hiring.jobs-expire', {});
    await vi.waitFor(
      async () => {
        const { rows } = await t.db.executeSql(
          "select count(*)::int as n from hiring_jobs where organisation_id = $1 and status = 'closed' and closed_reason = 'expired'",
          [organisationId],
        );
        expect((rows[0] as { n: number }).n).toBe(1);
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(await used()).toBe(before - 1);
  });

  it('item 14: refuses to publish a draft whose validThrough has passed', async () => {
    const draft = (await createJob(t, employer, organisationId, { validThrough: inMinutes(1) })).id as string;
    await advanceClock(t, 2 * 60_000, [employer, candidate]);
    const response = await t.app.inject({
      method: 'POST',
      url: `/jobs/${draft}/publish`,
      headers: employer.headers,
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('job_expired');
  });
});
