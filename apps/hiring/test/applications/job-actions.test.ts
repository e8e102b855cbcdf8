// What a candidate can do with a job, through HTTP: save, unsave, dismiss, undismiss and apply, each
// idempotent; which jobs take applications; and the candidate's own lists with stable cursors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putOnTier } from '../billing/tier-support.js';
import {
  createJob,
  type HiringTestApp,
  publishedJobSetup,
  publishJob,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { act, apply, buildHiringTestApp, closeJob, collectPages, ingestedJob, inject } from './support.js';

let t: HiringTestApp;
let employer: TestUser;
let organisationId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  ({ employer, organisationId } = await publishedJobSetup(t));
  // This file publishes more jobs than the free tier allows at once.
  await putOnTier(t, organisationId, 'enterprise');
});
afterAll(async () => t?.close());

async function newPublishedJob(): Promise<string> {
  const job = await createJob(t, employer, organisationId);
  await publishJob(t, employer, job.id as string);
  return job.id as string;
}

describe('save and dismiss', () => {
  it('saves a job once however often it is saved, and lists it among my saved jobs', async () => {
    const candidate = await signUp(t, 'candidate');
    const jobId = await newPublishedJob();
    const first = await act(t, candidate, jobId, 'save');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ jobId, saved: true, dismissed: false, application: null });
    t.clock.advance(60_000);
    const again = await act(t, candidate, jobId, 'save');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());

    const saved = await inject(t, { method: 'GET', url: '/me/saved-jobs', headers: candidate.headers });
    // Saving again did not move it: it keeps the time of the first save.
    expect(saved.json()).toEqual({
      items: [{ jobId, savedAt: new Date(t.clock.now().getTime() - 60_000).toISOString() }],
      nextCursor: null,
    });
  });

  it('unsaves, and unsaving again is the same answer', async () => {
    const candidate = await signUp(t, 'candidate');
    const jobId = await newPublishedJob();
    await act(t, candidate, jobId, 'save');
    const unsaved = await act(t, candidate, jobId, 'unsave');
    expect(unsaved.json()).toEqual({ jobId, saved: false, dismissed: false, application: null });
    expect((await act(t, candidate, jobId, 'unsave')).json()).toEqual(unsaved.json());
    const saved = await inject(t, { method: 'GET', url: '/me/saved-jobs', headers: candidate.headers });
    expect(saved.json().items).toEqual([]);
  });

  it('dismissing a saved job unsaves it, saving a dismissed job brings it back, undismiss is idempotent', async () => {
    const candidate = await signUp(t, 'candidate');
    const jobId = await newPublishedJob();
    await act(t, candidate, jobId, 'save');
    const dismissed = await act(t, candidate, jobId, 'dismiss');
    expect(dismissed.json()).toMatchObject({ saved: false, dismissed: true });
    expect((await act(t, candidate, jobId, 'dismiss')).json()).toEqual(dismissed.json());
    expect((await act(t, candidate, jobId, 'save')).json()).toMatchObject({ saved: true, dismissed: false });

    await act(t, candidate, jobId, 'dismiss');
    const undismissed = await act(t, candidate, jobId, 'undismiss');
    expect(undismissed.json()).toMatchObject({ saved: false, dismissed: false });
    expect((await act(t, candidate, jobId, 'undismiss')).json()).toEqual(undismissed.json());
  });

  it('one candidate saving a job does not show up for another', async () => {
    const [alice, bob] = [await signUp(t, 'candidate'), await signUp(t, 'candidate')];
    const jobId = await newPublishedJob();
    await act(t, alice, jobId, 'save');
    expect((await act(t, bob, jobId, 'undismiss')).json()).toMatchObject({ saved: false });
    const bobs = await inject(t, { method: 'GET', url: '/me/saved-jobs', headers: bob.headers });
    expect(bobs.json().items).toEqual([]);
  });
});

describe('apply', () => {
  it('creates one application in the first open stage (201), then answers 200 with the same one', async () => {
    const candidate = await signUp(t, 'candidate');
    const jobId = await newPublishedJob();
    const first = await act(t, candidate, jobId, 'apply', { coverNote: 'I build APIs.' });
    expect(first.statusCode).toBe(201);
    const application = first.json().application;
    expect(application).toMatchObject({
      jobId,
      organisationId,
      coverNote: 'I build APIs.',
      stage: { key: 'applied', name: 'Applied', outcome: 'open' },
      status: 'active',
      appliedAt: t.clock.now().toISOString(),
    });

    t.clock.advance(1000);
    const second = await act(t, candidate, jobId, 'apply', { coverNote: 'A different note' });
    expect(second.statusCode).toBe(200);
    expect(second.json().application).toEqual(application);

    const mine = await inject(t, { method: 'GET', url: '/me/applications', headers: candidate.headers });
    expect(mine.json().items).toEqual([application]);
  });

  it('concurrent applies by one candidate produce exactly one application', async () => {
    const candidate = await signUp(t, 'candidate');
    const jobId = await newPublishedJob();
    const responses = await Promise.all(Array.from({ length: 8 }, () => act(t, candidate, jobId, 'apply')));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(responses.map((response) => response.json().application.id));
    expect(ids.size).toBe(1);

    const mine = await inject(t, { method: 'GET', url: '/me/applications', headers: candidate.headers });
    expect(mine.json().items).toHaveLength(1);
    const [applicationId] = [...ids];
    const detail = await inject(t, {
      method: 'GET',
      url: `/applications/${applicationId}`,
      headers: candidate.headers,
    });
    expect(detail.json().history).toHaveLength(1);
  });

  it('applying to a dismissed job undismisses it and keeps a saved job saved', async () => {
    const candidate = await signUp(t, 'candidate');
    const [dismissedJob, savedJob] = [await newPublishedJob(), await newPublishedJob()];
    await act(t, candidate, dismissedJob, 'dismiss');
    await act(t, candidate, savedJob, 'save');
    expect((await act(t, candidate, dismissedJob, 'apply')).json()).toMatchObject({
      dismissed: false,
      saved: false,
    });
    expect((await act(t, candidate, savedJob, 'apply')).json()).toMatchObject({
      dismissed: false,
      saved: true,
    });
  });

  it('refuses closed jobs (409 job_not_open), but a retry after applying still returns the application', async () => {
    const candidate = await signUp(t, 'candidate');
    const appliedJob = await newPublishedJob();
    const applicationId = await apply(t, candidate, appliedJob);
    const closedJob = await newPublishedJob();
    await closeJob(t, employer, appliedJob);
    await closeJob(t, employer, closedJob);

    const refused = await act(t, candidate, closedJob, 'apply');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('job_not_open');
    expect((await act(t, candidate, closedJob, 'save')).json().code).toBe('job_not_open');
    // Dismissing a closed job is still allowed: it is about hiding it.
    expect((await act(t, candidate, closedJob, 'dismiss')).json()).toMatchObject({ dismissed: true });

    const retried = await act(t, candidate, appliedJob, 'apply');
    expect(retried.statusCode).toBe(200);
    expect(retried.json().application.id).toBe(applicationId);
  });

  it('treats drafts and unknown jobs as not found', async () => {
    const candidate = await signUp(t, 'candidate');
    const draft = await createJob(t, employer, organisationId);
    for (const jobId of [draft.id as string, '00000000-0000-4000-8000-000000000000']) {
      for (const action of ['apply', 'save', 'dismiss']) {
        const response = await act(t, candidate, jobId, action);
        expect(response.statusCode).toBe(404);
        expect(response.json().code).toBe('job_not_found');
      }
    }
  });

  it('sends candidates of an ingested job to its own site (409 job_external) but lets them save it', async () => {
    const candidate = await signUp(t, 'candidate');
    const jobId = await ingestedJob(t);
    const refused = await act(t, candidate, jobId, 'apply');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('job_external');
    expect(refused.json().detail).toContain(`GET /jobs/${jobId}`);
    const job = await inject(t, { method: 'GET', url: `/jobs/${jobId}` });
    expect(job.json().url).toBe('https://boards.example.com/jobs/1');
    expect((await act(t, candidate, jobId, 'save')).json()).toMatchObject({ saved: true, application: null });
  });

  it('answers the spec alias POST /job-action exactly like the job route', async () => {
    const candidate = await signUp(t, 'candidate');
    const jobId = await newPublishedJob();
    const viaAlias = await inject(t, {
      method: 'POST',
      url: '/job-action',
      headers: candidate.headers,
      payload: { jobId, action: 'apply', coverNote: 'Hello' },
    });
    expect(viaAlias.statusCode).toBe(201);
    const viaRoute = await act(t, candidate, jobId, 'apply');
    expect(viaRoute.statusCode).toBe(200);
    expect(viaRoute.json()).toEqual(viaAlias.json());
    const saved = await inject(t, {
      method: 'POST',
      url: '/job-action',
      headers: candidate.headers,
      payload: { jobId, action: 'save' },
    });
    expect(saved.json()).toMatchObject({ saved: true, application: { id: viaAlias.json().application.id } });
  });

  it('is for candidates only: an employer gets 403', async () => {
    const jobId = await newPublishedJob();
    const response = await act(t, employer, jobId, 'apply');
    expect(response.statusCode).toBe(403);
    const alias = await inject(t, {
      method: 'POST',
      url: '/job-action',
      headers: employer.headers,
      payload: { jobId, action: 'save' },
    });
    expect(alias.statusCode).toBe(403);
  });
});

describe("the candidate's lists", () => {
  it('pages saved jobs newest first without skipping or repeating, even for saves at the same instant', async () => {
    const candidate = await signUp(t, 'candidate');
    const jobIds: string[] = [];
    for (let index = 0; index < 5; index++) {
      const jobId = await newPublishedJob();
      jobIds.push(jobId);
      await act(t, candidate, jobId, 'save');
      if (index % 2 === 1) t.clock.advance(1000);
    }
    const { items, pages } = await collectPages(t, candidate, '/me/saved-jobs?limit=2');
    expect(pages).toBe(3);
    expect(items.map((item) => item.jobId).sort()).toEqual([...jobIds].sort());
    const times = items.map((item) => item.savedAt as string);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('pages my applications with the current stage name and status', async () => {
    const candidate = await signUp(t, 'candidate');
    const jobIds: string[] = [];
    for (let index = 0; index < 3; index++) {
      const jobId = await newPublishedJob();
      jobIds.push(jobId);
      await apply(t, candidate, jobId);
    }
    const { items, pages } = await collectPages(t, candidate, '/me/applications?limit=1');
    expect(pages).toBe(3);
    expect(items.map((item) => item.jobId).sort()).toEqual([...jobIds].sort());
    for (const item of items) expect(item).toMatchObject({ stage: { name: 'Applied' }, status: 'active' });
  });

  it('refuses a cursor it did not issue with 400 and the field path', async () => {
    const candidate = await signUp(t, 'candidate');
    for (const url of ['/me/saved-jobs?cursor=bm90LWEtY3Vyc29y', '/me/applications?cursor=%5B%5D']) {
      const response = await inject(t, { method: 'GET', url, headers: candidate.headers });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toEqual([{ path: '/querystring/cursor', message: 'unknown cursor' }]);
    }
  });
});
