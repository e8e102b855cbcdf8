// Issue 11 item 19, through HTTP: members of the organisation see who applied (the e-mail the
// candidate applied with and their profile) on applications and in the ranking, and nothing of a
// candidate who neither applied nor opted into discovery; the candidate withdraws their own
// application; every stage change writes the candidate's mail to the outbox in the move's
// transaction, without anything the organisation keeps to itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putOnTier } from '../billing/tier-support.js';
import {
  createJob,
  createOrganisation,
  type HiringTestApp,
  publishJob,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { act, apply, buildHiringTestApp, inject, moveTo } from './support.js';

let t: HiringTestApp;
let owner: TestUser;
let outsider: TestUser;
let organisationId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  owner = await signUp(t, 'employer');
  outsider = await signUp(t, 'employer');
  organisationId = await createOrganisation(t, owner, 'Acme Ltd');
  // This file publishes more jobs than the free tier allows at once.
  await putOnTier(t, organisationId, 'enterprise');
  await createOrganisation(t, outsider, 'Elsewhere GmbH');
});
afterAll(async () => t?.close());

const PROFILE = {
  name: 'Ada Lovelace',
  headline: 'Backend engineer',
  skills: [
    { name: 'TypeScript', level: 5 },
    { name: 'PostgreSQL', level: 3 },
  ],
  yearsExperience: 7,
  location: { city: 'London', region: null, country: 'GB' },
  remotePreference: 'hybrid',
  desiredSalary: { min: 70000, max: 90000, currency: 'GBP', interval: 'YEAR' },
  resumeText: 'Seven years of TypeScript services on PostgreSQL.',
  discoverable: false,
};

async function candidateWithProfile(profile: Record<string, unknown> = {}): Promise<TestUser> {
  const user = await signUp(t, 'candidate');
  const response = await inject(t, {
    method: 'PUT',
    url: '/me/candidate-profile',
    headers: user.headers,
    payload: { ...PROFILE, ...profile },
  });
  if (response.statusCode !== 200) throw new Error(`profile: ${response.statusCode} ${response.body}`);
  return user;
}

async function newJob(title = 'Backend Engineer'): Promise<string> {
  const job = await createJob(t, owner, organisationId, {
    title,
    company: 'Acme Ltd',
    skills: [{ name: 'TypeScript', level: 3, required: true }],
  });
  await publishJob(t, owner, job.id as string);
  return job.id as string;
}

const rank = (user: TestUser, jobId: string) =>
  inject(t, { method: 'POST', url: `/jobs/${jobId}/match-candidates`, headers: user.headers, payload: {} });
const withdraw = (user: TestUser, applicationId: string) =>
  inject(t, { method: 'POST', url: `/applications/${applicationId}/withdraw`, headers: user.headers });
const detail = (user: TestUser, applicationId: string) =>
  inject(t, { method: 'GET', url: `/applications/${applicationId}`, headers: user.headers });
const listApplications = (user: TestUser, jobId: string) =>
  inject(t, { method: 'GET', url: `/jobs/${jobId}/applications`, headers: user.headers });

async function outbox(recipient: string): Promise<Array<{ subject: string; body: string }>> {
  const { rows } = await t.db.executeSql(
    'select subject, body from mail_outbox where recipient = $1 order by id',
    [recipient],
  );
  return rows as Array<{ subject: string; body: string }>;
}

const SHOWN_PROFILE = {
  name: 'Ada Lovelace',
  headline: 'Backend engineer',
  skills: [
    { name: 'typescript', level: 5 },
    { name: 'postgresql', level: 3 },
  ],
  yearsExperience: 7,
  location: { city: 'London', region: null, country: 'GB' },
  remotePreference: 'hybrid',
  workAuthorisation: [],
  willingToRelocate: null,
  resumeText: 'Seven years of TypeScript services on PostgreSQL.',
};

describe('who applied (item 19)', () => {
  it('item 19: members see the applicant on the list, the application and the ranking: e-mail, name, headline, skills with levels, experience, location, resume', async () => {
    const jobId = await newJob();
    const applicant = await candidateWithProfile();
    const applicationId = await apply(t, applicant, jobId, 'Hello');

    const listed = await listApplications(owner, jobId);
    expect(listed.statusCode).toBe(200);
    const [summary] = listed.json().items;
    expect(summary.applicant).toEqual({
      email: applicant.email,
      profile: { ...SHOWN_PROFILE, updatedAt: expect.any(String) },
    });
    // The salary wish and the discovery switch stay the candidate's.
    expect(summary.applicant.profile).not.toHaveProperty('desiredSalary');
    expect(summary.applicant.profile).not.toHaveProperty('discoverable');

    const one = await detail(owner, applicationId);
    expect(one.statusCode).toBe(200);
    expect(one.json().applicant).toEqual(summary.applicant);

    const ranked = await rank(owner, jobId);
    expect(ranked.statusCode).toBe(200);
    const result = ranked.json().results.find((r: { candidateId: string }) => r.candidateId === applicant.id);
    expect(result).toMatchObject({ email: applicant.email, applicationId, profile: SHOWN_PROFILE });

    // The candidate's own view has no applicant block (they know who they are).
    expect((await detail(applicant, applicationId)).json()).not.toHaveProperty('applicant');
  });

  it('item 19: an applicant without a profile shows with the e-mail they applied with and a null profile', async () => {
    const jobId = await newJob();
    const bare = await signUp(t, 'candidate');
    await apply(t, bare, jobId);
    const [summary] = (await listApplications(owner, jobId)).json().items;
    expect(summary.applicant).toEqual({ email: bare.email, profile: null });
  });

  it("item 19: a member of another organisation gets 404 on the job's applications, the application and the ranking", async () => {
    const jobId = await newJob();
    const applicationId = await apply(t, await candidateWithProfile(), jobId);
    for (const response of [
      await listApplications(outsider, jobId),
      await detail(outsider, applicationId),
      await rank(outsider, jobId),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('Ada');
    }
    expect((await rank(outsider, jobId)).json().code).toBe('job_not_found');
  });

  it('item 19: a candidate who neither applied nor is discoverable is invisible; a discoverable one shows without an e-mail', async () => {
    const jobId = await newJob();
    const hidden = await candidateWithProfile({ name: 'Hidden Person', discoverable: false });
    const open = await candidateWithProfile({ name: 'Open Person', discoverable: true });
    const ranked = await rank(owner, jobId);
    expect(ranked.statusCode).toBe(200);
    const ids = ranked.json().results.map((r: { candidateId: string }) => r.candidateId);
    expect(ids).not.toContain(hidden.id);
    expect(ranked.body).not.toContain('Hidden Person');
    const shown = ranked.json().results.find((r: { candidateId: string }) => r.candidateId === open.id);
    expect(shown).toMatchObject({ email: null, applicationId: null, profile: { name: 'Open Person' } });
    expect(ranked.body).not.toContain(open.email);
  });
});

describe('withdrawing (item 19)', () => {
  it('item 19: the candidate withdraws; again is the same answer; the employer sees it withdrawn, cannot move it, and re-applying is 409', async () => {
    const jobId = await newJob();
    const candidate = await candidateWithProfile({ name: 'Wanda Withdrawn', discoverable: false });
    const applicationId = await apply(t, candidate, jobId);

    const first = await withdraw(candidate, applicationId);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id: applicationId, status: 'withdrawn', stage: { key: 'applied' } });
    expect(first.json().withdrawnAt).toBe(t.clock.now().toISOString());
    t.clock.advance(60_000);
    const again = await withdraw(candidate, applicationId);
    expect(again.statusCode).toBe(200);
    expect(again.json().withdrawnAt).toBe(first.json().withdrawnAt);

    const seen = await detail(owner, applicationId);
    expect(seen.json()).toMatchObject({ status: 'withdrawn', withdrawnAt: first.json().withdrawnAt });
    expect(seen.json().applicant.email).toBe(candidate.email);
    const [summary] = (await listApplications(owner, jobId)).json().items;
    expect(summary.status).toBe('withdrawn');

    const moved = await moveTo(t, owner, applicationId, 'screening');
    expect(moved.statusCode).toBe(409);
    expect(moved.json().code).toBe('application_withdrawn');
    expect((await detail(owner, applicationId)).json().stage.key).toBe('applied');
    expect(await outbox(candidate.email)).toEqual([]);

    const reapply = await act(t, candidate, jobId, 'apply');
    expect(reapply.statusCode).toBe(409);
    expect(reapply.json().code).toBe('application_withdrawn');

    // Out of the pipeline counts, and out of the ranking (they are not discoverable).
    const stages = await inject(t, {
      method: 'GET',
      url: `/organisations/${organisationId}/pipeline-stages`,
      headers: owner.headers,
    });
    const counts = Object.fromEntries(
      stages.json().items.map((s: { key: string; applications: number }) => [s.key, s.applications]),
    );
    const { rows } = await t.db.executeSql(
      `select count(*)::int as n from hiring_applications a join hiring_pipeline_stages s on s.id = a.stage_id
        where a.organisation_id = $1 and s.key = 'applied' and a.withdrawn_at is null`,
      [organisationId],
    );
    expect(counts.applied).toBe((rows[0] as { n: number }).n);
    const ranked = await rank(owner, jobId);
    expect(ranked.json().results.map((r: { candidateId: string }) => r.candidateId)).not.toContain(
      candidate.id,
    );
  });

  it('item 19: only the applicant can withdraw: another candidate gets 404, an employer 403; a decided application is 409', async () => {
    const jobId = await newJob();
    const candidate = await candidateWithProfile();
    const applicationId = await apply(t, candidate, jobId);

    const other = await withdraw(await signUp(t, 'candidate'), applicationId);
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('application_not_found');
    const employer = await withdraw(owner, applicationId);
    expect(employer.statusCode).toBe(403);
    expect((await detail(owner, applicationId)).json().status).toBe('active');

    expect((await moveTo(t, owner, applicationId, 'hired')).statusCode).toBe(200);
    const decided = await withdraw(candidate, applicationId);
    expect(decided.statusCode).toBe(409);
    expect(decided.json().code).toBe('application_decided');
    expect((await detail(owner, applicationId)).json().status).toBe('hired');
  });
});

describe('stage mails (item 19)', () => {
  it('item 19: a stage change writes one outbox mail to the applicant naming the job and the new stage, never notes or the rejection reason', async () => {
    const jobId = await newJob('Staff Engineer');
    const candidate = await candidateWithProfile();
    const applicationId = await apply(t, candidate, jobId);
    const note = await inject(t, {
      method: 'POST',
      url: `/applications/${applicationId}/notes`,
      headers: owner.headers,
      payload: { body: 'SECRET-NOTE weak on SQL', rating: 2 },
    });
    expect(note.statusCode).toBe(201);
    expect(await outbox(candidate.email)).toEqual([]);

    expect((await moveTo(t, owner, applicationId, 'interview')).statusCode).toBe(200);
    const afterMove = await outbox(candidate.email);
    expect(afterMove).toHaveLength(1);
    expect(afterMove[0]?.subject).toBe('Your application for Staff Engineer at Acme Ltd: Interview');
    expect(afterMove[0]?.body).toContain('"Interview"');

    // Moving to the stage it is in changes nothing and sends nothing.
    expect((await moveTo(t, owner, applicationId, 'interview')).statusCode).toBe(200);
    expect(await outbox(candidate.email)).toHaveLength(1);

    expect(
      (await moveTo(t, owner, applicationId, 'rejected', 'SECRET-REASON not senior enough')).statusCode,
    ).toBe(200);
    const mails = await outbox(candidate.email);
    expect(mails).toHaveLength(2);
    expect(mails[1]?.subject).toContain('Rejected');
    for (const mail of mails) {
      expect(`${mail.subject}\n${mail.body}`).not.toMatch(/SECRET-NOTE|SECRET-REASON/);
    }
  });

  it('item 19: when the outbox write fails the move is undone too (one transaction)', async () => {
    const jobId = await newJob();
    const candidate = await candidateWithProfile();
    const applicationId = await apply(t, candidate, jobId);
    // A real failure inside the database, for this recipient only: the move must not commit without it.
    await t.db.executeSql(`
      create function test_refuse_mail() returns trigger language plpgsql as $$
      begin
        if new.recipient = '${candidate.email}' then raise exception 'outbox unavailable'; end if;
        return new;
      end $$;
      create trigger test_refuse_mail before insert on mail_outbox
        for each row execute function test_refuse_mail();`);
    try {
      const moved = await moveTo(t, owner, applicationId, 'screening');
      expect(moved.statusCode).toBeGreaterThanOrEqual(500);
      const after = (await detail(owner, applicationId)).json();
      expect(after.stage.key).toBe('applied');
      expect(after.history).toHaveLength(1);
    } finally {
      await t.db.executeSql(
        'drop trigger test_refuse_mail on mail_outbox; drop function test_refuse_mail();',
      );
    }
    expect((await moveTo(t, owner, applicationId, 'screening')).statusCode).toBe(200);
    expect(await outbox(candidate.email)).toHaveLength(1);
  });
});

describe('bad input (item 19)', () => {
  it('item 19: withdraw with an id that is not a uuid is 400; an unknown one 404; a bad profile name 400', async () => {
    const candidate = await signUp(t, 'candidate');
    const bad = await withdraw(candidate, 'not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const unknown = await withdraw(candidate, '00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    for (const name of [12345, 'x'.repeat(201), ['Ada']]) {
      const response = await inject(t, {
        method: 'PUT',
        url: '/me/candidate-profile',
        headers: candidate.headers,
        payload: { ...PROFILE, name },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors.map((error: { path: string }) => error.path)).toContain('/body/name');
    }
  });
});
