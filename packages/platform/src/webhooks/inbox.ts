// Owns the exactly-once inbox of one provider's events (table webhook_events, keyed by provider and
// the provider's event id). process() claims the key and runs the handler in one transaction: the
// row and the handler's effects commit together or not at all. Claiming is an INSERT ... ON CONFLICT
// DO NOTHING: a second delivery of an event still in flight waits on the first one's unique-key lock
// and, once it commits, finds the row and does nothing; a row left `failed` by an earlier attempt is
// locked FOR UPDATE and processed again. A failing handler's rollback is followed by recording the
// failure (attempts + 1, a scrubbed and truncated message) outside it, and the error goes back to
// the caller so the provider retries; a handler that declares the event unresolvable
// (UnresolvedWebhookEvent) has its effects rolled back too, and the event is recorded as unresolved
// with the reason, a final outcome like processed. It must never run a handler for an event that
// has a final outcome.
import type { Transaction } from 'kysely';
import { withTransaction } from '../db/transaction.js';
import type { Database } from '../db/types.js';
import { REDACTED, scrubSecrets } from '../log/redaction.js';
import type { Clock } from '../time/clock.js';
import { UnresolvedWebhookEvent } from './errors.js';
import type { WebhookEvent, WebhookInbox, WebhookOutcome, WebhookTables } from './types.js';

const MAX_ERROR_LENGTH = 1000;
const DEFAULT_LIST_LIMIT = 100;
/** Outcomes after which the event is never handled again. */
const FINAL: readonly string[] = ['processed', 'ignored', 'unresolved'] satisfies WebhookOutcome[];
// Provider keys a handler's error might quote (Stripe secret, restricted and webhook keys).
const PROVIDER_KEY = /\b(?:sk|rk|whsec)_[A-Za-z0-9_]+/g;

/** What a failure leaves for operators: the error's name and message, without secret-shaped text. */
function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return scrub(text);
}

const scrub = (text: string) => scrubSecrets(text).replace(PROVIDER_KEY, REDACTED).slice(0, MAX_ERROR_LENGTH);

const toEvent = (stored: { event_id: string; type: string; event_created_at: Date; payload: unknown }) => ({
  id: stored.event_id,
  type: stored.type,
  createdAt: stored.event_created_at,
  payload: stored.payload as Record<string, unknown>,
});

export function createWebhookInbox(db: Database, provider: string, clock: Clock): WebhookInbox {
  const inboxDb = db as unknown as Database<WebhookTables>;
  const kysely = inboxDb.kysely;
  const row = (event: WebhookEvent, now: Date) => ({
    provider,
    event_id: event.id,
    type: event.type,
    event_created_at: event.createdAt,
    received_at: now,
    payload: JSON.stringify(event.payload),
    attempts: 1,
  });

  /** Claims the event for this transaction; returns the status it already had, if any. */
  async function claim(trx: Transaction<WebhookTables>, event: WebhookEvent, now: Date) {
    // Recorded as processed up front (one statement fewer in the common case); the handler's
    // outcome corrects it before commit, and a rollback takes it away with everything else.
    const inserted = await trx
      .insertInto('webhook_events')
      .values({ ...row(event, now), status: 'processed', processed_at: now })
      .onConflict((conflict) => conflict.columns(['provider', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (inserted) return { existing: null, fresh: true };
    const existing = await trx
      .selectFrom('webhook_events')
      .select('status')
      .where('provider', '=', provider)
      .where('event_id', '=', event.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    return { existing: existing.status, fresh: false };
  }

  async function recordFailure(event: WebhookEvent, error: unknown): Promise<void> {
    const now = clock.now();
    const lastError = describeFailure(error);
    // Only a row that is absent or still failed is touched: a concurrent delivery that has
    // processed the event meanwhile keeps its row as it is.
    await kysely
      .insertInto('webhook_events')
      .values({ ...row(event, now), status: 'failed', last_error: lastError, processed_at: null })
      .onConflict((conflict) =>
        conflict
          .columns(['provider', 'event_id'])
          .doUpdateSet((eb) => ({
            attempts: eb('webhook_events.attempts', '+', 1),
            last_error: eb.ref('excluded.last_error'),
          }))
          .where('webhook_events.status', '=', 'failed'),
      )
      .execute();
  }

  /**
   * Records the event as unresolved (rolled back already), unless a concurrent delivery gave it a
   * final outcome meanwhile: that one is answered as a duplicate.
   */
  async function recordUnresolved(event: WebhookEvent, reason: string) {
    const now = clock.now();
    const recorded = await kysely
      .insertInto('webhook_events')
      .values({ ...row(event, now), status: 'unresolved', last_error: scrub(reason), processed_at: now })
      .onConflict((conflict) =>
        conflict
          .columns(['provider', 'event_id'])
          .doUpdateSet((eb) => ({
            status: 'unresolved',
            attempts: eb('webhook_events.attempts', '+', 1),
            last_error: eb.ref('excluded.last_error'),
            processed_at: now,
          }))
          .where('webhook_events.status', '=', 'failed'),
      )
      .returning('status')
      .executeTakeFirst();
    if (recorded) return { duplicate: false, outcome: 'unresolved' as const };
    const existing = await kysely
      .selectFrom('webhook_events')
      .select('status')
      .where('provider', '=', provider)
      .where('event_id', '=', event.id)
      .executeTakeFirstOrThrow();
    return { duplicate: true, outcome: existing.status as WebhookOutcome };
  }

  return {
    async process(event, handler) {
      try {
        return await withTransaction(inboxDb, async (trx) => {
          const now = clock.now();
          const { existing, fresh } = await claim(trx, event, now);
          if (existing !== null && existing !== 'failed') return { duplicate: true, outcome: existing };
          const outcome: WebhookOutcome = await handler(trx, event);
          if (fresh && outcome === 'processed') return { duplicate: false, outcome };
          await trx
            .updateTable('webhook_events')
            .set((eb) => ({
              status: outcome,
              processed_at: now,
              last_error: null,
              attempts: fresh ? 1 : eb('attempts', '+', 1),
            }))
            .where('provider', '=', provider)
            .where('event_id', '=', event.id)
            .execute();
          return { duplicate: false, outcome };
        });
      } catch (error) {
        if (error instanceof UnresolvedWebhookEvent) return recordUnresolved(event, error.reason);
        // The handler's error is what the caller must see; when even recording the failure fails
        // (the database is gone), the provider's retry is what is left.
        await recordFailure(event, error).catch(() => undefined);
        throw error;
      }
    },

    async seen(eventId) {
      const found = await kysely
        .selectFrom('webhook_events')
        .select('event_id')
        .where('provider', '=', provider)
        .where('event_id', '=', eventId)
        .where('status', 'in', FINAL as WebhookOutcome[])
        .executeTakeFirst();
      return found !== undefined;
    },

    async failed(limit = DEFAULT_LIST_LIMIT) {
      const rows = await kysely
        .selectFrom('webhook_events')
        .select(['event_id', 'type', 'event_created_at', 'payload'])
        .where('provider', '=', provider)
        .where('status', '=', 'failed')
        .orderBy('attempts')
        .orderBy('received_at')
        .orderBy('event_id')
        .limit(limit)
        .execute();
      return rows.map(toEvent);
    },

    async unresolved(limit = DEFAULT_LIST_LIMIT) {
      const rows = await kysely
        .selectFrom('webhook_events')
        .select(['event_id', 'type', 'event_created_at', 'payload', 'last_error'])
        .where('provider', '=', provider)
        .where('status', '=', 'unresolved')
        .orderBy('processed_at', 'desc')
        .orderBy('event_id')
        .limit(limit)
        .execute();
      return rows.map((stored) => ({ event: toEvent(stored), reason: stored.last_error }));
    },
  };
}
