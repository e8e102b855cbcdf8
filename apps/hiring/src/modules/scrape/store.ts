// Owns writing one source's outcome into hiring_jobs, inside the deduplication scope of the
// source's owner and nowhere else:
//   - a global source (no organisation) writes the shared external scope 'global';
//   - an organisation's verified source writes 'org:<id>': its postings are the organisation's jobs,
//     and each published one holds a slot of the job-postings quota (scraped jobs count, like posted
//     ones); a posting that finds no free slot is stored as a draft and published by a later scrape
//     (or by the employer) once a slot is free;
//   - an organisation's unverified source writes 'source:<id>': external jobs with no organisation,
//     seen by nobody else's deduplication, so they can neither take over nor rewrite anyone's row.
// The scope is locked for the transaction, so concurrent runs never interleave in one scope. On the
// first answered scrape after verification, the source's external rows are adopted by its
// organisation. A posting whose validThrough has passed is stored closed.
import { type Clock, type Database, withTransaction } from '@app/platform';
import { type HiringSchema, hiringDb } from '../../db.js';
import { createDedupeIndex, postingKeys, type SourceOutcome } from '../ingestion/index.js';
import { releaseSlotsOf, takePostingSlot } from '../jobs/slots.js';
import {
  createScrapeRepository,
  type Placement,
  type PostingColumns,
  postingColumns,
  type RunSourceRow,
  type SourceRow,
  type StoredJob,
} from './repository.js';

export interface Owner {
  source: SourceRow;
  scope: string;
  organisationId: string | null;
}

/** Whose rows a source writes: see the module header. */
export function ownerOf(source: SourceRow): Owner {
  if (source.organisation_id === null) return { source, scope: 'global', organisationId: null };
  if (source.verified_at === null) return { source, scope: `source:${source.id}`, organisationId: null };
  return { source, scope: `org:${source.organisation_id}`, organisationId: source.organisation_id };
}

const published = (holdsSlot: boolean): Placement => ({
  status: 'published',
  holds_slot: holdsSlot,
  closed_reason: null,
  closed_at: null,
});

/** A stored posting the board lists again is placed anew unless it is open or its employer closed it. */
function wantsPlacement(job: StoredJob): boolean {
  if (job.status === 'draft') return true;
  return job.status === 'closed' && (job.closed_reason === 'vanished' || job.closed_reason === 'expired');
}

export function createSourceStore(db: Database, clock: Clock) {
  const hiring = db as Database<HiringSchema>;
  const repository = createScrapeRepository(hiringDb(db));

  /** Published when it may be (taking a slot for an organisation's job), else a draft; closed once expired. */
  async function place(
    trx: Parameters<typeof takePostingSlot>[0],
    owner: Owner,
    columns: PostingColumns,
    now: Date,
  ): Promise<Placement> {
    if (columns.valid_through !== null && columns.valid_through <= now) {
      return { status: 'closed', holds_slot: false, closed_reason: 'expired', closed_at: now };
    }
    if (owner.organisationId === null) return published(false);
    if (await takePostingSlot(trx, owner.organisationId)) return published(true);
    return { status: 'draft', holds_slot: false, closed_reason: null, closed_at: null };
  }

  return async function store(
    source: SourceRow,
    outcome: SourceOutcome,
    runId: string,
  ): Promise<RunSourceRow> {
    const owner = ownerOf(source);
    const answered = outcome.status === 'ok' || outcome.status === 'empty';
    const now = clock.now();
    return withTransaction(hiring, async (trx) => {
      await repository.lockScope(trx, owner.scope);
      if (answered && owner.organisationId !== null) {
        await repository.adopt(trx, source.id, owner.organisationId, owner.scope, now);
      }
      const index = createDedupeIndex(await repository.keysIn(trx, owner.scope));
      const counts = { inserted: 0, updated: 0, waiting: 0 };
      const seen = new Set<string>();
      for (const posting of outcome.postings) {
        const keys = postingKeys(posting);
        const columns = postingColumns(posting, keys);
        const match = index.match(keys);
        if (match && seen.has(match.id)) continue;
        if (!match) {
          const placement = await place(trx, owner, columns, now);
          const id = await repository.insertJob(trx, owner, posting, columns, placement, now);
          index.add(id, keys);
          seen.add(id);
          counts.inserted += 1;
          if (placement.status === 'draft') counts.waiting += 1;
          continue;
        }
        seen.add(match.id);
        const job = await repository.lockJob(trx, owner.scope, match.id);
        const placed = wantsPlacement(job) ? await place(trx, owner, columns, now) : null;
        const placement = placed && placed.status !== job.status ? placed : null;
        const changed = Object.entries(columns).some(([column, value]) => {
          const stored = job[column as keyof StoredJob];
          return stored instanceof Date
            ? stored.getTime() !== (value as Date | null)?.getTime()
            : stored !== value;
        });
        if (changed || placement) {
          await repository.updateJob(trx, owner.scope, job.id, columns, placement, now);
          counts.updated += 1;
        }
        if ((placement?.status ?? job.status) === 'draft') counts.waiting += 1;
      }
      const closed = answered
        ? await repository.closeMissing(trx, source.id, owner.scope, [...seen], now)
        : [];
      await releaseSlotsOf(trx, closed);
      const row: RunSourceRow = {
        run_id: runId,
        source_id: source.id,
        status: outcome.status,
        message: outcome.message,
        fetched: outcome.fetched,
        ...counts,
        closed: closed.length,
        duration_ms: Math.round(outcome.durationMs),
      };
      await repository.recordOutcome(trx, row);
      return row;
    });
  };
}
