// Owns scrape runs: asking for one (one run at a time per scope: asking again while one is queued or
// running returns it), executing it as a background job (the sources at once, each source's
// postings stored in its owner's scope by the source store; a source that answered closes the
// postings it no longer lists), and reporting each source's outcome. A run covers every enabled
// source (admins, the schedule) or one organisation's enabled, verified sources (its owners, at most
// one run per `ownerScrapeIntervalMs` per organisation). A retried job redoes the run from the
// start; deduplication makes that safe.
import {
  AppError,
  type Clock,
  type Database,
  type JobRunner,
  type Logger,
  withTransaction,
} from '@app/platform';
import { type SelectQueryBuilder, sql } from 'kysely';
import { type HiringSchema, hiringDb } from '../../db.js';
import {
  type IngestionOptions,
  runSources,
  type SourceConfig,
  type SourceOutcome,
} from '../ingestion/index.js';
import type { OrganisationService } from '../organisations/service.js';
import { createScrapeRepository, type RunRow, type SourceRow } from './repository.js';
import { createSourceStore } from './store.js';

export const SCRAPE_QUEUE = 'hiring.scrape';
const REQUEST_LOCK_KEY = 0x68736372;

export interface ScrapeDependencies {
  db: Database;
  clock: Clock;
  jobs: JobRunner;
  logger: Logger;
  ingestion: IngestionOptions;
  organisations: Pick<OrganisationService, 'requireRight'>;
  /** Least time between two runs one organisation's owners ask for. */
  ownerScrapeIntervalMs: number;
}

/** What the ingestion core needs to read a configured source. */
export function sourceConfig(row: SourceRow): SourceConfig {
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

const runNotFound = (): AppError =>
  new AppError({ kind: 'not_found', code: 'scrape_run_not_found', detail: 'No such scrape run.' });

export function createScrapeService(deps: ScrapeDependencies) {
  const { db, clock, jobs, logger, organisations } = deps;
  const kysely = hiringDb(db);
  const repository = createScrapeRepository(kysely);
  const store = createSourceStore(db, clock);
  const hiring = db as Database<HiringSchema>;

  /** An organisation's owners may ask for a run only `ownerScrapeIntervalMs` after the last one. */
  async function checkInterval(
    runs: SelectQueryBuilder<HiringSchema, 'hiring_scrape_runs', RunRow>,
    now: Date,
  ): Promise<void> {
    const last = await runs.orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    if (!last) return;
    const waitSeconds = Math.ceil(
      (last.created_at.getTime() + deps.ownerScrapeIntervalMs - now.getTime()) / 1000,
    );
    if (waitSeconds > 0) {
      throw new AppError({
        kind: 'rate_limited',
        code: 'scrape_too_soon',
        detail: `This organisation's sources were scraped recently; try again in ${waitSeconds} s.`,
        retryAfterSeconds: waitSeconds,
      });
    }
  }

  /** Queues a run of every enabled source (null) or of one organisation's verified sources. */
  async function request(
    requestedBy: string | null,
    trigger: 'manual' | 'schedule',
    organisationId: string | null = null,
  ): Promise<{ run: RunRow; created: boolean }> {
    return withTransaction(hiring, async (trx) => {
      // Serialises requests so two callers cannot both start a run.
      await sql`select pg_advisory_xact_lock(${REQUEST_LOCK_KEY})`.execute(trx);
      const runs = trx
        .selectFrom('hiring_scrape_runs')
        .selectAll()
        .where((eb) =>
          organisationId === null
            ? eb('organisation_id', 'is', null)
            : eb('organisation_id', '=', organisationId),
        );
      const pending = await runs.where('status', 'in', ['queued', 'running']).executeTakeFirst();
      if (pending) return { run: pending, created: false };
      const now = clock.now();
      if (organisationId !== null) await checkInterval(runs, now);
      const run = await trx
        .insertInto('hiring_scrape_runs')
        .values({
          requested_by: requestedBy,
          trigger,
          status: 'queued',
          organisation_id: organisationId,
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await jobs.send(SCRAPE_QUEUE, { runId: run.id }, { within: trx as never });
      return { run, created: true };
    });
  }

  async function get(runId: string, organisationId?: string) {
    const run = await kysely
      .selectFrom('hiring_scrape_runs')
      .selectAll()
      .where('id', '=', runId)
      .executeTakeFirst();
    if (!run || (organisationId !== undefined && run.organisation_id !== organisationId)) throw runNotFound();
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
        'r.waiting',
        'r.duration_ms',
      ])
      .where('r.run_id', '=', runId)
      .orderBy('s.created_at')
      .orderBy('s.id')
      .execute();
    return { run, sources };
  }

  return {
    request: (requestedBy: string | null, trigger: 'manual' | 'schedule') => request(requestedBy, trigger),

    /** An owner's run of their organisation's verified sources (rate limited per organisation). */
    async requestForOrganisation(userId: string, organisationId: string) {
      await organisations.requireRight(userId, organisationId, 'manage');
      if ((await repository.sourcesToRun(organisationId)).length === 0) {
        throw new AppError({
          kind: 'conflict',
          code: 'no_verified_sources',
          detail: 'The organisation has no verified job source to scrape; verify one first.',
        });
      }
      return request(userId, 'manual', organisationId);
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
      const sources = await repository.sourcesToRun(run.organisation_id);
      const outcomes = await runSources(sources.map(sourceConfig), deps.ingestion);
      for (const [position, source] of sources.entries()) {
        const row = await store(source, outcomes[position] as SourceOutcome, runId);
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

    /** Any run (admins). */
    get: (runId: string) => get(runId),

    /** A run of the organisation's sources, for its owners; another organisation's run is not found. */
    async getForOrganisation(userId: string, organisationId: string, runId: string) {
      await organisations.requireRight(userId, organisationId, 'manage');
      return get(runId, organisationId);
    },
  };
}

export type ScrapeService = ReturnType<typeof createScrapeService>;
