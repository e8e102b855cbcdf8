// The employer's side of applications, through HTTP: the organisation's stage list and replacing it,
// moving applications with a full history and time in each stage (on the test app's clock),
// rejection reasons, notes with ratings, and a job's applications filtered and paged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  createJob,
  createOrganisation,
  type HiringTestApp,
  publishJob,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { advanceClock, apply, buildHiringTestApp, collectPages, inject, moveTo } from './support.js';

let t: HiringTestApp;
let owner: TestUser;
let recruiter: TestUser;

beforeAll(async () => {
  t = await buildHiringTestApp();
  owner = await signUp(t, 'employer');
  recruiter = await signUp(t, 'employer');
});
afterAll(async () => t?.close());

const DEFAULT_KEYS = ['applied', 'screening', 'interview', 'offer', 'hired', 'rejected'];

/** A fresh organisation (so stage changes never leak between tests) with a recruiter and a published job. */
async function organisationWithJob(): Promise<{ organisationId: string; jobId: string }> {
  const organisationId = await createOrganisation(t, owner);
  await addMember(t, owner, organisationId, recruiter, 'recruiter');
  const job = await createJob(t, owner, organisationId);
  await publishJob(t, owner, job.id as string);
  return { organisationId, jobId: job.id as string };
}

function stages(organisationId: string, user: TestUser = owner) {
  return inject(t, {
    method: 'GET',
    url: `/organisations/${organisationId}/pipeline-stages`,
    headers: user.headers,
  });
}

function replaceStages(organisationId: string, list: Array<Record<string, unknown>>, user: TestUser = owner) {
  return inject(t, {
    method: 'PUT',
    url: `/organisations/${organisationId}/pipeline-stages`,
    headers: user.headers,
    payload: { stages: list },
  });
}

function detail(applicationId: string, user: TestUser = recruiter) {
  return inject(t, { method: 'GET', url: `/applications/${applicationId}`, headers: user.headers });
}

const NEW = { key: 'new', name: 'New', outcome: 'open' };
const REJECTED = { key: 'rejected', name: 'Rejected', outcome: 'rejected' };
const minimal = [NEW, { key: 'hired', name: 'Hired', outcome: 'hired' }, REJECTED];

describe('pipeline stages', () => {
  it('starts with the default pipeline, with how many applications sit in each stage', async () => {
    const { organisationId, jobId } = await organisationWithJob();
    await apply(t, await signUp(t, 'candidate'), jobId);
    const response = await stages(organisationId, recruiter);
    expect(response.statusCode).toBe(200);
    const items = response.json().items;
    expect(items.map((stage: { key: string }) => stage.key)).toEqual(DEFAULT_KEYS);
    expect(items[0]).toEqual({
      key: 'applied',
      name: 'Applied',
      outcome: 'open',
      position: 0,
      applications: 1,
    });
    expect(items[5]).toEqual({
      key: 'rejected',
      name: 'Rejected',
      outcome: 'rejected',
      position: 5,
      applications: 0,
    });
  });

  it('replaces the list: renames, reorders, adds and removes; new applications enter the first open stage', async () => {
    const { organisationId, jobId } = await organisationWithJob();
    const replaced = await replaceStages(organisationId, [
      { key: 'sourced', name: 'Sourced', outcome: 'open' },
      { key: 'applied', name: 'Applied online', outcome: 'open' },
      { key: 'interview', name: 'Interviews', outcome: 'open' },
      { key: 'hired', name: 'Hired', outcome: 'hired' },
      { key: 'rejected', name: 'Not a fit', outcome: 'rejected' },
      { key: 'withdrawn', name: 'Withdrawn', outcome: 'rejected' },
    ]);
    expect(replaced.statusCode).toBe(200);
    const expected = ['sourced', 'applied', 'interview', 'hired', 'rejected', 'withdrawn'];
    expect(replaced.json().items.map((stage: { key: string }) => stage.key)).toEqual(expected);
    expect(replaced.json().items[1]).toMatchObject({ name: 'Applied online', position: 1 });
    expect((await stages(organisationId)).json()).toEqual(replaced.json());

    const application = await apply(t, await signUp(t, 'candidate'), jobId);
    expect((await detail(application)).json().stage).toEqual({
      key: 'sourced',
      name: 'Sourced',
      outcome: 'open',
    });
    // A removed stage is no longer a place to move to.
    const gone = await moveTo(t, recruiter, application, 'screening');
    expect(gone.statusCode).toBe(400);
    expect(gone.json().code).toBe('stage_unknown');
  });

  it('refuses to remove a stage with applications, or change its outcome (409 stage_in_use), and changes nothing', async () => {
    const { organisationId, jobId } = await organisationWithJob();
    const application = await apply(t, await signUp(t, 'candidate'), jobId);
    await moveTo(t, recruiter, application, 'interview');
    const before = (await stages(organisationId)).json();

    const removing = await replaceStages(
      organisationId,
      before.items.filter((stage: { key: string }) => stage.key !== 'interview').map(withoutCounts),
    );
    expect(removing.statusCode).toBe(409);
    expect(removing.json().code).toBe('stage_in_use');
    expect(removing.json().detail).toContain('interview');

    const turning = await replaceStages(
      organisationId,
      before.items.map((stage: { key: string }) => ({
        ...withoutCounts(stage),
        ...(stage.key === 'interview' && { outcome: 'rejected' }),
      })),
    );
    expect(turning.statusCode).toBe(409);
    expect((await stages(organisationId)).json()).toEqual(before);
  });

  it('keeps the history of a removed stage readable, and a re-added key comes back', async () => {
    const { organisationId, jobId } = await organisationWithJob();
    const application = await apply(t, await signUp(t, 'candidate'), jobId);
    await moveTo(t, recruiter, application, 'screening');
    await moveTo(t, recruiter, application, 'interview');
    const list = (await stages(organisationId)).json().items.map(withoutCounts);
    const withoutScreening = list.filter((stage: { key: string }) => stage.key !== 'screening');
    expect((await replaceStages(organisationId, withoutScreening)).statusCode).toBe(200);

    const history = (await detail(application)).json().history;
    expect(history.map((stint: { stage: { name: string } }) => stint.stage.name)).toEqual([
      'Applied',
      'Screening',
      'Interview',
    ]);
    expect(
      (await replaceStages(organisationId, list)).json().items.map((s: { key: string }) => s.key),
    ).toEqual(DEFAULT_KEYS);
    expect((await moveTo(t, recruiter, application, 'screening')).statusCode).toBe(200);
  });

  it('needs an open, a hired and a rejected stage, and unique keys (400 with field paths)', async () => {
    const { organisationId } = await organisationWithJob();
    const noHired = await replaceStages(organisationId, [
      NEW,
      { key: 'later', name: 'Later', outcome: 'open' },
      REJECTED,
    ]);
    expect(noHired.statusCode).toBe(400);
    expect(noHired.json()).toMatchObject({ code: 'stages_incomplete', errors: [{ path: '/body/stages' }] });

    const duplicate = await replaceStages(organisationId, [
      ...minimal,
      { key: 'new', name: 'Again', outcome: 'open' },
    ]);
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json()).toMatchObject({
      code: 'stage_key_duplicate',
      errors: [{ path: '/body/stages/3/key' }],
    });
    expect((await stages(organisationId)).json().items.map((s: { key: string }) => s.key)).toEqual(
      DEFAULT_KEYS,
    );
  });

  it('lets only owners change the pipeline (a recruiter gets 403)', async () => {
    const { organisationId } = await organisationWithJob();
    const response = await replaceStages(organisationId, minimal, recruiter);
    expect(response.statusCode).toBe(403);
    expect((await replaceStages(organisationId, minimal)).statusCode).toBe(200);
  });
});

function withoutCounts(stage: Record<string, unknown>) {
  return { key: stage.key, name: stage.name, outcome: stage.outcome };
}

describe('moving applications', () => {
  it('records every move with who and when, and the time spent in each stage', async () => {
    const { jobId } = await organisationWithJob();
    const candidate = await signUp(t, 'candidate');
    const appliedAt = t.clock.now();
    const application = await apply(t, candidate, jobId);

    const everyone = [owner, recruiter, candidate];
    await advanceClock(t, 2 * 3600_000, everyone);
    const screened = await moveTo(t, recruiter, application, 'screening', 'Strong CV');
    expect(screened.statusCode).toBe(200);
    await advanceClock(t, 24 * 3600_000, everyone);
    await moveTo(t, owner, application, 'interview');
    await advanceClock(t, 30 * 60_000, everyone);

    const body = (await detail(application)).json();
    expect(body.stage).toEqual({ key: 'interview', name: 'Interview', outcome: 'open' });
    expect(body.stageEnteredAt).toBe(new Date(t.clock.now().getTime() - 30 * 60_000).toISOString());
    expect(body.history).toEqual([
      {
        stage: { key: 'applied', name: 'Applied', outcome: 'open' },
        enteredAt: appliedAt.toISOString(),
        leftAt: new Date(appliedAt.getTime() + 2 * 3600_000).toISOString(),
        secondsInStage: 7200,
        movedBy: candidate.id,
        reason: null,
      },
      {
        stage: { key: 'screening', name: 'Screening', outcome: 'open' },
        enteredAt: new Date(appliedAt.getTime() + 2 * 3600_000).toISOString(),
        leftAt: new Date(appliedAt.getTime() + 26 * 3600_000).toISOString(),
        secondsInStage: 86_400,
        movedBy: recruiter.id,
        reason: 'Strong CV',
      },
      {
        stage: { key: 'interview', name: 'Interview', outcome: 'open' },
        enteredAt: new Date(appliedAt.getTime() + 26 * 3600_000).toISOString(),
        leftAt: null,
        secondsInStage: 1800,
        movedBy: owner.id,
        reason: null,
      },
    ]);
  });

  it('treats a move to the current stage as a no-op (200, no new history)', async () => {
    const { jobId } = await organisationWithJob();
    const application = await apply(t, await signUp(t, 'candidate'), jobId);
    await moveTo(t, recruiter, application, 'screening');
    const before = (await detail(application)).json();
    t.clock.advance(5000);
    const again = await moveTo(t, recruiter, application, 'screening');
    expect(again.statusCode).toBe(200);
    expect(again.json().history).toHaveLength(2);
    expect(again.json().stageEnteredAt).toBe(before.stageEnteredAt);
  });

  it('needs a reason to reject, shows the rejection to the candidate, and clears it when reopened', async () => {
    const { jobId } = await organisationWithJob();
    const candidate = await signUp(t, 'candidate');
    const application = await apply(t, candidate, jobId);

    const noReason = await moveTo(t, recruiter, application, 'rejected');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({
      code: 'rejection_reason_required',
      errors: [{ path: '/body/reason', message: 'is required for a rejected stage' }],
    });
    expect((await detail(application)).json().stage.key).toBe('applied');

    const rejected = await moveTo(t, recruiter, application, 'rejected', 'Needs more Go experience');
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      rejectionReason: 'Needs more Go experience',
    });
    const mine = await inject(t, { method: 'GET', url: '/me/applications', headers: candidate.headers });
    expect(mine.json().items[0]).toMatchObject({ status: 'rejected', stage: { name: 'Rejected' } });

    const reopened = await moveTo(t, recruiter, application, 'screening');
    expect(reopened.json()).toMatchObject({ status: 'active', rejectionReason: null });
    expect((await moveTo(t, recruiter, application, 'hired')).json().status).toBe('hired');
  });

  it('refuses a stage key the pipeline does not have (400 on /body/stageKey)', async () => {
    const { jobId } = await organisationWithJob();
    const application = await apply(t, await signUp(t, 'candidate'), jobId);
    const response = await moveTo(t, recruiter, application, 'nonexistent');
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: '/body/stageKey', message: 'is not a stage of this pipeline' },
    ]);
  });
});

describe('notes and ratings', () => {
  it('keeps notes in order with their authors and averages the ratings given', async () => {
    const { jobId } = await organisationWithJob();
    const application = await apply(t, await signUp(t, 'candidate'), jobId);
    const post = (user: TestUser, payload: Record<string, unknown>) =>
      inject(t, {
        method: 'POST',
        url: `/applications/${application}/notes`,
        headers: user.headers,
        payload,
      });

    const first = await post(recruiter, { body: 'Great portfolio.', rating: 4 });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ authorId: recruiter.id, body: 'Great portfolio.', rating: 4 });
    t.clock.advance(1000);
    await post(owner, { body: 'Agree, strong systems thinking.', rating: 5 });
    t.clock.advance(1000);
    await post(recruiter, { body: 'Scheduling the interview.' });

    const body = (await detail(application, owner)).json();
    expect(body.notes.map((note: { body: string }) => note.body)).toEqual([
      'Great portfolio.',
      'Agree, strong systems thinking.',
      'Scheduling the interview.',
    ]);
    expect(body.notes[2].rating).toBeNull();
    expect(body).toMatchObject({ averageRating: 4.5, ratingsCount: 2 });

    const listed = await inject(t, {
      method: 'GET',
      url: `/jobs/${jobId}/applications`,
      headers: owner.headers,
    });
    expect(listed.json().items[0]).toMatchObject({ averageRating: 4.5, ratingsCount: 2, notesCount: 3 });
  });

  it('shows no average before any rating', async () => {
    const { jobId } = await organisationWithJob();
    const application = await apply(t, await signUp(t, 'candidate'), jobId);
    expect((await detail(application)).json()).toMatchObject({
      notes: [],
      averageRating: null,
      ratingsCount: 0,
    });
  });
});

describe("a job's applications", () => {
  it('pages newest first and filters by stage', async () => {
    const { jobId } = await organisationWithJob();
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push(await apply(t, await signUp(t, 'candidate'), jobId));
      if (index !== 2) t.clock.advance(1000);
    }
    await moveTo(t, recruiter, ids[1] as string, 'interview');
    await moveTo(t, recruiter, ids[3] as string, 'interview');

    const all = await collectPages(t, recruiter, `/jobs/${jobId}/applications?limit=2`);
    expect(all.pages).toBe(3);
    // Two applications share an instant (the id breaks the tie): none is skipped or repeated.
    expect(all.items.map((item) => item.id).sort()).toEqual([...ids].sort());
    const appliedAt = all.items.map((item) => item.appliedAt as string);
    expect(appliedAt).toEqual([...appliedAt].sort().reverse());
    expect(all.items[0]?.id).toBe(ids[4]);

    const interviewing = await collectPages(
      t,
      recruiter,
      `/jobs/${jobId}/applications?stage=interview&limit=1`,
    );
    expect(interviewing.items.map((item) => item.id)).toEqual([ids[3], ids[1]]);
    for (const item of interviewing.items) expect(item).toMatchObject({ stage: { key: 'interview' }, jobId });
  });
});
