// Owns the SQL of an organisation's stage list: listing it with how many live applications sit in
// each stage, and replacing it under an update lock on every stage of the organisation, so a stage
// cannot be archived under an application arriving in it (arrivals hold a key-share lock on their
// stage, see repository.ts). Withdrawn applications are frozen where they were: they neither count
// in a stage nor keep it from being removed. Returns plain rows.
import { sql } from 'kysely';
import type { StageOutcome } from '../../db.js';
import type { ApplicationsDb, Executor, StageRow, Trx } from './repository.js';

export function createStageRepository(db: ApplicationsDb) {
  return {
    /** Active stages in order, with how many live (not withdrawn) applications sit in each. */
    listStages(organisationId: string, executor: Executor = db) {
      return executor
        .selectFrom('hiring_pipeline_stages as s')
        .select(['s.id', 's.key', 's.name', 's.outcome', 's.position'])
        .select(
          sql<number>`(select count(*)::int from hiring_applications a where a.stage_id = s.id and a.withdrawn_at is null)`.as(
            'applications',
          ),
        )
        .where('s.organisation_id', '=', organisationId)
        .where('s.archived_at', 'is', null)
        .orderBy('s.position')
        .orderBy('s.key')
        .execute();
    },

    /** Every stage of the organisation, archived ones too, locked against concurrent entries. */
    lockStages(trx: Trx, organisationId: string): Promise<StageRow[]> {
      return trx
        .selectFrom('hiring_pipeline_stages')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .forUpdate()
        .execute();
    },

    async occupiedStageIds(trx: Trx, stageIds: string[]): Promise<Set<string>> {
      if (stageIds.length === 0) return new Set();
      const rows = await trx
        .selectFrom('hiring_applications')
        .select('stage_id')
        .distinct()
        .where('stage_id', 'in', stageIds)
        .where('withdrawn_at', 'is', null)
        .execute();
      return new Set(rows.map((row) => row.stage_id));
    },

    async updateStage(
      trx: Trx,
      id: string,
      values: { name: string; outcome: StageOutcome; position: number; archivedAt: Date | null },
    ): Promise<void> {
      await trx
        .updateTable('hiring_pipeline_stages')
        .set({
          name: values.name,
          outcome: values.outcome,
          position: values.position,
          archived_at: values.archivedAt,
        })
        .where('id', '=', id)
        .execute();
    },

    async insertStage(
      trx: Trx,
      values: { organisationId: string; key: string; name: string; outcome: StageOutcome; position: number },
    ): Promise<void> {
      await trx
        .insertInto('hiring_pipeline_stages')
        .values({
          organisation_id: values.organisationId,
          key: values.key,
          name: values.name,
          outcome: values.outcome,
          position: values.position,
        })
        .execute();
    },
  };
}

export type StageRepository = ReturnType<typeof createStageRepository>;
