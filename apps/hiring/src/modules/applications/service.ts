// Owns what candidates do with jobs (save, dismiss, apply) and the employer's application pipeline
// (stage lists, moves with history, notes and ratings). Every method authorises first: a candidate
// acts only for themself; an employer only inside an organisation they belong to, where anything
// outside it is "not found". Repeated actions give the same result: apply relies on the
// (job, candidate) unique constraint, never on a read-then-write check. Knows jobs only through
// `jobs.lookup`; never reads their table.
import { AppError, type Clock, type Database, withTransaction } from '@app/platform';
import { hiringDb } from '../../db.js';
import type { OrganisationRight, OrganisationService } from '../organisations/service.js';
import {
  applicationNotFound,
  cursorInvalid,
  invalidInput,
  jobExternal,
  jobNotFound,
  jobNotOpen,
  stageInUse,
} from './errors.js';
import { type Audience, page, toDetail, toMyApplication, toNote, toSummary } from './presenters.js';
import {
  type ApplicationRow,
  type ApplicationsDb,
  type ApplicationsSchema,
  createApplicationRepository,
  decodeCursor,
  type Trx,
} from './repository.js';
import type {
  ApplicationDetail,
  JobAction,
  JobActionResult,
  JobApplicationsQuery,
  Note,
  PageQuery,
  PipelineStage,
  StageInput,
} from './schemas.js';

/** What this module needs to know of a job; the jobs service provides it. */
export interface JobDirectory {
  lookup(jobId: string): Promise<{
    id: string;
    organisationId: string | null;
    status: 'draft' | 'published' | 'closed';
  } | null>;
}

export interface ApplicationServiceDependencies {
  db: Database;
  clock: Clock;
  organisations: Pick<OrganisationService, 'requireRight'>;
  jobs: JobDirectory;
}

const DEFAULT_PAGE = 20;

function cursorOf(text: string | undefined) {
  if (text === undefined) return undefined;
  const cursor = decodeCursor(text);
  if (!cursor) throw cursorInvalid();
  return cursor;
}

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

export function createApplicationService({ db, clock, organisations, jobs }: ApplicationServiceDependencies) {
  const kysely = hiringDb(db) as unknown as ApplicationsDb;
  const transactional = db as unknown as Database<ApplicationsSchema>;
  const repository = createApplicationRepository(kysely);

  /** Membership with a right; a non-member gets the resource's own 404, never the organisation's. */
  async function requireMember(
    userId: string,
    organisationId: string,
    right: OrganisationRight,
    hidden: () => AppError,
  ): Promise<void> {
    try {
      await organisations.requireRight(userId, organisationId, right);
    } catch (error) {
      if (error instanceof AppError && error.kind === 'not_found') throw hidden();
      throw error;
    }
  }

  async function stateOf(candidateId: string, jobId: string): Promise<JobActionResult> {
    const [state, application] = await Promise.all([
      repository.candidateState(candidateId, jobId),
      repository.findApplicationFor(candidateId, jobId),
    ]);
    return { jobId, ...state, application: application ? toMyApplication(application) : null };
  }

  /** Inserts the application in the first open stage with its first history row; false if it existed. */
  async function insertApplication(
    candidateId: string,
    jobId: string,
    organisationId: string,
    coverNote: string | null,
  ): Promise<boolean> {
    const now = clock.now();
    return withTransaction(transactional, async (trx) => {
      const stage = await repository.entryStage(trx, organisationId);
      if (!stage) {
        // Only while the organisation's stage list is being replaced under us; retrying helps.
        throw new AppError({
          kind: 'unavailable',
          code: 'pipeline_changing',
          detail: 'The pipeline is being changed; try again.',
          retryAfterSeconds: 1,
        });
      }
      const id = await repository.insertApplication(trx, {
        jobId,
        candidateId,
        organisationId,
        coverNote,
        stageId: stage.id,
        at: now,
      });
      await repository.clearDismissed(trx, candidateId, jobId);
      if (id === undefined) return false;
      await repository.recordMove(trx, {
        applicationId: id,
        fromStageId: null,
        toStageId: stage.id,
        by: candidateId,
        reason: null,
        at: now,
      });
      return true;
    });
  }

  async function detailFor(row: ApplicationRow, audience: Audience): Promise<ApplicationDetail> {
    const [history, notes] = await Promise.all([
      repository.history(row.id),
      audience === 'employer' ? repository.notes(row.id) : Promise.resolve([]),
    ]);
    return toDetail(row, history, notes, clock.now(), audience);
  }

  /** The application for a member with the right; anyone outside its organisation gets 404. */
  async function applicationForMember(userId: string, applicationId: string, right: OrganisationRight) {
    const row = await repository.findApplication(applicationId);
    if (!row) throw applicationNotFound();
    await requireMember(userId, row.organisation_id, right, applicationNotFound);
    return row;
  }

  return {
    /** Applies one candidate action to a job; `created` is true only when this call applied. */
    async act(
      candidateId: string,
      { jobId, action, coverNote }: { jobId: string; action: JobAction; coverNote?: string | undefined },
    ): Promise<{ created: boolean; result: JobActionResult }> {
      if (coverNote !== undefined && action !== 'apply') {
        throw invalidInput(
          'cover_note_without_apply',
          'A cover note goes only with the apply action.',
          '/body/coverNote',
          'is accepted only with action "apply"',
        );
      }
      const job = await jobs.lookup(jobId);
      // Drafts are invisible outside their organisation, so to a candidate they do not exist.
      if (!job || job.status === 'draft') throw jobNotFound();
      let created = false;
      const now = clock.now();
      switch (action) {
        case 'save':
          if (job.status !== 'published') throw jobNotOpen();
          await withTransaction(transactional, async (trx: Trx) => {
            await repository.markSaved(trx, candidateId, jobId, now);
            await repository.clearDismissed(trx, candidateId, jobId);
          });
          break;
        case 'unsave':
          await repository.clearSaved(kysely, candidateId, jobId);
          break;
        case 'dismiss':
          await withTransaction(transactional, async (trx: Trx) => {
            await repository.markDismissed(trx, candidateId, jobId, now);
            await repository.clearSaved(trx, candidateId, jobId);
          });
          break;
        case 'undismiss':
          await repository.clearDismissed(kysely, candidateId, jobId);
          break;
        case 'apply': {
          // A retry after the job closed still answers with the application already made.
          if (await repository.findApplicationFor(candidateId, jobId)) break;
          if (job.status !== 'published') throw jobNotOpen();
          if (job.organisationId === null) throw jobExternal(jobId);
          const note = coverNote?.trim() ? coverNote : null;
          created = await insertApplication(candidateId, jobId, job.organisationId, note);
          break;
        }
      }
      return { created, result: await stateOf(candidateId, jobId) };
    },

    async listSavedJobs(candidateId: string, query: PageQuery) {
      const limit = query.limit ?? DEFAULT_PAGE;
      const rows = await repository.listSaved(candidateId, cursorOf(query.cursor), limit + 1);
      return page(
        rows,
        limit,
        (row) => ({ at: row.saved_at, id: row.job_id }),
        (row) => ({ jobId: row.job_id, savedAt: row.saved_at.toISOString() }),
      );
    },

    async listMyApplications(candidateId: string, query: PageQuery) {
      const limit = query.limit ?? DEFAULT_PAGE;
      const rows = await repository.listForCandidate(candidateId, cursorOf(query.cursor), limit + 1);
      return page(rows, limit, (row) => ({ at: row.created_at, id: row.id }), toMyApplication);
    },

    async listJobApplications(userId: string, jobId: string, query: JobApplicationsQuery) {
      const job = await jobs.lookup(jobId);
      if (!job || job.organisationId === null) throw jobNotFound();
      await requireMember(userId, job.organisationId, 'read', jobNotFound);
      const limit = query.limit ?? DEFAULT_PAGE;
      const rows = await repository.listForJob(jobId, query.stage, cursorOf(query.cursor), limit + 1);
      return page(rows, limit, (row) => ({ at: row.created_at, id: row.id }), toSummary);
    },

    /** The candidate sees their own application without notes; members of its organisation see all. */
    async getApplication(userId: string, applicationId: string): Promise<ApplicationDetail> {
      const row = await repository.findApplication(applicationId);
      if (!row) throw applicationNotFound();
      if (row.candidate_id === userId) return detailFor(row, 'candidate');
      await requireMember(userId, row.organisation_id, 'read', applicationNotFound);
      return detailFor(row, 'employer');
    },

    async moveToStage(
      userId: string,
      applicationId: string,
      stageKey: string,
      reason: string | undefined,
    ): Promise<ApplicationDetail> {
      const current = await applicationForMember(userId, applicationId, 'write');
      const now = clock.now();
      await withTransaction(transactional, async (trx) => {
        const locked = await repository.lockApplication(trx, applicationId);
        if (!locked) throw applicationNotFound();
        const target = await repository.activeStage(trx, current.organisation_id, stageKey);
        if (!target) {
          throw invalidInput(
            'stage_unknown',
            `The pipeline has no stage "${stageKey}".`,
            '/body/stageKey',
            'is not a stage of this pipeline',
          );
        }
        if (target.id === locked.stage_id) return;
        if (target.outcome === 'rejected' && reason === undefined) {
          throw invalidInput(
            'rejection_reason_required',
            'Moving an application to a rejected stage needs a reason.',
            '/body/reason',
            'is required for a rejected stage',
          );
        }
        await repository.setStage(
          trx,
          applicationId,
          target.id,
          now,
          target.outcome === 'rejected' ? (reason ?? null) : null,
        );
        await repository.recordMove(trx, {
          applicationId,
          fromStageId: locked.stage_id,
          toStageId: target.id,
          by: userId,
          reason: reason ?? null,
          at: now,
        });
      });
      const moved = await repository.findApplication(applicationId);
      if (!moved) throw applicationNotFound();
      return detailFor(moved, 'employer');
    },

    async addNote(
      userId: string,
      applicationId: string,
      body: string,
      rating: number | undefined,
    ): Promise<Note> {
      await applicationForMember(userId, applicationId, 'write');
      const row = await repository.insertNote({
        applicationId,
        authorId: userId,
        body: body.trim(),
        rating: rating ?? null,
        at: clock.now(),
      });
      return toNote(row);
    },

    async listStages(userId: string, organisationId: string): Promise<PipelineStage[]> {
      await organisations.requireRight(userId, organisationId, 'read');
      return (await repository.listStages(organisationId)).map(({ id: _id, ...stage }) => stage);
    },

    /**
     * Replaces the ordered stage list. Stages left out are archived (their history stays readable);
     * one with applications in it cannot be removed or change its outcome.
     */
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

export type ApplicationService = ReturnType<typeof createApplicationService>;
