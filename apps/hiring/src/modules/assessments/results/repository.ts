// Owns the SQL of the employer's results: attempts of one of the organisation's assessments, one
// attempt with its answers and grades, and an override (the grade, its history row and the attempt's
// recomputed totals, under an update lock on the attempt). Returns plain rows.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { HiringSchema } from '../../../db.js';
import type { AssessmentTables, AttemptStatus } from '../tables.js';

export type OverrideRow = Selectable<AssessmentTables['hiring_assessment_grade_overrides']>;
type Trx = Transaction<HiringSchema>;

export function createResultsRepository(db: Kysely<HiringSchema>) {
  return {
    list(
      organisationId: string,
      assessmentId: string,
      filters: { status?: AttemptStatus; passed?: boolean },
    ) {
      let query = db
        .selectFrom('hiring_assessment_attempts')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('assessment_id', '=', assessmentId);
      if (filters.status) query = query.where('status', '=', filters.status);
      if (filters.passed !== undefined) query = query.where('passed', '=', filters.passed);
      return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(500).execute();
    },

    find(
      organisationId: string,
      assessmentId: string,
      attemptId: string,
      executor: Kysely<HiringSchema> | Trx = db,
    ) {
      return executor
        .selectFrom('hiring_assessment_attempts')
        .selectAll()
        .where('id', '=', attemptId)
        .where('organisation_id', '=', organisationId)
        .where('assessment_id', '=', assessmentId)
        .executeTakeFirst();
    },

    lock(trx: Trx, organisationId: string, assessmentId: string, attemptId: string) {
      return trx
        .selectFrom('hiring_assessment_attempts')
        .selectAll()
        .where('id', '=', attemptId)
        .where('organisation_id', '=', organisationId)
        .where('assessment_id', '=', assessmentId)
        .forUpdate()
        .executeTakeFirst();
    },

    overrides(attemptId: string): Promise<OverrideRow[]> {
      return db
        .selectFrom('hiring_assessment_grade_overrides')
        .selectAll()
        .where('attempt_id', '=', attemptId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },

    setGrade(
      trx: Trx,
      attemptId: string,
      questionId: string,
      values: { score: number; note: string; actorId: string; at: Date },
    ) {
      return trx
        .updateTable('hiring_assessment_grades')
        .set({
          score: values.score,
          override_note: values.note,
          overridden_by: values.actorId,
          overridden_at: values.at,
        })
        .where('attempt_id', '=', attemptId)
        .where('question_id', '=', questionId)
        .returningAll()
        .executeTakeFirst();
    },

    async insertOverride(
      trx: Trx,
      values: {
        attemptId: string;
        questionId: string;
        previous: number;
        score: number;
        note: string;
        actorId: string;
        at: Date;
      },
    ): Promise<void> {
      await trx
        .insertInto('hiring_assessment_grade_overrides')
        .values({
          attempt_id: values.attemptId,
          question_id: values.questionId,
          previous_score: values.previous,
          score: values.score,
          note: values.note,
          actor_id: values.actorId,
          created_at: values.at,
        })
        .execute();
    },

    async setTotals(
      trx: Trx,
      attemptId: string,
      totals: { score: number; maxScore: number; percent: number; passed: boolean; sectionScores: string },
    ): Promise<void> {
      await trx
        .updateTable('hiring_assessment_attempts')
        .set({
          score: totals.score,
          max_score: totals.maxScore,
          percent: totals.percent,
          passed: totals.passed,
          section_scores: totals.sectionScores,
        })
        .where('id', '=', attemptId)
        .where('status', '=', 'scored')
        .execute();
    },
  };
}
