// Owns the SQL of jobs: rows in and out of hiring_jobs, the filtered listing with its keyset cursor
// (posted_at desc, id desc, so pages never skip or repeat a row while new jobs arrive; jobs whose
// validThrough has passed are left out at once), and closing jobs that expired.
import type { Selectable, Transaction, Updateable } from 'kysely';
import { sql } from 'kysely';
import type { HiringDb, HiringSchema, HiringTables } from '../../db.js';
import type { Job, JobListFilters } from './schemas.js';

export type JobRow = Selectable<HiringTables['hiring_jobs']>;
type Executor = HiringDb | Transaction<HiringSchema>;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** True when the job is published but its validThrough has passed: it reads as closed at once. */
export function isExpired(row: Pick<JobRow, 'status' | 'valid_through'>, now: Date): boolean {
  return row.status === 'published' && row.valid_through !== null && row.valid_through <= now;
}

/** The job as the API shows it at `now`: an expired one is closed (at its validThrough). */
export function toJob(row: JobRow, now: Date): Job {
  const expired = isExpired(row, now);
  const salary =
    row.salary_currency && row.salary_interval
      ? {
          min: row.salary_min,
          max: row.salary_max,
          currency: row.salary_currency,
          interval: row.salary_interval,
        }
      : null;
  return {
    id: row.id,
    organisationId: row.organisation_id,
    status: expired ? 'closed' : row.status,
    holdsPostingSlot: row.holds_slot,
    title: row.title,
    company: row.company,
    descriptionHtml: row.description_html,
    descriptionText: row.description_text,
    location: { city: row.city, region: row.region, country: row.country },
    workplaceType: row.workplace_type,
    employmentType: row.employment_type,
    salary,
    skills: row.skills,
    minYearsExperience: row.min_years_experience,
    remoteRegions: row.remote_regions,
    commuteRadiusKm: row.commute_radius_km,
    postedAt: iso(row.posted_at),
    validThrough: iso(row.valid_through),
    url: row.url,
    source: row.source,
    sourceJobId: row.source_job_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    closedAt: iso(expired ? row.valid_through : row.closed_at),
  };
}

export interface Cursor {
  postedAt: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.postedAt, cursor.id])).toString('base64url');
}

/** Undefined when the text is not a cursor this API issued. */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [postedAt, id] = value;
    if (typeof postedAt !== 'string' || Number.isNaN(Date.parse(postedAt))) return undefined;
    if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      return undefined;
    return { postedAt, id };
  } catch {
    return undefined;
  }
}

const csv = (text: string | undefined) => (text ? text.split(',').map((part) => part.trim()) : []);

export function createJobRepository(kysely: HiringDb) {
  return {
    find(id: string, executor: Executor = kysely): Promise<JobRow | undefined> {
      return executor.selectFrom('hiring_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Published jobs matching the filters, newest first, one row more than the page to tell if more follow. */
    listPublished(
      filters: JobListFilters,
      after: Cursor | undefined,
      pageSize: number,
      now: Date,
    ): Promise<JobRow[]> {
      let query = kysely
        .selectFrom('hiring_jobs')
        .selectAll()
        .where('status', '=', 'published')
        .where((eb) => eb.or([eb('valid_through', 'is', null), eb('valid_through', '>', now)]));
      if (filters.q)
        query = query.where(sql<boolean>`search @@ websearch_to_tsquery('english', ${filters.q})`);
      if (filters.city) query = query.where(sql<boolean>`lower(city) = lower(${filters.city})`);
      if (filters.country) query = query.where('country', '=', filters.country);
      const workplaces = csv(filters.workplaceType) as JobRow['workplace_type'][];
      if (workplaces.length > 0) query = query.where('workplace_type', 'in', workplaces);
      const employment = csv(filters.employmentType) as JobRow['employment_type'][];
      if (employment.length > 0) query = query.where('employment_type', 'in', employment);
      // Salary ranges overlap the wanted range; jobs without a salary are left out once one is asked for.
      if (filters.salaryMin !== undefined)
        query = query.where(sql<boolean>`coalesce(salary_max, salary_min) >= ${filters.salaryMin}`);
      if (filters.salaryMax !== undefined)
        query = query.where(sql<boolean>`coalesce(salary_min, salary_max) <= ${filters.salaryMax}`);
      if (filters.currency) query = query.where('salary_currency', '=', filters.currency);
      const skills = csv(filters.skills).map((skill) => skill.toLowerCase());
      if (skills.length > 0) {
        query = query.where((eb) =>
          eb.or(skills.map((name) => eb(sql`skills`, '@>', sql`${JSON.stringify([{ name }])}::jsonb`))),
        );
      }
      if (filters.postedSince) query = query.where('posted_at', '>=', new Date(filters.postedSince));
      if (after) {
        query = query.where((eb) =>
          eb(eb.refTuple('posted_at', 'id'), '<', eb.tuple(new Date(after.postedAt), after.id)),
        );
      }
      return query
        .orderBy('posted_at', 'desc')
        .orderBy('id', 'desc')
        .limit(pageSize + 1)
        .execute();
    },

    listForOrganisation(organisationId: string): Promise<JobRow[]> {
      return kysely
        .selectFrom('hiring_jobs')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(500)
        .execute();
    },

    /** Reads the job and locks it, so a concurrent publish or close waits and then sees this one's result. */
    lockForChange(trx: Transaction<HiringSchema>, id: string): Promise<JobRow> {
      return trx
        .selectFrom('hiring_jobs')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow();
    },

    change(
      trx: Transaction<HiringSchema>,
      id: string,
      columns: Updateable<HiringTables['hiring_jobs']>,
    ): Promise<JobRow> {
      return trx
        .updateTable('hiring_jobs')
        .set(columns)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Locks the published jobs whose validThrough has passed, up to `limit` of them. */
    lockExpired(trx: Transaction<HiringSchema>, now: Date, limit: number) {
      return trx
        .selectFrom('hiring_jobs')
        .select(['id', 'organisation_id', 'holds_slot'])
        .where('status', '=', 'published')
        .where('valid_through', '<=', now)
        .orderBy('valid_through')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute();
    },

    async closeExpired(trx: Transaction<HiringSchema>, ids: string[], now: Date): Promise<void> {
      if (ids.length === 0) return;
      await trx
        .updateTable('hiring_jobs')
        .set({
          status: 'closed',
          holds_slot: false,
          closed_reason: 'expired',
          closed_at: now,
          updated_at: now,
        })
        .where('id', 'in', ids)
        .execute();
    },
  };
}

export type JobRepository = ReturnType<typeof createJobRepository>;
