// Owns scrape runs: asking for one (one run at a time: asking again while one is queued or running
// returns it), executing it as a background job (every enabled source at once, each posting
// deduplicated against what is stored and inserted, updated in place or left alone; a source that
// answered closes the postings it no longer lists), and reporting each source's outcome. A retried
// job redoes the run from the start; deduplication makes that safe.
import {
  AppError,
  type Clock,
  type Database,
  type JobRunner,
  type Logger,
  withTransaction,
} from '@app/platform';
import { sql } from 'kysely';
import { type HiringSchema, hiringDb } from '../../db.js';
import {
  createDedupeIndex,
  type IngestionOptions,
  postingKeys,
  runSources,
  type SourceConfig,
  type SourceOutcome,
} from '../ingestion/index.js';
import { createScrapeRepository, postingColumns, type RunSourceRow, type SourceRow } from './repository.js';

export const SCRAPE_QUEUE = 'hiring.scrape';
const REQUEST_LOCK_KEY = 0x68736372;

export interface ScrapeDependencies {
  db: Database;
  clock: Clock;
  jobs: JobRunner;
  logger: Logger;
  ingestion: IngestionOptions;
}

function sourceConfig(row: SourceRow): SourceConfig {
  switch (row.kind) {
    case 'greenhouse':
      return { kind: 'greenhouse', boardToken: row.identifier };
    case 'lever':
      return { kind: 'lever', site: row.identifier };
    case 'ashby':
      return { kind: 'ashby', jobBoardName: row.identifier };
    case 'smartrecruiters':
      return { kind: 'smartrecruiters', companyIdentifier: row.identifier };
    case 'jsonld':
      return { kind: 'jsonld', url: row.identifier };
  }
}

const runNotFound = () =>
  new AppError({ kind: 'not_found', code: 'scrape_run_not_found', detail: 'No such scrape run.' });

export function createScrapeService(deps: ScrapeDependencies) {
  const { db, clock, jobs, logger } = deps;
  const kysely = hiringDb(db);
  const repository = createScrapeRepository(kysely);
  const hiring = db as Database<HiringSchema>;

  /** Writes one source's postings; the dedupe index is shared across sources within the run. */
  async function store(
    source: SourceRow,
    outcome: SourceOutcome,
    index: ReturnType<typeof createDedupeIndex>,
    runId: string,
  ): Promise<RunSourceRow> {
    const now = clock.now();
    return withTransaction(hiring, async (trx) => {
      let inserted = 0;
      let updated = 0;
      const seen = new Set<string>();
      for (const posting of outcome.postings) {
        const keys = postingKeys(posting);
        const columns = postingColumns(posting, keys);
        const match = index.match(keys);
        if (match) {
          if (!seen.has(match.id) && (await repository.updateJob(trx, match.id, columns, now))) updated += 1;
          seen.add(match.id);
          continue;
        }
        const id = await repository.insertJob(trx, source, posting, columns, now);
        index.add(id, keys);
        seen.add(id);
        inserted += 1;
      }
      const answered = outcome.status === 'ok' || outcome.status === 'empty';
      const closed = answered ? await repository.closeMissing(trx, source.id, [...seen], now) : 0;
      const row: RunSourceRow = {
        run_id: runId,
        source_id: source.id,
        status: outcome.status,
        message: outcome.message,
        fetched: outcome.fetched,
        inserted,
        updated,
        closed,
        duration_ms: Math.round(outcome.durationMs),
      };
      await repository.recordOutcome(trx, row);
      return row;
    });
  }

  return {
    async request(requestedBy: string | null, trigger: 'manual' | 'schedule') {
      return withTransaction(hiring, async (trx) => {
        // Serialises requests so two callers cannot both start a run.
        await sql`select pg_advisory_xact_lock(${REQUEST_LOCK_KEY})`.execute(trx);
        const pending = await trx
          .selectFrom('hiring_scrape_runs')
          .selectAll()
          .where('status', 'in', ['queued', 'running'])
          .executeTakeFirst();
        if (pending) return { run: pending, created: false };
        const run = await trx
          .insertInto('hiring_scrape_runs')
          .values({ requested_by: requestedBy, trigger, status: 'queued', created_at: clock.now() })
          .returningAll()
          .executeTakeFirstOrThrow();
        await jobs.send(SCRAPE_QUEUE, { runId: run.id }, { within: trx as never });
        return { run, created: true };
      });
    },

    async execute(runId: string): Promise<void> {
      const run = await kysely
        .selectFrom('hiring_scrape_runs')
        .selectAll()
        .where('id', '=', runId)
        .executeTakeFirst();
      if (!run || run.status === 'finished') return;
      await kysely.deleteFrom('hiring_scrape_run_sources').where('run_id', '=', runId).execute();
      await kysely
        .updateTable('hiring_scrape_runs')
        .set({ status: 'running', started_at: clock.now() })
        .where('id', '=', runId)
        .execute();
      const sources = await repository.enabledSources();
      const outcomes = await runSources(sources.map(sourceConfig), deps.ingestion);
      const existing = await repository.existingKeys();
      const index = createDedupeIndex(
        existing.map((job) => ({
          id: job.id,
          keys: {
            sourceKey: `${job.source}:${job.sourceJobId ?? ''}`,
            canonicalUrl: job.canonicalUrl ?? '',
            fingerprint: job.fingerprint ?? '',
          },
        })),
      );
      for (const [position, source] of sources.entries()) {
        const row = await store(source, outcomes[position] as SourceOutcome, index, runId);
        logger.info(
          { event: 'scrape_source_done', runId, sourceId: source.id, ...row },
          'scrape_source_done',
        );
      }
      await kysely
        .updateTable('hiring_scrape_runs')
        .set({ status: 'finished', finished_at: clock.now() })
        .where('id', '=', runId)
        .execute();
    },

    async get(runId: string) {
      const run = await kysely
        .selectFrom('hiring_scrape_runs')
        .selectAll()
        .where('id', '=', runId)
        .executeTakeFirst();
      if (!run) throw runNotFound();
      const sources = await kysely
        .selectFrom('hiring_scrape_run_sources as r')
        .innerJoin('hiring_job_sources as s', 's.id', 'r.source_id')
        .select([
          'r.source_id',
          's.kind',
          's.identifier',
          'r.status',
          'r.message',
          'r.fetched',
          'r.inserted',
          'r.updated',
          'r.closed',
          'r.duration_ms',
        ])
        .where('r.run_id', '=', runId)
        .orderBy('s.created_at')
        .orderBy('s.id')
        .execute();
      return { run, sources };
    },
  };
}

export type ScrapeService = ReturnType<typeof createScrapeService>;
