// Owns the SQL of assessment templates and their versions. Returns plain rows. A template is changed
// only while holding an update lock on its row, so concurrent edits and publishes of one template
// are serialised; a published version is never updated (a trigger refuses it too).
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { HiringSchema } from '../../../db.js';
import type { AssessmentTables } from '../tables.js';

export type AssessmentRow = Selectable<AssessmentTables['hiring_assessments']>;
export type VersionRow = Selectable<AssessmentTables['hiring_assessment_versions']>;
export type VersionInsert = Insertable<AssessmentTables['hiring_assessment_versions']>;
export type VersionChanges = Updateable<AssessmentTables['hiring_assessment_versions']>;
export type Executor = Kysely<HiringSchema> | Transaction<HiringSchema>;

export function createTemplateRepository(db: Kysely<HiringSchema>) {
  return {
    find(organisationId: string, id: string, executor: Executor = db): Promise<AssessmentRow | undefined> {
      return executor
        .selectFrom('hiring_assessments')
        .selectAll()
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst();
    },

    lock(trx: Transaction<HiringSchema>, organisationId: string, id: string) {
      return trx
        .selectFrom('hiring_assessments')
        .selectAll()
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .forUpdate()
        .executeTakeFirst();
    },

    version(assessmentId: string, version: number, executor: Executor = db): Promise<VersionRow | undefined> {
      return executor
        .selectFrom('hiring_assessment_versions')
        .selectAll()
        .where('assessment_id', '=', assessmentId)
        .where('version', '=', version)
        .executeTakeFirst();
    },

    /** Each template of the organisation with its newest version, newest template first. */
    list(organisationId: string, filters: { status?: string; jobId?: string }) {
      let query = db
        .selectFrom('hiring_assessments as a')
        .innerJoin('hiring_assessment_versions as v', (join) =>
          join.onRef('v.assessment_id', '=', 'a.id').onRef('v.version', '=', 'a.latest_version'),
        )
        .selectAll('v')
        .select([
          'a.id',
          'a.organisation_id',
          'a.job_id',
          'a.status',
          'a.latest_version',
          'a.published_version',
          'a.archived_at',
          'a.created_at as assessment_created_at',
          'a.updated_at as assessment_updated_at',
        ])
        .where('a.organisation_id', '=', organisationId);
      if (filters.status) query = query.where('a.status', '=', filters.status as AssessmentRow['status']);
      if (filters.jobId) query = query.where('a.job_id', '=', filters.jobId);
      return query.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(500).execute();
    },

    async insertAssessment(
      trx: Transaction<HiringSchema>,
      values: { organisationId: string; jobId: string | null; createdBy: string; at: Date },
    ): Promise<AssessmentRow> {
      return trx
        .insertInto('hiring_assessments')
        .values({
          organisation_id: values.organisationId,
          job_id: values.jobId,
          status: 'draft',
          latest_version: 1,
          published_version: null,
          created_by: values.createdBy,
          created_at: values.at,
          updated_at: values.at,
          archived_at: null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    insertVersion(trx: Transaction<HiringSchema>, values: VersionInsert): Promise<VersionRow> {
      return trx
        .insertInto('hiring_assessment_versions')
        .values(values)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Changes a draft version; a published one is never matched. */
    updateDraftVersion(
      trx: Transaction<HiringSchema>,
      assessmentId: string,
      version: number,
      changes: VersionChanges,
    ): Promise<VersionRow | undefined> {
      return trx
        .updateTable('hiring_assessment_versions')
        .set(changes)
        .where('assessment_id', '=', assessmentId)
        .where('version', '=', version)
        .where('published_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
    },

    updateAssessment(
      trx: Transaction<HiringSchema>,
      id: string,
      changes: Updateable<AssessmentTables['hiring_assessments']>,
    ): Promise<AssessmentRow> {
      return trx
        .updateTable('hiring_assessments')
        .set(changes)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}

export type TemplateRepository = ReturnType<typeof createTemplateRepository>;
