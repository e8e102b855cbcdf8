// Owns what candidates do with jobs (save, dismiss, apply, withdraw) and the employer's application
// pipeline (moves with history, notes and ratings; the stage list is stages.ts). Every method
// authorises first: a candidate acts only for themself; an employer only inside an organisation
// they belong to, where anything outside it is "not found". Repeated actions give the same result:
// apply relies on the (job, candidate) unique constraint, never on a read-then-write check.
// Members see who applied: the e-mail captured from the account at apply time, and the profile
// through the candidates service. A stage change writes the candidate's mail in the same
// transaction as the move, so neither exists without the other. Knows jobs only through the jobs
// service and accounts only through identity; never reads their tables.
import {
  type AccountService,
  AppError,
  type Clock,
  type Database,
  type IdentitySchema,
  type Mailer,
  withTransaction,
} from '@app/platform';
import type { Transaction } from 'kysely';
import { hiringDb } from '../../db.js';
import type { CandidateService } from '../candidates/service.js';
import type { OrganisationRight, OrganisationService } from '../organisations/service.js';
import {
  applicationDecided,
  applicationNotFound,
  applicationWithdrawn,
  cursorInvalid,
  invalidInput,
  jobExternal,
  jobNotFound,
  jobNotOpen,
} from './errors.js';
import { stageChangeMail } from './notifications.js';
import { page, toDetail, toMyApplication, toNote, toSummary } from './presenters.js';
import {
  type ApplicationRow,
  type ApplicationsDb,
  type ApplicationsSchema,
  createApplicationRepository,
  decodeCursor,
  type Trx,
} from './repository.js';
import type {
  Applicant,
  ApplicationDetail,
  JobAction,
  JobActionResult,
  JobApplicationsQuery,
  Note,
  PageQuery,
} from './schemas.js';
import { createStageOperations } from './stages.js';

/** What this module needs to know of a job; the jobs service provides it. */
export interface JobDirectory {
  lookup(jobId: string): Promise<{
    id: string;
    organisationId: string | null;
    status: 'draft' | 'published' | 'closed';
  } | null>;
  /** The job as `viewerId` may see it (members see drafts too). */
  get(viewerId: string | undefined, jobId: string): Promise<{ title: string; company: string }>;
}

export interface ApplicationServiceDependencies {
  db: Database;
  clock: Clock;
  organisations: Pick<OrganisationService, 'requireRight'>;
  jobs: JobDirectory;
  /** The applicant's account e-mail, read once at apply time. */
  accounts: Pick<AccountService, 'profile'>;
  candidates: Pick<CandidateService, 'applicantProfiles'>;
  mailer: Mailer;
}

/** A live application to one of an organisation's jobs, as the ranking sees it. */
export interface LiveApplicant {
  applicationId: string;
  jobId: string;
  candidateId: string;
  email: string;
}

const DEFAULT_PAGE = 20;

function cursorOf(text: string | undefined) {
  if (text === undefined) return undefined;
  const cursor = decodeCursor(text);
  if (!cursor) throw cursorInvalid();
  return cursor;
}

export function createApplicationService({
  db,
  clock,
  organisations,
  jobs,
  accounts,
  candidates,
  mailer,
}: ApplicationServiceDependencies) {
  const kysely = hiringDb(db) as unknown as ApplicationsDb;
  const transactional = db as unknown as Database<ApplicationsSchema>;
  const repository = createApplicationRepository(kysely);

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
    applicantEmail: string,
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
        applicantEmail,
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

  /** Who applied, for the members: the e-mail of the application and the candidate's profile. */
  async function applicantsOf(rows: ApplicationRow[]): Promise<(row: ApplicationRow) => Applicant> {
    const profiles = await candidates.applicantProfiles(rows.map((row) => row.candidate_id));
    return (row) => ({ email: row.applicant_email, profile: profiles.get(row.candidate_id) ?? null });
  }

  async function detailFor(
    row: ApplicationRow,
    audience: 'employer' | 'candidate',
  ): Promise<ApplicationDetail> {
    const history = await repository.history(row.id);
    if (audience === 'candidate') return toDetail(row, history, clock.now());
    const [notes, applicant] = await Promise.all([repository.notes(row.id), applicantsOf([row])]);
    return toDetail(row, history, clock.now(), { notes, applicant: applicant(row) });
  }

  async function reload(applicationId: string): Promise<ApplicationRow> {
    const row = await repository.findApplication(applicationId);
    if (!row) throw applicationNotFound();
    return row;
  }

  /** The application for a member with the right; anyone outside its organisation gets 404. */
  async function applicationForMember(userId: string, applicationId: string, right: OrganisationRight) {
    const row = await repository.findApplication(applicationId);
    if (!row) throw applicationNotFound();
    await organisations.requireRight(userId, row.organisation_id, right, applicationNotFound);
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
          // A retry after the job closed still answers with the application already made; a
          // withdrawn one stays withdrawn (re-applying would undo a rejection, see docs/hiring.md).
          const existing = await repository.findApplicationFor(candidateId, jobId);
          if (existing?.withdrawn_at) throw applicationWithdrawn('reopened');
          if (existing) break;
          if (job.status !== 'published') throw jobNotOpen();
          if (job.organisationId === null) throw jobExternal(jobId);
          const note = coverNote?.trim() ? coverNote : null;
          const { email } = await accounts.profile(candidateId);
          created = await insertApplication(candidateId, jobId, job.organisationId, note, email);
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
      await organisations.requireRight(userId, job.organisationId, 'read', jobNotFound);
      const limit = query.limit ?? DEFAULT_PAGE;
      const rows = await repository.listForJob(jobId, query.stage, cursorOf(query.cursor), limit + 1);
      const applicant = await applicantsOf(rows.slice(0, limit));
      return page(
        rows,
        limit,
        (row) => ({ at: row.created_at, id: row.id }),
        (row) => toSummary(row, applicant(row)),
      );
    },

    /** The organisation's live applications; the caller has checked the member's right. */
    async liveApplicants(organisationId: string): Promise<LiveApplicant[]> {
      const rows = await repository.liveApplicationsOf(organisationId);
      return rows.map((row) => ({
        applicationId: row.id,
        jobId: row.job_id,
        candidateId: row.candidate_id,
        email: row.applicant_email,
      }));
    },

    /**
     * The candidate withdraws their own application (anyone else: 404). Repeating it changes
     * nothing; a hired or rejected application has nothing to withdraw (409).
     */
    async withdraw(candidateId: string, applicationId: string): Promise<ApplicationDetail> {
      const row = await repository.findApplication(applicationId);
      if (!row || row.candidate_id !== candidateId) throw applicationNotFound();
      if (row.withdrawn_at !== null) return detailFor(row, 'candidate');
      await withTransaction(transactional, async (trx) => {
        const locked = await repository.lockApplication(trx, applicationId);
        if (!locked) throw applicationNotFound();
        if (locked.withdrawn_at !== null) return;
        const stage = await repository.stageOutcome(trx, locked.stage_id);
        if (stage?.outcome !== 'open') throw applicationDecided();
        await repository.markWithdrawn(trx, applicationId, clock.now());
      });
      return detailFor(await reload(applicationId), 'candidate');
    },

    /** The candidate sees their own application without notes; members of its organisation see all. */
    async getApplication(userId: string, applicationId: string): Promise<ApplicationDetail> {
      const row = await repository.findApplication(applicationId);
      if (!row) throw applicationNotFound();
      if (row.candidate_id === userId) return detailFor(row, 'candidate');
      await organisations.requireRight(userId, row.organisation_id, 'read', applicationNotFound);
      return detailFor(row, 'employer');
    },

    async moveToStage(
      userId: string,
      applicationId: string,
      stageKey: string,
      reason: string | undefined,
    ): Promise<ApplicationDetail> {
      const current = await applicationForMember(userId, applicationId, 'write');
      const job = await jobs.get(userId, current.job_id);
      const now = clock.now();
      await withTransaction(transactional, async (trx) => {
        const locked = await repository.lockApplication(trx, applicationId);
        if (!locked) throw applicationNotFound();
        if (locked.withdrawn_at !== null) throw applicationWithdrawn('moved');
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
        // In the move's transaction: the mail exists exactly when the move committed.
        await mailer.send(
          stageChangeMail(locked.applicant_email, job, target),
          trx as unknown as Transaction<IdentitySchema>,
        );
      });
      return detailFor(await reload(applicationId), 'employer');
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

    ...createStageOperations(kysely, transactional, clock, organisations),
  };
}

export type ApplicationService = ReturnType<typeof createApplicationService>;
