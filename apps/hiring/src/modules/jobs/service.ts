// Owns the life of an employer's job: a draft is created and edited by members who may write,
// publishing takes a slot of the organisation's job-postings quota (atomically, so two publishes
// cannot both take the last slot) and closing gives it back only when the job held one. A job whose
// validThrough has passed reads as closed at once (page, listing, candidate actions) and the
// scheduled sweep (`closeExpired`) closes it for good. Anyone may read published and closed jobs;
// drafts are visible to the organisation's members only. remoteRegions is checked in place-codes.ts.
import { AppError, type Clock, type Database, withTransaction } from '@app/platform';
import { type HiringSchema, hiringDb } from '../../db.js';
import type { OrganisationService } from '../organisations/service.js';
import { remoteRegionCodes } from './place-codes.js';
import {
  createJobRepository,
  decodeCursor,
  encodeCursor,
  isExpired,
  type JobRow,
  toJob,
} from './repository.js';
import type { CreateJobInput, Job, JobListFilters, UpdateJobInput } from './schemas.js';
import { releasePostingSlots, releaseSlotsOf, takePostingSlot } from './slots.js';
import { normaliseSkillName, textToHtml } from './text.js';

/** Expired jobs closed per transaction by the sweep. */
const EXPIRY_BATCH = 500;

export interface JobLookup {
  id: string;
  organisationId: string | null;
  status: JobRow['status'];
}

const notFound = () => new AppError({ kind: 'not_found', code: 'job_not_found', detail: 'No such job.' });
const closedJob = (detail: string) => new AppError({ kind: 'conflict', code: 'job_closed', detail });

function editableColumns(input: UpdateJobInput) {
  return {
    ...(input.title !== undefined && { title: input.title.trim() }),
    ...(input.company !== undefined && { company: input.company.trim() }),
    ...(input.descriptionText !== undefined && {
      description_text: input.descriptionText,
      description_html: textToHtml(input.descriptionText),
    }),
    ...(input.location !== undefined && {
      city: input.location.city,
      region: input.location.region,
      country: input.location.country,
    }),
    ...(input.workplaceType !== undefined && { workplace_type: input.workplaceType }),
    ...(input.employmentType !== undefined && { employment_type: input.employmentType }),
    ...(input.salary !== undefined && {
      salary_min: input.salary?.min ?? null,
      salary_max: input.salary?.max ?? null,
      salary_currency: input.salary?.currency ?? null,
      salary_interval: input.salary?.interval ?? null,
    }),
    ...(input.skills !== undefined && {
      skills: JSON.stringify(
        input.skills.map((skill) => ({ ...skill, name: normaliseSkillName(skill.name) })),
      ),
    }),
    ...(input.minYearsExperience !== undefined && { min_years_experience: input.minYearsExperience }),
    ...(input.validThrough !== undefined && {
      valid_through: input.validThrough === null ? null : new Date(input.validThrough),
    }),
    ...(input.remoteRegions !== undefined && {
      remote_regions: remoteRegionCodes(input.remoteRegions, '/body/remoteRegions'),
    }),
    ...(input.commuteRadiusKm !== undefined && { commute_radius_km: input.commuteRadiusKm }),
  };
}

function checkSalary(salary: UpdateJobInput['salary']): void {
  if (salary && salary.min !== null && salary.max !== null && salary.min > salary.max) {
    throw new AppError({
      kind: 'invalid_input',
      code: 'salary_range_inverted',
      detail: 'salary.min must not be above salary.max.',
      fields: [{ path: '/body/salary/min', message: 'must be <= salary.max' }],
    });
  }
}

export function createJobService(db: Database, clock: Clock, organisations: OrganisationService) {
  const kysely = hiringDb(db);
  const repository = createJobRepository(kysely);

  /** The job and the caller's right over it; outsiders get 404 for drafts. */
  async function loadForEmployer(userId: string, jobId: string, right: 'read' | 'write'): Promise<JobRow> {
    const row = await repository.find(jobId);
    if (!row || row.organisation_id === null) throw notFound();
    await organisations.requireRight(userId, row.organisation_id, right);
    return row;
  }

  return {
    /** The job as candidate actions see it: expired reads as closed. */
    async lookup(jobId: string): Promise<JobLookup | null> {
      const row = await repository.find(jobId);
      if (!row) return null;
      const status = isExpired(row, clock.now()) ? 'closed' : row.status;
      return { id: row.id, organisationId: row.organisation_id, status };
    },

    async create(userId: string, organisationId: string, input: CreateJobInput): Promise<Job> {
      await organisations.requireRight(userId, organisationId, 'write');
      checkSalary(input.salary);
      const organisation = await kysely
        .selectFrom('hiring_organisations')
        .select('name')
        .where('id', '=', organisationId)
        .executeTakeFirstOrThrow();
      const now = clock.now();
      const row = await kysely
        .insertInto('hiring_jobs')
        .values({
          organisation_id: organisationId,
          status: 'draft',
          title: input.title.trim(),
          company: organisation.name,
          created_by: userId,
          created_at: now,
          updated_at: now,
          ...editableColumns(input),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toJob(row, now);
    },

    async update(userId: string, jobId: string, input: UpdateJobInput): Promise<Job> {
      const current = await loadForEmployer(userId, jobId, 'write');
      const now = clock.now();
      if (current.status === 'closed' || isExpired(current, now)) {
        throw closedJob('A closed job cannot be edited.');
      }
      checkSalary(input.salary);
      const row = await kysely
        .updateTable('hiring_jobs')
        .set({ ...editableColumns(input), updated_at: now })
        .where('id', '=', jobId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toJob(row, now);
    },

    async publish(userId: string, jobId: string): Promise<Job> {
      await loadForEmployer(userId, jobId, 'write');
      const now = clock.now();
      return withTransaction(db as Database<HiringSchema>, async (trx) => {
        const job = await repository.lockForChange(trx, jobId);
        if (job.status === 'closed') throw closedJob('A closed job cannot be published again.');
        if (job.status === 'published') return toJob(job, now);
        if (job.valid_through !== null && job.valid_through <= now) {
          throw new AppError({
            kind: 'conflict',
            code: 'job_expired',
            detail: "The job's validThrough has passed; set a later one (or none) before publishing.",
          });
        }
        if (!(await takePostingSlot(trx, job.organisation_id as string))) {
          throw new AppError({
            kind: 'conflict',
            code: 'job_postings_quota_reached',
            detail: "The organisation's plan allows no more published jobs; close one or upgrade.",
          });
        }
        const columns = { status: 'published', holds_slot: true, posted_at: now, updated_at: now } as const;
        return toJob(await repository.change(trx, jobId, columns), now);
      });
    },

    async close(userId: string, jobId: string): Promise<Job> {
      await loadForEmployer(userId, jobId, 'write');
      const now = clock.now();
      return withTransaction(db as Database<HiringSchema>, async (trx) => {
        const job = await repository.lockForChange(trx, jobId);
        if (job.status === 'closed') return toJob(job, now);
        if (job.holds_slot) await releasePostingSlots(trx, job.organisation_id as string);
        const columns = {
          status: 'closed',
          holds_slot: false,
          closed_reason: 'employer',
          closed_at: now,
          updated_at: now,
        } as const;
        return toJob(await repository.change(trx, jobId, columns), now);
      });
    },

    /** Published and closed jobs are public; a draft only for its organisation's members. */
    async get(viewerId: string | undefined, jobId: string): Promise<Job> {
      const row = await repository.find(jobId);
      if (!row) throw notFound();
      if (row.status === 'draft') {
        if (!viewerId || row.organisation_id === null) throw notFound();
        await organisations.requireRight(viewerId, row.organisation_id, 'read').catch(() => {
          throw notFound();
        });
      }
      return toJob(row, clock.now());
    },

    async listPublished(filters: JobListFilters): Promise<{ items: Job[]; nextCursor: string | null }> {
      const after = filters.cursor === undefined ? undefined : decodeCursor(filters.cursor);
      if (filters.cursor !== undefined && !after) {
        throw new AppError({
          kind: 'invalid_input',
          code: 'cursor_invalid',
          detail: 'The cursor is not one this API issued.',
          fields: [{ path: '/querystring/cursor', message: 'unknown cursor' }],
        });
      }
      const pageSize = filters.limit ?? 20;
      const now = clock.now();
      const rows = await repository.listPublished(filters, after, pageSize, now);
      const page = rows.slice(0, pageSize);
      const last = page.at(-1);
      const nextCursor =
        rows.length > pageSize && last?.posted_at
          ? encodeCursor({ postedAt: last.posted_at.toISOString(), id: last.id })
          : null;
      return { items: page.map((row) => toJob(row, now)), nextCursor };
    },

    async listForOrganisation(userId: string, organisationId: string): Promise<Job[]> {
      await organisations.requireRight(userId, organisationId, 'read');
      const now = clock.now();
      return (await repository.listForOrganisation(organisationId)).map((row) => toJob(row, now));
    },

    /** Closes every published job whose validThrough has passed, giving back the slots they held. */
    async closeExpired(): Promise<number> {
      const now = clock.now();
      let closed = 0;
      for (;;) {
        const batch = await withTransaction(db as Database<HiringSchema>, async (trx) => {
          const rows = await repository.lockExpired(trx, now, EXPIRY_BATCH);
          await repository.closeExpired(
            trx,
            rows.map((row) => row.id),
            now,
          );
          await releaseSlotsOf(trx, rows);
          return rows.length;
        });
        closed += batch;
        if (batch < EXPIRY_BATCH) return closed;
      }
    },
  };
}

export type JobService = ReturnType<typeof createJobService>;
