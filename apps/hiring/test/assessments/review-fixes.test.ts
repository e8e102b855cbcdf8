// Regression tests for the review of issue 12: a slow grader is never taken over while it is alive
// and stops calling the AI seam once its budget is spent or the seam failed; an account that only
// holds the candidate's email (no verification) cannot reach an attempt it did not start; revoking
// a started invitation blocks new starts only; a single-choice answer needs one choice; a scored
// attempt always has its totals (CHECK).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hiringDb } from '../../src/db.js';
import { buildAssessmentAi } from '../../src/modules/assessments/ai.js';
import { createAttemptRepository } from '../../src/modules/assessments/attempts/repository.js';
import { createScoring, type ScoringOptions } from '../../src/modules/assessments/attempts/scoring.js';
import type { AssessmentAi } from '../../src/modules/assessments/types.js';
import { createInvitationTokens } from '../../src/modules/invitations/service.js';
import {
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import {
  expectProblem,
  getAttempt,
  inviteByMail,
  inviteDirect,
  publishedAssessment,
  save,
  started,
  submit,
} from './support.js';

let t: HiringTestApp;
let owner: TestUser;
let organisationId: string;
let assessmentId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  owner = await signUp(t, 'employer');
  organisationId = await createOrganisation(t, owner);
  // A long time limit: the clock moves in the grading tests and no attempt here may fall due.
  assessmentId = await publishedAssessment(t, owner, organisationId, { timeLimitMinutes: 180 });
});
afterAll(async () => t?.close());

const attemptUrl = (id: string) => `/assessment-attempts/${id}`;

describe('who reaches an attempt with a session', () => {
  it('an account holding the invited email does not reach an attempt started from the mail without it', async () => {
    const squatter = await signUp(t, 'candidate'); // registered the address first, never verified
    const token = await inviteByMail(t, owner, organisationId, assessmentId, { email: squatter.email });
    const attempt = await started(t, token); // the real owner of the address, no session
    const read = await t.app.inject({
      method: 'GET',
      url: attemptUrl(attempt.id),
      headers: squatter.headers,
    });
    expectProblem(read, 404, 'attempt_not_found');
    const write = await t.app.inject({
      method: 'PUT',
      url: `${attemptUrl(attempt.id)}/answers/q3`,
      headers: squatter.headers,
      payload: { text: 'sabotage' },
    });
    expectProblem(write, 404, 'attempt_not_found');
    const end = await t.app.inject({
      method: 'POST',
      url: `${attemptUrl(attempt.id)}/submit`,
      headers: squatter.headers,
    });
    expectProblem(end, 404, 'attempt_not_found');
    // The attempt token still works, and nothing of the squatter's reached it.
    const own = await getAttempt(t, attempt);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ status: 'in_progress', answers: [] });
    const mine = await t.app.inject({
      method: 'GET',
      url: '/me/assessment-attempts',
      headers: squatter.headers,
    });
    expect(mine.json().items).toEqual([]);
  });

  it('the invited account that starts with its session reaches the attempt with it; others do not', async () => {
    const alice = await signUp(t, 'candidate');
    const bob = await signUp(t, 'candidate');
    const token = await inviteByMail(t, owner, organisationId, assessmentId, { email: alice.email });
    const response = await t.app.inject({
      method: 'POST',
      url: `/assessment-invites/${token}/start`,
      headers: alice.headers,
    });
    expect(response.statusCode).toBe(201);
    const id = response.json().id as string;
    const read = await t.app.inject({ method: 'GET', url: attemptUrl(id), headers: alice.headers });
    expect(read.statusCode).toBe(200);
    expectProblem(await t.app.inject({ method: 'GET', url: attemptUrl(id), headers: bob.headers }), 404);
    const mine = await t.app.inject({
      method: 'GET',
      url: '/me/assessment-attempts',
      headers: alice.headers,
    });
    expect(mine.json().items.map((item: { id: string }) => item.id)).toEqual([id]);
  });

  it("another candidate's session on /start does not link the attempt to anyone", async () => {
    const alice = await signUp(t, 'candidate');
    const mallory = await signUp(t, 'candidate');
    const token = await inviteByMail(t, owner, organisationId, assessmentId, { email: alice.email });
    const response = await t.app.inject({
      method: 'POST',
      url: `/assessment-invites/${token}/start`,
      headers: mallory.headers,
    });
    expect(response.statusCode).toBe(201);
    const id = response.json().id as string;
    expectProblem(await t.app.inject({ method: 'GET', url: attemptUrl(id), headers: mallory.headers }), 404);
    expectProblem(await t.app.inject({ method: 'GET', url: attemptUrl(id), headers: alice.headers }), 404);
  });
});

describe('revoke after start', () => {
  it('blocks new starts only: the running attempt is saved, submitted and scored', async () => {
    const { token, invitationId } = await inviteDirect(t, { organisationId, assessmentId });
    const attempt = await started(t, token);
    const revoke = await t.app.inject({
      method: 'POST',
      url: `/organisations/${organisationId}/invitations/${invitationId}/revoke`,
      headers: owner.headers,
    });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json().status).toBe('revoked');
    expectProblem(
      await t.app.inject({ method: 'GET', url: `/assessment-invites/${token}` }),
      410,
      'invitation_revoked',
    );
    expect((await save(t, attempt, 'q1', { choiceIds: ['a'] })).statusCode).toBe(200);
    const scored = await submit(t, attempt);
    expect(scored.statusCode).toBe(200);
    expect(scored.json()).toMatchObject({ status: 'scored', result: { score: 2, maxScore: 8 } });
    const { rows } = await t.db.executeSql('select status from hiring_assessment_invitations where id = $1', [
      invitationId,
    ]);
    expect(rows).toEqual([{ status: 'revoked' }]);
  });
});

describe('answers and stored results', () => {
  it('refuses an empty choice list on a single-choice question', async () => {
    const attempt = await started(t, (await inviteDirect(t, { organisationId, assessmentId })).token);
    expectProblem(
      await save(t, attempt, 'q1', { choiceIds: [] }),
      400,
      'answer_choices_required',
      '/body/choiceIds',
    );
    expect((await save(t, attempt, 'q2', { choiceIds: [] })).statusCode).toBe(200); // multiple choice: none is an answer
  });

  it('a scored attempt must carry its score, percent and pass (CHECK)', async () => {
    const attempt = await started(t, (await inviteDirect(t, { organisationId, assessmentId })).token);
    await expect(
      t.db.executeSql(
        `update hiring_assessment_attempts set status = 'scored', ended_by = 'candidate', scored_at = now(),
           submitted_at = now() where id = $1`,
        [attempt.id],
      ),
    ).rejects.toThrow(/check/i);
  });
});

describe('grading budget and heartbeat (injectable clock; runs last: the clock moves)', () => {
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };

  /** A scoring over a grader that takes `minutesPerCall` of the test clock per question. */
  function slowScoring(options: ScoringOptions, onCall: (calls: number) => Promise<void> | void = () => {}) {
    const inner = buildAssessmentAi(null);
    const state = { calls: 0 };
    const ai: AssessmentAi = {
      textGrader: 'slow-model',
      generate: (input) => inner.generate(input),
      async grade(question, answer) {
        state.calls += 1;
        t.clock.advance(4 * 60_000);
        await onCall(state.calls);
        return { ...(await inner.grade(question, answer)), grader: 'slow-model' };
      },
    };
    const dependencies = { db: t.db, clock: t.clock, logger: quiet } as never;
    const invitationTokens = createInvitationTokens({ db: t.db, clock: t.clock } as never);
    return { state, scoring: createScoring({ dependencies, ai, invitationTokens }, options) };
  }

  async function answeredAttempt() {
    const attempt = await started(t, (await inviteDirect(t, { organisationId, assessmentId })).token);
    expect((await save(t, attempt, 'q1', { choiceIds: ['a'] })).statusCode).toBe(200);
    expect((await save(t, attempt, 'q3', { text: 'It will replace the resource' })).statusCode).toBe(200);
    return (await createAttemptRepository(hiringDb(t.db)).find(attempt.id)) as NonNullable<
      Awaited<ReturnType<ReturnType<typeof createAttemptRepository>['find']>>
    >;
  }

  const gradersOf = async (attemptId: string) =>
    (
      await t.db.executeSql(
        'select question_id, grader from hiring_assessment_grades where attempt_id = $1 order by question_id',
        [attemptId],
      )
    ).rows;

  it('a live slow grader keeps its claim: the sweep does not take it over, each question graded once', async () => {
    const row = await answeredAttempt();
    let swept = -1;
    // 4 minutes per question: 12 minutes in all, more than the 10 minutes after which a claim is stuck.
    const { state, scoring } = slowScoring({ gradingBudgetMs: 60 * 60_000 }, async (calls) => {
      if (calls === 3) swept = await scoring.sweep();
    });
    const ended = await scoring.end(row);
    expect(swept).toBe(0);
    expect(state.calls).toBe(3);
    expect(ended).toMatchObject({ status: 'scored', score: 4, max_score: 8 });
    expect(await gradersOf(row.id)).toEqual([
      { question_id: 'q1', grader: 'slow-model' },
      { question_id: 'q2', grader: 'slow-model' },
      { question_id: 'q3', grader: 'slow-model' },
    ]);
  });

  it('stops calling the AI seam once the budget is spent; the rest is scored deterministically', async () => {
    const row = await answeredAttempt();
    const { state, scoring } = slowScoring({ gradingBudgetMs: 5 * 60_000 });
    const ended = await scoring.end(row);
    expect(state.calls).toBe(2); // q1 at 0 min, q2 at 4 min; q3 at 8 min is past the 5-minute budget
    expect(ended).toMatchObject({ status: 'scored', score: 4, max_score: 8 });
    expect(await gradersOf(row.id)).toEqual([
      { question_id: 'q1', grader: 'slow-model' },
      { question_id: 'q2', grader: 'slow-model' },
      { question_id: 'q3', grader: 'deterministic' },
    ]);
  });

  it('after the first failure of the seam the attempt is still scored, without asking it again', async () => {
    const row = await answeredAttempt();
    let calls = 0;
    const ai: AssessmentAi = {
      textGrader: 'broken-model',
      generate: () => Promise.reject(new Error('unused')),
      async grade() {
        calls += 1;
        throw new Error('provider down');
      },
    };
    const scoring = createScoring({
      dependencies: { db: t.db, clock: t.clock, logger: quiet } as never,
      ai,
      invitationTokens: createInvitationTokens({ db: t.db, clock: t.clock } as never),
    });
    const ended = await scoring.end(row);
    expect(calls).toBe(1);
    expect(ended).toMatchObject({ status: 'scored', score: 4, max_score: 8 });
    expect((await gradersOf(row.id)).map((grade) => grade.grader)).toEqual([
      'deterministic',
      'deterministic',
      'deterministic',
    ]);
  });
});
