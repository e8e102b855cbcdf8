// A candidate's attempt (issue 12): the invite shows what it is for and never the answers; start
// spends the token and starts the server's clock; answers are saved idempotently, refused past the
// deadline (by the injectable clock) and once submitted, and rate limited per attempt; the order is
// shuffled per attempt and stable for its seed; submit scores once and a second submit answers the
// same result; no candidate-facing answer carries correct answers or rubrics; another candidate
// gets 404; an attempt grades against the version it started on; the score shows on the application.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateSections } from '../../src/modules/assessments/attempts/candidate-view.js';
import { advanceClock, apply } from '../applications/support.js';
import {
  buildHiringTestApp,
  type HiringTestApp,
  publishedJobSetup,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import {
  assessmentsUrl,
  expectNoSecrets,
  expectProblem,
  getAttempt,
  inviteByMail,
  inviteDirect,
  publish,
  publishedAssessment,
  save,
  start,
  started,
  submit,
  templateBody,
} from './support.js';

let t: HiringTestApp;
let owner: TestUser;
let organisationId: string;
let jobId: string;
let assessmentId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  ({ employer: owner, organisationId, jobId } = await publishedJobSetup(t));
  assessmentId = await publishedAssessment(t, owner, organisationId, {
    shuffleQuestions: true,
    shuffleChoices: true,
  });
});
afterAll(async () => t?.close());

const invite = (extra: Partial<Parameters<typeof inviteDirect>[1]> = {}) =>
  inviteDirect(t, { organisationId, assessmentId, ...extra });

describe('opening and starting', () => {
  it('shows the invite without questions, starts once, and never sends answers or rubrics', async () => {
    const { token, invitationId } = await invite();
    const opened = await t.app.inject({ method: 'GET', url: `/assessment-invites/${token}` });
    expect(opened.statusCode).toBe(200);
    expect(opened.json()).toMatchObject({
      title: 'Backend screening',
      timeLimitMinutes: 30,
      questionCount: 3,
      sectionCount: 2,
      attemptsLeft: 1,
    });
    expect(opened.body).not.toContain('Default isolation level');
    expectNoSecrets(opened);

    const first = await start(t, token);
    expect(first.statusCode).toBe(201);
    expect(first.headers['cache-control']).toContain('no-store');
    const body = first.json();
    expect(body.attemptToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.startedAt).toBe(t.clock.now().toISOString());
    expect(body.deadlineAt).toBe(new Date(t.clock.now().getTime() + 30 * 60_000).toISOString());
    expect(body.secondsLeft).toBe(1800);
    expect(body.sections.flatMap((s: { questions: unknown[] }) => s.questions)).toHaveLength(3);
    expectNoSecrets(first);
    // The token is spent: a second start is refused and creates nothing.
    const second = await start(t, token);
    expect(second.statusCode).toBe(410);
    expect(second.json().code).toBe('invitation_used');
    const { rows } = await t.db.executeSql(
      'select count(*)::int as n from hiring_assessment_attempts where invitation_id = $1',
      [invitationId],
    );
    expect(rows[0]).toEqual({ n: 1 });
    const stored = await t.db.executeSql(
      'select access_token_hash from hiring_assessment_attempts where id = $1',
      [body.id],
    );
    expect((stored.rows[0] as { access_token_hash: string }).access_token_hash).not.toContain(
      body.attemptToken,
    );
  });

  it('refuses an unknown token with 404', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/assessment-invites/${'x'.repeat(43)}` });
    expect(response.statusCode).toBe(404);
    expect((await start(t, 'y'.repeat(43))).statusCode).toBe(404);
  });

  it('starts from a token mailed by the invitations route', async () => {
    const email = `mailed-${process.pid}@example.com`;
    const token = await inviteByMail(t, owner, organisationId, assessmentId, { email });
    const attempt = await started(t, token);
    expect(attempt.body.status).toBe('in_progress');
  });
});

describe('answers, deadline and submit', () => {
  it('saves idempotently, validates answers, submits once and answers the same result again', async () => {
    const attempt = await started(t, (await invite()).token);
    expect((await save(t, attempt, 'q1', { choiceIds: ['b'] })).statusCode).toBe(200);
    const replaced = await save(t, attempt, 'q1', { choiceIds: ['a'] });
    expect(replaced.statusCode).toBe(200);
    expectNoSecrets(replaced);
    expect((await save(t, attempt, 'q1', { choiceIds: ['a'] })).statusCode).toBe(200);
    expect((await save(t, attempt, 'q2', { choiceIds: ['a', 'b'] })).statusCode).toBe(200);
    expect(
      (await save(t, attempt, 'q3', { text: 'It replaces the resource, so the same state results.' }))
        .statusCode,
    ).toBe(200);
    t.clock.advance(1000); // a new second of the per-attempt save limit
    expectProblem(
      await save(t, attempt, 'q1', { choiceIds: ['zz'] }),
      400,
      'answer_choice_unknown',
      '/body/choiceIds',
    );
    expectProblem(await save(t, attempt, 'q1', { choiceIds: ['a', 'b'] }), 400, 'answer_too_many_choices');
    expectProblem(await save(t, attempt, 'q1', { text: 'a' }), 400, 'answer_choices_required');
    expectProblem(
      await save(t, attempt, 'q3', { text: 'x'.repeat(301) }),
      400,
      'answer_too_long',
      '/body/text',
    );
    expectProblem(await save(t, attempt, 'q3', { text: 'x'.repeat(20001) }), 400, undefined, '/body/text');
    expectProblem(await save(t, attempt, 'nope', { text: 'x' }), 404, 'question_not_found');

    const read = await getAttempt(t, attempt);
    expect(read.json().answers).toEqual([
      { questionId: 'q1', choiceIds: ['a'], savedAt: expect.any(String) },
      { questionId: 'q2', choiceIds: ['a', 'b'], savedAt: expect.any(String) },
      { questionId: 'q3', text: expect.stringContaining('replaces'), savedAt: expect.any(String) },
    ]);
    expectNoSecrets(read);

    const submitted = await submit(t, attempt);
    expect(submitted.statusCode).toBe(200);
    const result = submitted.json().result;
    expect(submitted.json().status).toBe('scored');
    expect(result).toMatchObject({ maxScore: 8, passed: true });
    expect(result.score).toBeGreaterThanOrEqual(4);
    expectNoSecrets(submitted);
    const again = await submit(t, attempt);
    expect(again.json().result).toEqual(result);
    t.clock.advance(1000);
    expectProblem(await save(t, attempt, 'q1', { choiceIds: ['b'] }), 409, 'attempt_submitted');
    const { rows } = await t.db.executeSql(
      'select count(*)::int as n from hiring_assessment_grades where attempt_id = $1',
      [attempt.id],
    );
    expect(rows[0]).toEqual({ n: 3 });
  });

  it('enforces the deadline by the server clock, and a late submit scores what was saved in time', async () => {
    const attempt = await started(t, (await invite()).token);
    expect((await save(t, attempt, 'q1', { choiceIds: ['a'] })).statusCode).toBe(200);
    await advanceClock(t, 30 * 60_000 - 1000, [owner]);
    expect((await save(t, attempt, 'q2', { choiceIds: ['a', 'b'] })).statusCode).toBe(200);
    t.clock.advance(1000);
    expectProblem(await save(t, attempt, 'q3', { text: 'late' }), 409, 'attempt_deadline_passed');
    expect((await getAttempt(t, attempt)).json().secondsLeft).toBe(0);
    const late = await submit(t, attempt);
    expect(late.json()).toMatchObject({
      status: 'scored',
      result: { score: 4, maxScore: 8, percent: 50, passed: true },
    });
    const { rows } = await t.db.executeSql(
      'select ended_by, time_taken_seconds from hiring_assessment_attempts where id = $1',
      [attempt.id],
    );
    expect(rows[0]).toEqual({ ended_by: 'deadline', time_taken_seconds: 1800 });
  });

  it('rate limits saves per attempt', async () => {
    const attempt = await started(t, (await invite()).token);
    const responses = await Promise.all(
      Array.from({ length: 14 }, () => save(t, attempt, 'q1', { choiceIds: ['a'] })),
    );
    const limited = responses.filter((response) => response.statusCode === 429);
    expect(limited.length).toBe(4);
    expect(limited[0]?.json().code).toBe('attempt_rate_limited');
    t.clock.advance(1000);
    expect((await save(t, attempt, 'q1', { choiceIds: ['a'] })).statusCode).toBe(200);
  });
});

describe('shuffle', () => {
  it('orders questions and choices by the stored seed: the same on every read, different across seeds', async () => {
    const attempt = await started(t, (await invite()).token);
    const first = (await getAttempt(t, attempt)).json().sections;
    expect((await getAttempt(t, attempt)).json().sections).toEqual(first);
    expect(first).toEqual(attempt.body.sections);
    const { sections } = templateBody();
    const settings = { shuffleQuestions: true, shuffleChoices: true };
    const orders = new Set(
      Array.from({ length: 20 }, (_, seed) =>
        JSON.stringify(
          candidateSections(sections as never, seed, settings)[0]?.questions.map((q) => [
            q.id,
            q.choices?.map((c) => c.id),
          ]),
        ),
      ),
    );
    expect(orders.size).toBeGreaterThan(1);
    expect(candidateSections(sections as never, 7, settings)).toEqual(
      candidateSections(sections as never, 7, settings),
    );
    expect(
      candidateSections(sections as never, 7, {
        shuffleQuestions: false,
        shuffleChoices: false,
      })[0]?.questions.map((q) => q.id),
    ).toEqual(['q1', 'q2']);
  });
});

describe('isolation', () => {
  it("gives another candidate, a wrong token or no credentials nothing of someone's attempt", async () => {
    const alice = await signUp(t, 'candidate');
    const bob = await signUp(t, 'candidate');
    // Alice starts signed in, so the attempt is linked to her account (her session reaches it).
    const aliceToken = (await invite({ candidateUserId: alice.id, email: alice.email })).token;
    const startResponse = await t.app.inject({
      method: 'POST',
      url: `/assessment-invites/${aliceToken}/start`,
      headers: alice.headers,
    });
    expect(startResponse.statusCode).toBe(201);
    const attempt = {
      id: startResponse.json().id as string,
      token: startResponse.json().attemptToken as string,
    };
    const other = await started(t, (await invite()).token);
    const url = `/assessment-attempts/${attempt.id}`;
    expect((await t.app.inject({ method: 'GET', url, headers: alice.headers })).statusCode).toBe(200);
    expectProblem(await t.app.inject({ method: 'GET', url, headers: bob.headers }), 404, 'attempt_not_found');
    expectProblem(
      await t.app.inject({ method: 'GET', url, headers: { 'x-attempt-token': other.token } }),
      404,
      'attempt_not_found',
    );
    expectProblem(await t.app.inject({ method: 'GET', url }), 401, 'attempt_token_required');
    expectProblem(
      await t.app.inject({
        method: 'PUT',
        url: `${url}/answers/q1`,
        headers: { 'x-attempt-token': other.token },
        payload: { choiceIds: ['a'] },
      }),
      404,
      'attempt_not_found',
    );
    expectProblem(
      await t.app.inject({ method: 'POST', url: `${url}/submit`, headers: bob.headers }),
      404,
      'attempt_not_found',
    );
    const mine = await t.app.inject({
      method: 'GET',
      url: '/me/assessment-attempts',
      headers: alice.headers,
    });
    expect(mine.json().items.map((item: { id: string }) => item.id)).toEqual([attempt.id]);
    expectNoSecrets(mine);
    const bobs = await t.app.inject({ method: 'GET', url: '/me/assessment-attempts', headers: bob.headers });
    expect(bobs.json().items).toEqual([]);
  });
});

describe('versions and the pipeline', () => {
  it('grades an attempt against the version it started on after the assessment is edited', async () => {
    const id = await publishedAssessment(t, owner, organisationId);
    const before = await started(t, (await inviteDirect(t, { organisationId, assessmentId: id })).token);
    // v2 makes "b" the correct choice of q1.
    const body = templateBody();
    const q1 = body.sections[0]?.questions[0] as { choices: Array<{ correct: boolean }> };
    q1.choices = q1.choices.map((c, i) => ({ ...c, correct: i === 1 }));
    const edited = await t.app.inject({
      method: 'PATCH',
      url: `${assessmentsUrl(organisationId)}/${id}`,
      headers: owner.headers,
      payload: { sections: body.sections },
    });
    expect(edited.statusCode).toBe(201);
    await publish(t, owner, organisationId, id);
    const after = await started(t, (await inviteDirect(t, { organisationId, assessmentId: id })).token);
    for (const attempt of [before, after])
      expect((await save(t, attempt, 'q1', { choiceIds: ['a'] })).statusCode).toBe(200);
    expect((await submit(t, before)).json().result.score).toBe(2);
    expect((await submit(t, after)).json().result.score).toBe(0);
    const { rows } = await t.db.executeSql(
      'select version from hiring_assessment_attempts where id in ($1, $2) order by started_at, id',
      [before.id, after.id],
    );
    expect(rows.map((row) => (row as { version: number }).version).sort()).toEqual([1, 2]);
  });

  it("shows the latest scored attempt's percent and pass on the candidate's application", async () => {
    const candidate = await signUp(t, 'candidate');
    const applicationId = await apply(t, candidate, jobId);
    const attempt = await started(
      t,
      (await invite({ applicationId, candidateUserId: candidate.id, email: candidate.email })).token,
    );
    await save(t, attempt, 'q1', { choiceIds: ['a'] });
    await submit(t, attempt);
    const { rows } = await t.db.executeSql(
      'select application_id, percent, passed from hiring_assessment_attempts where id = $1',
      [attempt.id],
    );
    expect(rows[0]).toEqual({ application_id: applicationId, percent: 25, passed: false });
    const pipeline = await t.app.inject({
      method: 'GET',
      url: `/jobs/${jobId}/applications`,
      headers: owner.headers,
    });
    const item = pipeline.json().items.find((entry: { id: string }) => entry.id === applicationId);
    expect(item).toBeDefined();
    expect(item.assessment).toMatchObject({
      attemptId: attempt.id,
      assessmentId,
      percent: 25,
      passed: false,
    });
  });
});
