// Owns the SQL of ingestion: configured sources, scrape runs and their per-source outcomes, and
// writing normalised postings into hiring_jobs (insert, update in place, close what disappeared).
import type { Selectable, Transaction } from 'kysely';
import type { HiringDb, HiringSchema, HiringTables } from '../../db.js';
import type { NormalizedPosting, PostingKeys } from '../ingestion/index.js';

export type SourceRow = Selectable<HiringTables['hiring_job_sources']>;
export type RunRow = Selectable<HiringTables['hiring_scrape_runs']>;
export type RunSourceRow = Selectable<HiringTables['hiring_scrape_run_sources']>;
type Trx = Transaction<HiringSchema>;

/** The job columns a posting determines; compared to tell an update from an unchanged row. */
export function postingColumns(posting: NormalizedPosting, keys: PostingKeys) {
  return {
    title: posting.title,
    company: posting.company,
    description_html: posting.descriptionHtml,
    description_text: posting.descriptionText,
    city: posting.location.city,
    region: posting.location.region,
    country: posting.location.country,
    workplace_type: posting.workplaceType,
    employment_type: posting.employmentType,
    salary_min: posting.salary?.min ?? null,
    salary_max: posting.salary?.max ?? null,
    salary_currency: posting.salary?.currency ?? null,
    salary_interval: posting.salary?.interval ?? null,
    valid_through: posting.validThrough ? new Date(posting.validThrough) : null,
    url: posting.url,
    canonical_url: keys.canonicalUrl,
    fingerprint: keys.fingerprint,
  };
}

export function createScrapeRepository(kysely: HiringDb) {
  return {
    enabledSources(): Promise<SourceRow[]> {
      return kysely
        .selectFrom('hiring_job_sources')
        .selectAll()
        .where('enabled', '=', true)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },

    /** Keys of every ingested or posted job, for deduplication against what is already stored. */
    async existingKeys(): Promise<
      Array<{
        id: string;
        source: string;
        sourceJobId: string | null;
        canonicalUrl: string | null;
        fingerprint: string | null;
      }>
    > {
      const rows = await kysely
        .selectFrom('hiring_jobs')
        .select(['id', 'source', 'source_job_id', 'canonical_url', 'fingerprint'])
        .where('fingerprint', 'is not', null)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        source: row.source,
        sourceJobId: row.source_job_id,
        canonicalUrl: row.canonical_url,
        fingerprint: row.fingerprint,
      }));
    },

    /** Updates the job when a posting changed it; true when something changed. */
    async updateJob(
      trx: Trx,
      jobId: string,
      columns: ReturnType<typeof postingColumns>,
      now: Date,
    ): Promise<boolean> {
      const current = await trx
        .selectFrom('hiring_jobs')
        .selectAll()
        .where('id', '=', jobId)
        .executeTakeFirstOrThrow();
      const changed = Object.entries(columns).some(([column, value]) => {
        const stored = current[column as keyof typeof current];
        return stored instanceof Date
          ? stored.getTime() !== (value as Date | null)?.getTime()
          : stored !== value;
      });
      const reopened = current.status === 'closed' && current.source !== 'employer';
      if (!changed && !reopened) return false;
      await trx
        .updateTable('hiring_jobs')
        .set({ ...columns, ...(reopened && { status: 'published', closed_at: null }), updated_at: now })
        .where('id', '=', jobId)
        .execute();
      return true;
    },

    async insertJob(
      trx: Trx,
      source: SourceRow,
      posting: NormalizedPosting,
      columns: ReturnType<typeof postingColumns>,
      now: Date,
    ): Promise<string> {
      const row = await trx
        .insertInto('hiring_jobs')
        .values({
          ...columns,
          organisation_id: source.organisation_id,
          status: 'published',
          source: posting.source,
          source_job_id: posting.sourceJobId,
          job_source_id: source.id,
          posted_at: posting.postedAt ? new Date(posting.postedAt) : now,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    /** Closes the source's published postings that were not seen in this run; returns how many. */
    async closeMissing(trx: Trx, sourceId: string, seen: string[], now: Date): Promise<number> {
      let query = trx
        .updateTable('hiring_jobs')
        .set({ status: 'closed', closed_at: now, updated_at: now })
        .where('job_source_id', '=', sourceId)
        .where('status', '=', 'published');
      if (seen.length > 0) query = query.where('id', 'not in', seen);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async recordOutcome(trx: Trx, row: RunSourceRow): Promise<void> {
      await trx.insertInto('hiring_scrape_run_sources').values(row).execute();
    },
  };
}

export type ScrapeRepository = ReturnType<typeof createScrapeRepository>;
