// Owns an organisation's stage list: members read it, owners replace it. Stages left out of a new
// list are archived (their history stays readable); one with live applications in it cannot be
// removed or change its outcome. Part of the application service (spread into it).
import { type Clock, type Database, withTransaction } from '@app/platform';
import type { OrganisationService } from '../organisations/service.js';
import { invalidInput, stageInUse } from './errors.js';
import type { ApplicationsDb, ApplicationsSchema } from './repository.js';
import type { PipelineStage, StageInput } from './schemas.js';
import { createStageRepository } from './stages-repository.js';

function checkStageList(stages: StageInput[]): void {
  const seen = new Set<string>();
  stages.forEach((stage, index) => {
    if (seen.has(stage.key)) {
      throw invalidInput(
        'stage_key_duplicate',
        `The stage key "${stage.key}" appears more than once.`,
        `/body/stages/${index}/key`,
        'is a duplicate',
      );
    }
    seen.add(stage.key);
  });
  const outcomes = new Set(stages.map((stage) => stage.outcome));
  if (!outcomes.has('open') || !outcomes.has('hired') || !outcomes.has('rejected')) {
    throw invalidInput(
      'stages_incomplete',
      'A pipeline needs at least one open, one hired and one rejected stage.',
      '/body/stages',
      'needs an open, a hired and a rejected stage',
    );
  }
}

export function createStageOperations(
  kysely: ApplicationsDb,
  transactional: Database<ApplicationsSchema>,
  clock: Clock,
  organisations: Pick<OrganisationService, 'requireRight'>,
) {
  const repository = createStageRepository(kysely);

  return {
    async listStages(userId: string, organisationId: string): Promise<PipelineStage[]> {
      await organisations.requireRight(userId, organisationId, 'read');
      return (await repository.listStages(organisationId)).map(({ id: _id, ...stage }) => stage);
    },

    /** Replaces the ordered stage list (owners). */
    async replaceStages(
      userId: string,
      organisationId: string,
      stages: StageInput[],
    ): Promise<PipelineStage[]> {
      await organisations.requireRight(userId, organisationId, 'manage');
      checkStageList(stages);
      const now = clock.now();
      const rows = await withTransaction(transactional, async (trx) => {
        const existing = await repository.lockStages(trx, organisationId);
        const byKey = new Map(existing.map((stage) => [stage.key, stage]));
        const wanted = new Map(stages.map((stage) => [stage.key, stage]));
        const leaving = existing.filter((stage) => {
          if (stage.archived_at !== null) return false;
          const next = wanted.get(stage.key);
          return next === undefined || next.outcome !== stage.outcome;
        });
        const occupied = await repository.occupiedStageIds(
          trx,
          leaving.map((stage) => stage.id),
        );
        if (occupied.size > 0) {
          throw stageInUse(leaving.filter((stage) => occupied.has(stage.id)).map((stage) => stage.key));
        }
        for (const [position, stage] of stages.entries()) {
          const found = byKey.get(stage.key);
          const values = { name: stage.name.trim(), outcome: stage.outcome, position };
          if (found) await repository.updateStage(trx, found.id, { ...values, archivedAt: null });
          else await repository.insertStage(trx, { ...values, organisationId, key: stage.key });
        }
        for (const stage of existing) {
          if (stage.archived_at === null && !wanted.has(stage.key)) {
            await repository.updateStage(trx, stage.id, { ...stage, archivedAt: now });
          }
        }
        return repository.listStages(organisationId, trx);
      });
      return rows.map(({ id: _id, ...stage }) => stage);
    },
  };
}
