// Owns the SQL of ingestion: configured sources, scrape runs and their per-source outcomes, and
// writing normalised postings into hiring_jobs (insert, update in place, adopt, close what
// disappeared). Every job query of a store is bounded by one deduplication scope (`ingest_scope`),
// so a source never reads, changes or closes a row of another owner.
import { type Selectable, sql, type Transaction } from 'kysely';
import type { HiringDb, HiringSchema, HiringTables } from '../../db.js';
import type { NormalizedPosting, PostingKeys } from '../ingestion/index.js';

export type SourceRow = Selectable<HiringTables['hiring_job_sources']>;
export type RunRow = Selectable<HiringTables['hiring_scrape_runs']>;
export type RunSourceRow = Selectable<HiringTables['hiring_scrape_run_sources']>;
export type StoredJob = Selectable<HiringTables['hiring_jobs']>;
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
export type PostingColumns = ReturnType<typeof postingColumns>;

/** The status a stored posting takes, with the slot it holds. */
export interface Placement {
  status: 'draft' | 'published' | 'closed';
  holds_slot: boolean;
  closed_reason: 'expired' | null;
  closed_at: Date | null;
}

export function createScrapeRepository(kysely: HiringDb) {
  return {
    /** Every enabled source, or one organisation's enabled and verified sources. */
    sourcesToRun(organisationId: string | null): Promise<SourceRow[]> {
      let query = kysely.selectFrom('hiring_job_sources').selectAll().where('enabled', '=', true);
      if (organisationId !== null) {
        query = query.where('organisation_id', '=', organisationId).where('verified_at', 'is not', null);
      }
      return query.orderBy('created_at').orderBy('id').execute();
    },

    /** Holds the scope until the transaction ends, so two runs never store into one scope at once. */
    async lockScope(trx: Trx, scope: string): Promise<void> {
      await sql`select pg_advisory_xact_lock(hashtext(${`hiring.scrape:${scope}`}))`.execute(trx);
    },

    /** Keys of the scope's stored postings, for deduplication. */
    async keysIn(trx: Trx, scope: string): Promise<Array<{ id: string; keys: PostingKeys }>> {
      const rows = await trx
        .selectFrom('hiring_jobs')
        .select(['id', 'source', 'source_job_id', 'canonical_url', 'fingerprint'])
        .where('ingest_scope', '=', scope)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        keys: {
          sourceKey: `${row.source}:${row.source_job_id ?? ''}`,
          canonicalUrl: row.canonical_url ?? '',
          fingerprint: row.fingerprint ?? '',
        },
      }));
    },

    /**
     * Makes what a source ingested before it was verified (scope `source:<id>`) its organisation's:
     * as drafts without a slot, which the store then publishes as slots allow. A row the
     * organisation already has under the same board id stays external and is closed.
     */
    async adopt(trx: Trx, sourceId: string, organisationId: string, scope: string, now: Date): Promise<void> {
      const from = `source:${sourceId}`;
      await sql`
        update hiring_jobs j
        set organisation_id = ${organisationId}, ingest_scope = ${scope}, updated_at = ${now},
          status = case when j.status = 'published' then 'draft' else j.status end
        where j.ingest_scope = ${from} and not exists (
          select 1 from hiring_jobs o
          where o.ingest_scope = ${scope} and o.source = j.source and o.source_job_id = j.source_job_id
        )`.execute(trx);
      await trx
        .updateTable('hiring_jobs')
        .set({ status: 'closed', closed_reason: 'vanished', closed_at: now, updated_at: now })
        .where('ingest_scope', '=', from)
        .where('status', '<>', 'closed')
        .execute();
    },

    /** The stored row, locked; the match came from the same scope's keys. */
    lockJob(trx: Trx, scope: string, jobId: string): Promise<StoredJob> {
      return trx
        .selectFrom('hiring_jobs')
        .selectAll()
        .where('id', '=', jobId)
        .where('ingest_scope', '=', scope)
        .forUpdate()
        .executeTakeFirstOrThrow();
    },

    async updateJob(
      trx: Trx,
      scope: string,
      jobId: string,
      columns: PostingColumns,
      placement: Placement | null,
      now: Date,
    ): Promise<void> {
      await trx
        .updateTable('hiring_jobs')
        .set({ ...columns, ...placement, updated_at: now })
        .where('id', '=', jobId)
        .where('ingest_scope', '=', scope)
        .execute();
    },

    async insertJob(
      trx: Trx,
      owner: { source: SourceRow; scope: string; organisationId: string | null },
      posting: NormalizedPosting,
      columns: PostingColumns,
      placement: Placement,
      now: Date,
    ): Promise<string> {
      const row = await trx
        .insertInto('hiring_jobs')
        .values({
          ...columns,
          ...placement,
          organisation_id: owner.organisationId,
          ingest_scope: owner.scope,
          source: posting.source,
          source_job_id: posting.sourceJobId,
          job_source_id: owner.source.id,
          posted_at: posting.postedAt ? new Date(posting.postedAt) : now,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },

    /** Closes the source's open postings in the scope that were not seen; returns what they held. */
    async closeMissing(
      trx: Trx,
      sourceId: string,
      scope: string,
      seen: string[],
      now: Date,
    ): Promise<Array<{ organisation_id: string | null; holds_slot: boolean }>> {
      let query = trx
        .selectFrom('hiring_jobs')
        .select(['id', 'organisation_id', 'holds_slot'])
        .where('job_source_id', '=', sourceId)
        .where('ingest_scope', '=', scope)
        .where('status', 'in', ['published', 'draft']);
      if (seen.length > 0) query = query.where('id', 'not in', seen);
      const rows = await query.forUpdate().execute();
      if (rows.length > 0) {
        await trx
          .updateTable('hiring_jobs')
          .set({
            status: 'closed',
            holds_slot: false,
            closed_reason: 'vanished',
            closed_at: now,
            updated_at: now,
          })
          .where(
            'id',
            'in',
            rows.map((row) => row.id),
          )
          .execute();
      }
      return rows;
    },

    async recordOutcome(trx: Trx, row: RunSourceRow): Promise<void> {
      await trx.insertInto('hiring_scrape_run_sources').values(row).execute();
    },
  };
}

export type ScrapeRepository = ReturnType<typeof createScrapeRepository>;
