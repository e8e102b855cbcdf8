// Owns the SQL of job actions and the application pipeline: saved and dismissed jobs, applications
// with their stage history and notes (the stage list itself is stages-repository.ts). Returns plain
// rows. Locking is explicit where two writers could race: an application enters or moves into a
// stage only while holding a key-share lock on that stage row (replacing the list takes an update
// lock on every stage), and a move or a withdrawal holds an update lock on the application row.
// Never reads hiring_jobs: what it needs of a job comes from the jobs service.
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { HiringSchema, HiringTables, StageOutcome } from '../../db.js';

/** hiring_pipeline_stages as migration 0005 leaves it (an archived stage keeps its history). */
type StagesTable = HiringTables['hiring_pipeline_stages'] & { archived_at: Date | null };
export type ApplicationsSchema = Omit<HiringSchema, 'hiring_pipeline_stages'> & {
  hiring_pipeline_stages: StagesTable;
};
export type ApplicationsDb = Kysely<ApplicationsSchema>;
export type Trx = Transaction<ApplicationsSchema>;
export type Executor = ApplicationsDb | Trx;

export type StageRow = Selectable<StagesTable>;
export type ApplicationRow = Selectable<HiringTables['hiring_applications']> & {
  stage_key: string;
  stage_name: string;
  stage_outcome: StageOutcome;
};
export type ApplicationSummaryRow = ApplicationRow & {
  average_rating: number | null;
  ratings_count: number;
  notes_count: number;
  /** The application's latest scored assessment attempt (assessments/), if any. */
  assessment_attempt_id: string | null;
  assessment_id: string | null;
  assessment_percent: number | null;
  assessment_passed: boolean | null;
  assessment_scored_at: Date | null;
};
export type HistoryRow = Selectable<HiringTables['hiring_application_stage_history']> & {
  stage_key: string;
  stage_name: string;
  stage_outcome: StageOutcome;
};
export type NoteRow = Selectable<HiringTables['hiring_application_notes']>;

/** A keyset position: the row's timestamp and id, newest first. */
export interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.at.toISOString(), cursor.id])).toString('base64url');
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Undefined when the text is not a cursor this API issued. */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, id] = value;
    // Exactly what encodeCursor writes (four-digit years), so no date PostgreSQL rejects gets through.
    if (typeof at !== 'string' || !ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at))) return undefined;
    if (
      typeof id !== 'string' ||
      !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)
    ) {
      return undefined;
    }
    return { at: new Date(at), id };
  } catch {
    return undefined;
  }
}

// avg() of smallint is numeric, which the driver hands over as text; float8 arrives as a number.
const ratingAggregates = (applicationId: ReturnType<typeof sql.ref>) => ({
  average: sql<
    number | null
  >`(select avg(n.rating)::float8 from hiring_application_notes n where n.application_id = ${applicationId})`,
  ratings: sql<number>`(select count(n.rating)::int from hiring_application_notes n where n.application_id = ${applicationId})`,
  notes: sql<number>`(select count(*)::int from hiring_application_notes n where n.application_id = ${applicationId})`,
});

export function createApplicationRepository(db: ApplicationsDb) {
  function applications(executor: Executor = db) {
    return executor
      .selectFrom('hiring_applications as a')
      .innerJoin('hiring_pipeline_stages as s', 's.id', 'a.stage_id')
      .selectAll('a')
      .select(['s.key as stage_key', 's.name as stage_name', 's.outcome as stage_outcome']);
  }

  return {
    // ---- candidate actions -------------------------------------------------------------------

    async candidateState(
      candidateId: string,
      jobId: string,
    ): Promise<{ saved: boolean; dismissed: boolean }> {
      const row = await db
        .selectNoFrom((eb) => [
          eb
            .exists(
              eb
                .selectFrom('hiring_saved_jobs')
                .select('job_id')
                .where('candidate_id', '=', candidateId)
                .where('job_id', '=', jobId),
            )
            .as('saved'),
          eb
            .exists(
              eb
                .selectFrom('hiring_dismissed_jobs')
                .select('job_id')
                .where('candidate_id', '=', candidateId)
                .where('job_id', '=', jobId),
            )
            .as('dismissed'),
        ])
        .executeTakeFirstOrThrow();
      return { saved: Boolean(row.saved), dismissed: Boolean(row.dismissed) };
    },

    async markSaved(trx: Trx, candidateId: string, jobId: string, at: Date): Promise<void> {
      await trx
        .insertInto('hiring_saved_jobs')
        .values({ candidate_id: candidateId, job_id: jobId, saved_at: at })
        .onConflict((conflict) => conflict.columns(['candidate_id', 'job_id']).doNothing())
        .execute();
    },

    async markDismissed(trx: Trx, candidateId: string, jobId: string, at: Date): Promise<void> {
      await trx
        .insertInto('hiring_dismissed_jobs')
        .values({ candidate_id: candidateId, job_id: jobId, dismissed_at: at })
        .onConflict((conflict) => conflict.columns(['candidate_id', 'job_id']).doNothing())
        .execute();
    },

    async clearSaved(executor: Executor, candidateId: string, jobId: string): Promise<void> {
      await executor
        .deleteFrom('hiring_saved_jobs')
        .where('candidate_id', '=', candidateId)
        .where('job_id', '=', jobId)
        .execute();
    },

    async clearDismissed(executor: Executor, candidateId: string, jobId: string): Promise<void> {
      await executor
        .deleteFrom('hiring_dismissed_jobs')
        .where('candidate_id', '=', candidateId)
        .where('job_id', '=', jobId)
        .execute();
    },

    listSaved(candidateId: string, after: Cursor | undefined, take: number) {
      let query = db
        .selectFrom('hiring_saved_jobs')
        .select(['job_id', 'saved_at'])
        .where('candidate_id', '=', candidateId);
      if (after) {
        query = query.where((eb) => eb(eb.refTuple('saved_at', 'job_id'), '<', eb.tuple(after.at, after.id)));
      }
      return query.orderBy('saved_at', 'desc').orderBy('job_id', 'desc').limit(take).execute();
    },

    // ---- applications --------------------------------------------------------------------------

    findApplication(id: string, executor: Executor = db): Promise<ApplicationRow | undefined> {
      return applications(executor).where('a.id', '=', id).executeTakeFirst();
    },

    findApplicationFor(candidateId: string, jobId: string, executor: Executor = db) {
      return applications(executor)
        .where('a.candidate_id', '=', candidateId)
        .where('a.job_id', '=', jobId)
        .executeTakeFirst();
    },

    /** The stage new applications enter, held with a key-share lock until the transaction ends. */
    entryStage(trx: Trx, organisationId: string): Promise<StageRow | undefined> {
      return trx
        .selectFrom('hiring_pipeline_stages')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('outcome', '=', 'open')
        .where('archived_at', 'is', null)
        .orderBy('position')
        .limit(1)
        .forKeyShare()
        .executeTakeFirst();
    },

    /** An active stage by key, held with a key-share lock until the transaction ends. */
    activeStage(trx: Trx, organisationId: string, key: string): Promise<StageRow | undefined> {
      return trx
        .selectFrom('hiring_pipeline_stages')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('key', '=', key)
        .where('archived_at', 'is', null)
        .forKeyShare()
        .executeTakeFirst();
    },

    /** Inserts unless the candidate already applied to the job; the unique constraint decides. */
    async insertApplication(
      trx: Trx,
      values: {
        jobId: string;
        candidateId: string;
        organisationId: string;
        coverNote: string | null;
        applicantEmail: string;
        stageId: string;
        at: Date;
      },
    ): Promise<string | undefined> {
      const row = await trx
        .insertInto('hiring_applications')
        .values({
          job_id: values.jobId,
          candidate_id: values.candidateId,
          organisation_id: values.organisationId,
          cover_note: values.coverNote,
          applicant_email: values.applicantEmail,
          stage_id: values.stageId,
          stage_entered_at: values.at,
          created_at: values.at,
        })
        .onConflict((conflict) => conflict.columns(['job_id', 'candidate_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return row?.id;
    },

    async recordMove(
      trx: Trx,
      move: {
        applicationId: string;
        fromStageId: string | null;
        toStageId: string;
        by: string;
        reason: string | null;
        at: Date;
      },
    ): Promise<void> {
      await trx
        .insertInto('hiring_application_stage_history')
        .values({
          application_id: move.applicationId,
          from_stage_id: move.fromStageId,
          to_stage_id: move.toStageId,
          moved_by: move.by,
          reason: move.reason,
          moved_at: move.at,
        })
        .execute();
    },

    lockApplication(trx: Trx, id: string) {
      return trx
        .selectFrom('hiring_applications')
        .select(['stage_id', 'withdrawn_at', 'applicant_email'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
    },

    stageOutcome(trx: Trx, stageId: string): Promise<{ outcome: StageOutcome } | undefined> {
      return trx
        .selectFrom('hiring_pipeline_stages')
        .select('outcome')
        .where('id', '=', stageId)
        .executeTakeFirst();
    },

    async markWithdrawn(trx: Trx, id: string, at: Date): Promise<void> {
      await trx.updateTable('hiring_applications').set({ withdrawn_at: at }).where('id', '=', id).execute();
    },

    /** The organisation's live (not withdrawn) applications, newest first: who applied, and how. */
    liveApplicationsOf(organisationId: string) {
      return db
        .selectFrom('hiring_applications')
        .select(['id', 'job_id', 'candidate_id', 'applicant_email'])
        .where('organisation_id', '=', organisationId)
        .where('withdrawn_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
    },

    async setStage(
      trx: Trx,
      id: string,
      stageId: string,
      at: Date,
      rejectionReason: string | null,
    ): Promise<void> {
      await trx
        .updateTable('hiring_applications')
        .set({ stage_id: stageId, stage_entered_at: at, rejection_reason: rejectionReason })
        .where('id', '=', id)
        .execute();
    },

    listForCandidate(
      candidateId: string,
      after: Cursor | undefined,
      take: number,
    ): Promise<ApplicationRow[]> {
      let query = applications().where('a.candidate_id', '=', candidateId);
      if (after) {
        query = query.where((eb) =>
          eb(eb.refTuple('a.created_at', 'a.id'), '<', eb.tuple(after.at, after.id)),
        );
      }
      return query.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(take).execute();
    },

    listForJob(
      jobId: string,
      stageKey: string | undefined,
      after: Cursor | undefined,
      take: number,
    ): Promise<ApplicationSummaryRow[]> {
      const aggregates = ratingAggregates(sql.ref('a.id'));
      let query = applications()
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom('hiring_assessment_attempts as t')
              .select(['t.id', 't.assessment_id', 't.percent', 't.passed', 't.scored_at'])
              .whereRef('t.application_id', '=', 'a.id')
              .where('t.status', '=', 'scored')
              .orderBy('t.scored_at', 'desc')
              .orderBy('t.id', 'desc')
              .limit(1)
              .as('latest'),
          (join) => join.onTrue(),
        )
        .select([
          aggregates.average.as('average_rating'),
          aggregates.ratings.as('ratings_count'),
          aggregates.notes.as('notes_count'),
          'latest.id as assessment_attempt_id',
          'latest.assessment_id as assessment_id',
          'latest.percent as assessment_percent',
          'latest.passed as assessment_passed',
          'latest.scored_at as assessment_scored_at',
        ])
        .where('a.job_id', '=', jobId);
      if (stageKey !== undefined) query = query.where('s.key', '=', stageKey);
      if (after) {
        query = query.where((eb) =>
          eb(eb.refTuple('a.created_at', 'a.id'), '<', eb.tuple(after.at, after.id)),
        );
      }
      return query.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(take).execute();
    },

    history(applicationId: string): Promise<HistoryRow[]> {
      return db
        .selectFrom('hiring_application_stage_history as h')
        .innerJoin('hiring_pipeline_stages as s', 's.id', 'h.to_stage_id')
        .selectAll('h')
        .select(['s.key as stage_key', 's.name as stage_name', 's.outcome as stage_outcome'])
        .where('h.application_id', '=', applicationId)
        .orderBy('h.id')
        .execute();
    },

    // ---- notes -----------------------------------------------------------------------------------

    notes(applicationId: string): Promise<NoteRow[]> {
      return db
        .selectFrom('hiring_application_notes')
        .selectAll()
        .where('application_id', '=', applicationId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },

    insertNote(values: {
      applicationId: string;
      authorId: string;
      body: string;
      rating: number | null;
      at: Date;
    }) {
      return db
        .insertInto('hiring_application_notes')
        .values({
          application_id: values.applicationId,
          author_id: values.authorId,
          body: values.body,
          rating: values.rating,
          created_at: values.at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}

export type ApplicationRepository = ReturnType<typeof createApplicationRepository>;
