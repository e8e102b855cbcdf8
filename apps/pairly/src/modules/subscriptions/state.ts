// Owns the subscription state machine's rules, kept apart from the SQL that applies them: period
// arithmetic (calendar months in UTC from the anchor, the day clamped), the price a renewal charges,
// until when a fan has access in each state, and the one conditional update every change goes
// through (`where id = ? and status = ? and period_index = ?`: a change made from a stale read
// changes nothing, and the caller reads again).
//
//   (subscribe, first period paid) -> active
//   active   --renewal paid-------------------------------> active (next period)
//   active   --renewal refused (credits short / frozen)---> past_due (grace_until = period end + grace)
//   past_due --renewal paid within grace------------------> active (next period, grace cleared)
//   past_due --grace over----------------------------------> lapsed
//   active | past_due --period end with cancel_at_period_end (fan cancelled, creator stopped
//                       offering, a block)-----------------> ended
import type { Selectable } from 'kysely';
import type {
  SubscriptionDb,
  SubscriptionStatus,
  SubscriptionTables,
  SubscriptionTransaction,
} from './tables.js';

type Row = Selectable<SubscriptionTables['fan_subscriptions']>;
type Changes = Partial<Omit<Row, 'id' | 'fan_id' | 'creator_id' | 'anchor_at' | 'created_at'>>;

export const DAY_MS = 86_400_000;
export const LIVE_STATUSES: readonly SubscriptionStatus[] = ['active', 'past_due'];

/** `anchor` plus `months` calendar months (UTC), the day clamped to the target month's last day. */
export function monthsAfter(anchor: Date, months: number): Date {
  const target = new Date(
    Date.UTC(
      anchor.getUTCFullYear(),
      anchor.getUTCMonth() + months,
      1,
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(anchor.getUTCDate(), lastDay));
  return target;
}

/** Period `index` of a subscription anchored at `anchor`. */
export const periodOf = (anchor: Date, index: number) => ({
  start: monthsAfter(anchor, index),
  end: monthsAfter(anchor, index + 1),
});

/**
 * What the renewal at the current period's end charges: next_price once it applies by then (the
 * renewal is at or after next_price_from), else the current price.
 */
export function renewalTerms(
  row: Pick<Row, 'price' | 'next_price' | 'next_price_from' | 'current_period_end'>,
) {
  const applies =
    row.next_price !== null &&
    row.next_price_from !== null &&
    row.next_price_from.getTime() <= row.current_period_end.getTime();
  return { amount: applies ? (row.next_price as number) : row.price, nextPriceApplied: applies };
}

/** How mails name a creator: their handle, read in the caller's transaction. */
export async function creatorName(db: SubscriptionDb | SubscriptionTransaction, creatorId: string) {
  const profile = await db
    .selectFrom('creator_profiles')
    .select('handle')
    .where('user_id', '=', creatorId)
    .executeTakeFirst();
  return profile ? `@${profile.handle}` : 'a creator';
}

/**
 * Until when a live subscription gives access: past_due, its grace; cancelled, its period end;
 * otherwise its period end plus the grace a failed renewal would give (access does not drop between
 * period end and the renewal job's run, and a failed renewal gives no more than that).
 */
export function accessUntil(
  row: Pick<Row, 'status' | 'grace_until' | 'cancel_at_period_end' | 'current_period_end'>,
  graceMs: number,
): Date {
  if (row.status === 'past_due' && row.grace_until) return row.grace_until;
  if (row.cancel_at_period_end) return row.current_period_end;
  return new Date(row.current_period_end.getTime() + graceMs);
}

/** The one way a subscription changes: from the state it was read in, or not at all (null). */
export async function transition(
  db: SubscriptionDb | SubscriptionTransaction,
  from: Pick<Row, 'id' | 'status' | 'period_index'>,
  changes: Changes,
  now: Date,
): Promise<Row | null> {
  const row = await db
    .updateTable('fan_subscriptions')
    .set({ ...changes, updated_at: now })
    .where('id', '=', from.id)
    .where('status', '=', from.status)
    .where('period_index', '=', from.period_index)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}
