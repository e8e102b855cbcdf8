// Owns the SQL of attempts, saved answers and grades. Returns plain rows. The state machine moves
// only by conditional updates: in_progress -> scoring (claim: exactly one caller gets the row back),
// scoring -> scored (only by the holder of the claim). A save holds a share lock on the attempt row
// while it checks the state and writes, so a claim waits for a running save and the grader then
// reads every answer saved before the attempt ended.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { HiringSchema } from '../../../db.js';
import type { AssessmentTables, AttemptEndedBy } from '../tables.js';
import type { Answer } from '../types.js';

export type AttemptRow = Selectable<AssessmentTables['hiring_assessment_attempts']>;
export type AnswerRow = Selectable<AssessmentTables['hiring_assessment_answers']>;
export type GradeRow = Selectable<AssessmentTables['hiring_assessment_grades']>;
type Trx = Transaction<HiringSchema>;
type Executor = Kysely<HiringSchema> | Trx;

export function createAttemptRepository(db: Kysely<HiringSchema>) {
  return {
    find(id: string, executor: Executor = db): Promise<AttemptRow | undefined> {
      return executor
        .selectFrom('hiring_assessment_attempts')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
    },

    lockShared(trx: Trx, id: string) {
      return trx
        .selectFrom('hiring_assessment_attempts')
        .select(['status', 'deadline_at'])
        .where('id', '=', id)
        .forShare()
        .executeTakeFirst();
    },

    insert(
      trx: Trx,
      values: Omit<
        AssessmentTables['hiring_assessment_attempts'],
        | 'id'
        | 'submitted_at'
        | 'ended_by'
        | 'scoring_claim'
        | 'scoring_started_at'
        | 'scored_at'
        | 'score'
        | 'max_score'
        | 'percent'
        | 'passed'
        | 'time_taken_seconds'
        | 'section_scores'
        | 'status'
      >,
    ): Promise<AttemptRow> {
      return trx
        .insertInto('hiring_assessment_attempts')
        .values({ ...values, status: 'in_progress', section_scores: null })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async upsertAnswer(
      trx: Trx,
      attemptId: string,
      questionId: string,
      answer: Answer,
      at: Date,
    ): Promise<void> {
      await trx
        .insertInto('hiring_assessment_answers')
        .values({
          attempt_id: attemptId,
          question_id: questionId,
          answer: JSON.stringify(answer),
          saved_at: at,
        })
        .onConflict((conflict) =>
          conflict.columns(['attempt_id', 'question_id']).doUpdateSet((eb) => ({
            answer: eb.ref('excluded.answer'),
            saved_at: eb.ref('excluded.saved_at'),
          })),
        )
        .execute();
    },

    answers(attemptId: string, executor: Executor = db): Promise<AnswerRow[]> {
      return executor
        .selectFrom('hiring_assessment_answers')
        .selectAll()
        .where('attempt_id', '=', attemptId)
        .orderBy('question_id')
        .execute();
    },

    grades(attemptId: string, executor: Executor = db): Promise<GradeRow[]> {
      return executor
        .selectFrom('hiring_assessment_grades')
        .selectAll()
        .where('attempt_id', '=', attemptId)
        .orderBy('question_id')
        .execute();
    },

    /** The one conditional update that decides who scores: in_progress -> scoring. */
    claim(
      attemptId: string,
      claim: string,
      now: Date,
      endedBy: AttemptEndedBy,
    ): Promise<AttemptRow | undefined> {
      return db
        .updateTable('hiring_assessment_attempts')
        .set({
          status: 'scoring',
          scoring_claim: claim,
          scoring_started_at: now,
          submitted_at: now,
          ended_by: endedBy,
        })
        .where('id', '=', attemptId)
        .where('status', '=', 'in_progress')
        .returningAll()
        .executeTakeFirst();
    },

    /** Takes over a scoring that has been held too long (its grader died), by one conditional update. */
    reclaim(attemptId: string, previous: string, claim: string, now: Date): Promise<AttemptRow | undefined> {
      return db
        .updateTable('hiring_assessment_attempts')
        .set({ scoring_claim: claim, scoring_started_at: now })
        .where('id', '=', attemptId)
        .where('status', '=', 'scoring')
        .where('scoring_claim', '=', previous)
        .returningAll()
        .executeTakeFirst();
    },

    /** A live grader's heartbeat: refreshes scoring_started_at only while the claim is still held. */
    async refreshClaim(attemptId: string, claim: string, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('hiring_assessment_attempts')
        .set({ scoring_started_at: now })
        .where('id', '=', attemptId)
        .where('status', '=', 'scoring')
        .where('scoring_claim', '=', claim)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    dueIds(now: Date, limit: number): Promise<{ id: string }[]> {
      return db
        .selectFrom('hiring_assessment_attempts')
        .select('id')
        .where('status', '=', 'in_progress')
        .where('deadline_at', '<=', now)
        .orderBy('deadline_at')
        .limit(limit)
        .execute();
    },

    stuck(before: Date, limit: number) {
      return db
        .selectFrom('hiring_assessment_attempts')
        .select(['id', 'scoring_claim'])
        .where('status', '=', 'scoring')
        .where('scoring_started_at', '<', before)
        .orderBy('scoring_started_at')
        .limit(limit)
        .execute();
    },

    async writeGrades(
      trx: Trx,
      rows: Array<Omit<GradeRow, 'override_note' | 'overridden_by' | 'overridden_at'>>,
    ): Promise<void> {
      if (rows.length === 0) return;
      await trx
        .insertInto('hiring_assessment_grades')
        .values(
          rows.map((row) => ({ ...row, override_note: null, overridden_by: null, overridden_at: null })),
        )
        .onConflict((conflict) =>
          conflict.columns(['attempt_id', 'question_id']).doUpdateSet((eb) => ({
            score: eb.ref('excluded.score'),
            max_score: eb.ref('excluded.max_score'),
            graded_score: eb.ref('excluded.graded_score'),
            grader: eb.ref('excluded.grader'),
            rationale: eb.ref('excluded.rationale'),
            graded_at: eb.ref('excluded.graded_at'),
          })),
        )
        .execute();
    },

    /** scoring -> scored, only for the holder of the claim. */
    finish(
      trx: Trx,
      attemptId: string,
      claim: string,
      values: {
        scoredAt: Date;
        score: number;
        maxScore: number;
        percent: number;
        passed: boolean;
        timeTakenSeconds: number;
        sectionScores: string;
      },
    ): Promise<AttemptRow | undefined> {
      return trx
        .updateTable('hiring_assessment_attempts')
        .set({
          status: 'scored',
          scored_at: values.scoredAt,
          score: values.score,
          max_score: values.maxScore,
          percent: values.percent,
          passed: values.passed,
          time_taken_seconds: values.timeTakenSeconds,
          section_scores: values.sectionScores,
        })
        .where('id', '=', attemptId)
        .where('status', '=', 'scoring')
        .where('scoring_claim', '=', claim)
        .returningAll()
        .executeTakeFirst();
    },

    /** A signed-in candidate's own attempts, newest first, with the assessment's title. */
    listForCandidate(userId: string) {
      return db
        .selectFrom('hiring_assessment_attempts as t')
        .innerJoin('hiring_assessment_versions as v', (join) =>
          join.onRef('v.assessment_id', '=', 't.assessment_id').onRef('v.version', '=', 't.version'),
        )
        .selectAll('t')
        .select(['v.title', 'v.time_limit_minutes'])
        .where('t.candidate_user_id', '=', userId)
        .orderBy('t.started_at', 'desc')
        .orderBy('t.id', 'desc')
        .limit(200)
        .execute();
    },
  };
}

export type AttemptRepository = ReturnType<typeof createAttemptRepository>;
