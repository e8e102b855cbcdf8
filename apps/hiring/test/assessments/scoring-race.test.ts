// The expiry job and a late submit race to score an attempt past its deadline (issue 12): ONE
// conditional update of status decides, so every attempt is graded exactly once (each question sent
// to the grader once, one "scored" log line per attempt) and every caller sees the same
// result. Embedded PGlite has ONE connection, so there the "races" are serialised: the test still
// fails if the conditional `status = 'in_progress'` guard of the claim goes (a second claimant would
// grade again), but true concurrency is exercised only with DATABASE_URL (PostgreSQL); CI runs both.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hiringDb } from '../../src/db.js';
import { buildAssessmentAi } from '../../src/modules/assessments/ai.js';
import { ATTEMPT_EXPIRY_QUEUE } from '../../src/modules/assessments/attempts/expiry.js';
import { createAttemptRepository } from '../../src/modules/assessments/attempts/repository.js';
import { createScoring } from '../../src/modules/assessments/attempts/scoring.js';
import type { AssessmentAi } from '../../src/modules/assessments/types.js';
import { createInvitationTokens } from '../../src/modules/invitations/service.js';
import {
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { inviteDirect, publishedAssessment, save, started, submit } from './support.js';

let t: HiringTestApp;
let owner: TestUser;
let organisationId: string;
let assessmentId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  owner = await signUp(t, 'employer');
  organisationId = await createOrganisation(t, owner);
  assessmentId = await publishedAssessment(t, owner, organisationId, { timeLimitMinutes: 5 });
});
afterAll(async () => t?.close());

async function expiredAttempt() {
  const attempt = await started(t, (await inviteDirect(t, { organisationId, assessmentId })).token);
  expect((await save(t, attempt, 'q1', { choiceIds: ['a'] })).statusCode).toBe(200);
  expect((await save(t, attempt, 'q3', { text: 'It will replace the resource' })).statusCode).toBe(200);
  return attempt;
}

const scoredLines = (attemptId: string) =>
  t.logs.lines.filter((line) => line.event === 'assessment_attempt_scored' && line.attemptId === attemptId);

describe('expiry job vs late submit', () => {
  it('scores once through the app: the scheduled job and two late submits race', async () => {
    const attempt = await expiredAttempt();
    t.clock.advance(5 * 60_000 + 1);
    const [first, second] = await Promise.all([
      submit(t, attempt),
      submit(t, attempt),
      t.jobs.send(ATTEMPT_EXPIRY_QUEUE, {}),
    ]);
    expect(first?.json().result).toEqual(second?.json().result);
    expect(first?.json().result).toMatchObject({ score: 4, maxScore: 8, percent: 50 });
    await vi.waitFor(async () => expect(await t.jobs.queueSize(ATTEMPT_EXPIRY_QUEUE)).toBe(0), {
      timeout: 15_000,
      interval: 100,
    });
    // Graded once: one "scored" line (the grade rows are upserted, so their count could not tell).
    expect(scoredLines(attempt.id)).toHaveLength(1);
  });

  it('the expiry job scores an attempt nobody submitted', async () => {
    const attempt = await expiredAttempt();
    t.clock.advance(5 * 60_000 + 1);
    await t.jobs.send(ATTEMPT_EXPIRY_QUEUE, {});
    await vi.waitFor(
      async () => {
        const { rows } = await t.db.executeSql(
          'select status, ended_by from hiring_assessment_attempts where id = $1',
          [attempt.id],
        );
        expect(rows[0]).toEqual({ status: 'scored', ended_by: 'deadline' });
      },
      { timeout: 15_000, interval: 100 },
    );
    expect((await submit(t, attempt)).json().result).toMatchObject({ score: 4, percent: 50 });
  });

  it('grades every question exactly once when sweeps and submits race on many attempts', async () => {
    let calls = 0;
    const inner = buildAssessmentAi(null);
    const counting: AssessmentAi = {
      textGrader: inner.textGrader,
      generate: (input) => inner.generate(input),
      async grade(question, answer) {
        calls += 1;
        return inner.grade(question, answer);
      },
    };
    const scoredIds: string[] = [];
    const logger = {
      info(line: { event?: string; attemptId?: string }) {
        if (line.event === 'assessment_attempt_scored' && line.attemptId) scoredIds.push(line.attemptId);
      },
      warn() {},
      error() {},
    };
    const dependencies = { db: t.db, clock: t.clock, logger } as never;
    const scorers = [0, 1].map(() =>
      createScoring({
        dependencies,
        ai: counting,
        invitationTokens: createInvitationTokens({ db: t.db, clock: t.clock } as never),
      }),
    );
    const attempts = createAttemptRepository(hiringDb(t.db));
    const made = [];
    for (let index = 0; index < 4; index++) made.push(await expiredAttempt());
    t.clock.advance(5 * 60_000 + 1);
    const rows = await Promise.all(made.map(async (attempt) => attempts.find(attempt.id)));
    const outcomes = await Promise.all([
      scorers[0]?.sweep(),
      scorers[1]?.sweep(),
      ...rows.map((row) => scorers[row === rows[0] ? 0 : 1]?.end(row as never)),
    ]);
    const ended = outcomes.slice(2) as Array<{ status: string; percent: number }>;
    for (const row of ended) expect(row).toMatchObject({ status: 'scored', percent: 50 });
    // 4 attempts x 3 questions, each graded exactly once in all, and each attempt scored once.
    expect(calls).toBe(12);
    expect(scoredIds.sort()).toEqual(made.map((attempt) => attempt.id).sort());
  });
});
