// Owns what a creator's subscription price change does to existing subscriptions (called by the
// creators module after the change committed). Every live subscription to the creator gets the new
// price as next_price, compared with what it pays now: a lower price applies from the next renewal
// (a retry in grace included);
// a higher one from the first renewal at least `priceNoticeDays` after the change (a renewal sooner
// keeps the current price for one more period); the same price clears a pending change. Each
// change restarts that clock. No price (subscriptions no longer offered): every live subscription
// ends at its period end. Subscribers whose subscription renews are told by mail, in the same
// transaction. Flags and prices change in one UPDATE per creator (no status changes here: the
// renewal job takes a row in the state it read and sees the new next_price under its row lock).
import { type Clock, type Database, type IdentitySchema, type Mailer, withTransaction } from '@app/platform';
import { sql, type Transaction } from 'kysely';
import { notOfferedMail, priceChangeMail } from './mail.js';
import type { SubscriptionOptions } from './options.js';
import { creatorName, DAY_MS, LIVE_STATUSES, monthsAfter } from './state.js';
import type { SubscriptionTransaction } from './tables.js';

export interface PriceChangeDependencies {
  database: Database;
  clock: Clock;
  mailer: Mailer;
  options: SubscriptionOptions;
}

/** The first renewal (a period end of the anchor) at or after `from`, counting from the current period's end. */
function firstRenewalFrom(anchor: Date, periodIndex: number, from: Date): Date {
  let index = periodIndex + 1;
  while (monthsAfter(anchor, index).getTime() < from.getTime()) index += 1;
  return monthsAfter(anchor, index);
}

export function createPriceChanges(dependencies: PriceChangeDependencies) {
  const { database, clock, mailer, options } = dependencies;
  const noticeMs = options.priceNoticeDays * DAY_MS;

  async function stopOffering(trx: SubscriptionTransaction, creatorId: string, now: Date) {
    const ended = await trx
      .updateTable('fan_subscriptions as s')
      .from('auth_users as fan')
      .set({
        cancel_at_period_end: true,
        end_reason: sql`case when s.cancel_at_period_end then s.end_reason else 'not_offered' end`,
        access_until: sql`s.current_period_end`,
        next_price: null,
        next_price_from: null,
        updated_at: now,
      })
      .whereRef('fan.id', '=', 's.fan_id')
      .where('s.creator_id', '=', creatorId)
      .where('s.status', 'in', LIVE_STATUSES)
      .returning(['fan.email', 's.current_period_end', 's.end_reason'])
      .execute();
    const creator = await creatorName(trx, creatorId);
    for (const row of ended) {
      if (row.end_reason === 'not_offered')
        await mailer.send(notOfferedMail(row.email, creator, row.current_period_end), asIdentity(trx));
    }
  }

  async function reprice(trx: SubscriptionTransaction, creatorId: string, price: number, now: Date) {
    const increaseFrom = new Date(now.getTime() + noticeMs);
    const changed = await trx
      .updateTable('fan_subscriptions as s')
      .from('auth_users as fan')
      .set({
        next_price: sql`case when s.price = ${price} then null else ${price}::integer end`,
        next_price_from: sql`case when s.price = ${price} then null
          when ${price}::integer > s.price then ${increaseFrom}::timestamptz else least(${now}::timestamptz, s.current_period_end) end`,
        updated_at: now,
      })
      .whereRef('fan.id', '=', 's.fan_id')
      .where('s.creator_id', '=', creatorId)
      .where('s.status', 'in', LIVE_STATUSES)
      .returning([
        'fan.email',
        's.price',
        's.next_price_from',
        's.anchor_at',
        's.period_index',
        's.cancel_at_period_end',
      ])
      .execute();
    const creator = await creatorName(trx, creatorId);
    for (const row of changed) {
      if (row.cancel_at_period_end || row.next_price_from === null) continue;
      const from = firstRenewalFrom(row.anchor_at, row.period_index, row.next_price_from);
      await mailer.send(priceChangeMail(row.email, creator, row.price, price, from), asIdentity(trx));
    }
  }

  return {
    /** Applies a committed price change to the creator's live subscriptions (null: no longer offered). */
    async priceChanged(creatorId: string, newPrice: number | null): Promise<void> {
      const now = clock.now();
      await withTransaction(database, async (raw) => {
        const trx = raw as unknown as SubscriptionTransaction;
        if (newPrice === null) await stopOffering(trx, creatorId, now);
        else await reprice(trx, creatorId, newPrice, now);
      });
    },
  };
}

const asIdentity = (trx: SubscriptionTransaction) => trx as unknown as Transaction<IdentitySchema>;
