// Owns the subscriptions service: a fan subscribes to a creator at the creator's monthly price (the
// first period charged at once through the ledger, once per Idempotency-Key, in the transaction that
// stores the subscription), cancels (no renewal; access until the period end, no refund) or
// resumes before the period end, and lists their subscriptions; a creator lists their subscribers.
// Other modules ask about access (access.ts). The renewal job (renewal.ts) and price changes
// (price-changes.ts, told by the creators module) are built here from the same dependencies.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { PairlyContext } from '../context.js';
import { creatorChargeLegs } from '../credits/creator-charges.js';
import type { OperationResult } from '../credits/idempotency.js';
import { postLegs } from '../credits/ledger.js';
import { cursorFrom, pageOf } from '../safety/paging.js';
import {
  alreadySubscribed,
  creatorNotFound,
  subscribeToSelf,
  subscriptionNotFound,
  subscriptionNotLive,
  subscriptionPriceChanged,
  subscriptionsNotOffered,
} from './errors.js';
import { subscriptionOptions } from './options.js';
import { createPriceChanges } from './price-changes.js';
import { createRenewal } from './renewal.js';
import type {
  SubscribeInput,
  SubscribeReceipt,
  SubscriberListQuery,
  SubscriberView,
  SubscriptionListQuery,
  SubscriptionView,
} from './schemas.js';
import { accessUntil, DAY_MS, LIVE_STATUSES, periodOf, transition } from './state.js';
import { type StoredSubscription, type SubscriptionTransaction, subscriptionDb } from './tables.js';

/** What subscriptions need of the creators module. */
export interface SubscriptionCreators {
  /** The creator's monthly price; null when not a creator or no subscriptions offered. */
  subscriptionPriceOf(creatorId: string): Promise<number | null>;
  /** Called after a committed price change. */
  onSubscriptionPriceChanged(
    listener: (creatorId: string, oldPrice: number | null, newPrice: number | null) => Promise<void> | void,
  ): void;
}

export type SubscriptionDependencies = Pick<
  PairlyContext,
  'db' | 'clock' | 'logger' | 'identity' | 'credits' | 'creditsOptions' | 'safety' | 'options'
> & { creators: SubscriptionCreators };

const iso = (at: Date | null) => (at ? at.toISOString() : null);

export function toSubscriptionView(row: StoredSubscription, now: Date): SubscriptionView {
  const live = LIVE_STATUSES.includes(row.status) && row.access_until > now;
  return {
    id: row.id,
    creatorId: row.creator_id,
    status: row.status,
    price: row.price,
    nextPrice: row.next_price,
    nextPriceFrom: iso(row.next_price_from),
    currentPeriodStart: row.current_period_start.toISOString(),
    currentPeriodEnd: row.current_period_end.toISOString(),
    cancelAtPeriodEnd: row.cancel_at_period_end,
    endReason: row.end_reason,
    graceUntil: iso(row.grace_until),
    accessUntil: live ? row.access_until.toISOString() : null,
    endedAt: iso(row.ended_at),
    createdAt: row.created_at.toISOString(),
  };
}

const position = (row: { created_at: Date; id: string }) => ({ createdAt: row.created_at, id: row.id });

export function createSubscriptions(dependencies: SubscriptionDependencies) {
  const { db: database, clock, logger, identity, credits, creditsOptions, safety, creators } = dependencies;
  const options = subscriptionOptions(dependencies.options.subscriptions);
  const graceMs = options.graceDays * DAY_MS;
  const db = subscriptionDb(database);
  const renewal = createRenewal({
    database,
    db,
    clock,
    logger,
    credits,
    feeBps: creditsOptions.messageFeeBps,
    mailer: identity.mailer,
    options,
  });
  const priceChanges = createPriceChanges({ database, clock, mailer: identity.mailer, options });

  // Awaited by the creators module after the change commits; a failure is logged, never thrown back.
  creators.onSubscriptionPriceChanged((creatorId, _oldPrice, newPrice) =>
    priceChanges
      .priceChanged(creatorId, newPrice)
      .catch((error: unknown) =>
        logger.error(
          { event: 'subscription_price_change_failed', creatorId, newPrice, err: error },
          'subscription price change not applied',
        ),
      ),
  );

  /** The fan's own subscription; anyone else's (or none) is a 404. */
  async function own(fanId: string, subscriptionId: string): Promise<StoredSubscription> {
    const row = await db
      .selectFrom('fan_subscriptions')
      .selectAll()
      .where('id', '=', subscriptionId)
      .where('fan_id', '=', fanId)
      .executeTakeFirst();
    if (!row) throw subscriptionNotFound();
    return row;
  }

  /** Sets the cancel flag of the fan's live subscription from the state read, reading again after a lost race. */
  async function setCancel(
    fanId: string,
    subscriptionId: string,
    check: (row: StoredSubscription, now: Date) => Promise<void>,
    cancel: boolean,
  ): Promise<SubscriptionView> {
    for (;;) {
      const row = await own(fanId, subscriptionId);
      const now = clock.now();
      if (!LIVE_STATUSES.includes(row.status)) throw subscriptionNotLive();
      await check(row, now);
      if (row.cancel_at_period_end === cancel) return toSubscriptionView(row, now);
      const flags = { cancel_at_period_end: cancel, end_reason: cancel ? ('cancelled' as const) : null };
      const changed = await transition(
        db,
        row,
        { ...flags, access_until: accessUntil({ ...row, ...flags }, graceMs) },
        now,
      );
      if (changed) return toSubscriptionView(changed, now);
    }
  }

  return {
    options,
    /** One run of the renewal job (renewal.ts). */
    renewDue: renewal.renewDue,
    /** Applies a creator's committed price change (also called through the creators module's listener). */
    priceChanged: priceChanges.priceChanged,

    /** Subscribes the fan at the creator's price, paying the first period now; once per client key. */
    async subscribe(
      fanId: string,
      creatorId: string,
      input: SubscribeInput,
      idempotencyKey: string,
    ): Promise<OperationResult<SubscribeReceipt>> {
      if (creatorId === fanId) throw subscribeToSelf();
      // Refused before the key is used: an unknown, non-offering or blocked creator is one 404.
      if ((await creators.subscriptionPriceOf(creatorId)) === null) throw creatorNotFound();
      if (await safety.isBlockedEitherWay(fanId, creatorId)) throw creatorNotFound();
      const payerAccountId = await credits.accountOf(fanId, 'spendable');
      const creatorAccountId = await credits.accountOf(creatorId, 'earnings');
      return credits.operations.run(
        {
          scope: fanId,
          key: idempotencyKey,
          operation: 'subscribe',
          params: { creatorId, expectedPrice: input.expectedPrice ?? null },
        },
        async (raw, operationId) => {
          const trx = raw as unknown as SubscriptionTransaction;
          // Shared lock: a price change waits for this subscription, whose row it then re-prices.
          const profile = await trx
            .selectFrom('creator_profiles')
            .select('subscription_price')
            .where('user_id', '=', creatorId)
            .forShare()
            .executeTakeFirst();
          const price = profile?.subscription_price ?? null;
          if (price === null) throw creatorNotFound();
          if (input.expectedPrice !== undefined && input.expectedPrice !== price)
            throw subscriptionPriceChanged(price);
          const now = clock.now();
          const id = randomUUID();
          const period = periodOf(now, 0);
          const fresh = {
            status: 'active' as const,
            grace_until: null,
            cancel_at_period_end: false,
            current_period_end: period.end,
          };
          const row = await trx
            .insertInto('fan_subscriptions')
            .values({
              id,
              fan_id: fanId,
              creator_id: creatorId,
              price,
              anchor_at: now,
              period_index: 0,
              current_period_start: period.start,
              ...fresh,
              access_until: accessUntil(fresh, graceMs),
              created_at: now,
              updated_at: now,
            })
            .onConflict((conflict) =>
              conflict.columns(['fan_id', 'creator_id']).where('status', 'in', LIVE_STATUSES).doNothing(),
            )
            .returningAll()
            .executeTakeFirst();
          if (!row) throw alreadySubscribed();
          const legs = creatorChargeLegs({
            payerAccountId,
            creatorAccountId,
            amount: price,
            feeBps: creditsOptions.messageFeeBps,
            kind: 'subscription',
            memo: { subscriptionId: id, periodIndex: 0 },
          });
          const transfers = await postLegs(raw, legs, operationId, now);
          await trx
            .insertInto('subscription_charges')
            .values({
              subscription_id: id,
              period_index: 0,
              amount: price,
              operation_id: operationId,
              period_start: period.start,
              period_end: period.end,
              charged_at: now,
            })
            .execute();
          const balanceAfter = transfers.at(-1)?.debitBalanceAfter ?? 0;
          return { status: 201, body: { ...toSubscriptionView(row, now), balanceAfter } };
        },
      );
    },

    /** Stops renewal: the subscription ends at its period end (access until then, no refund). */
    cancel(fanId: string, subscriptionId: string): Promise<SubscriptionView> {
      return setCancel(fanId, subscriptionId, async () => {}, true);
    },

    /** Undoes a cancel before the period end, while the creator still offers subscriptions. */
    resume(fanId: string, subscriptionId: string): Promise<SubscriptionView> {
      return setCancel(
        fanId,
        subscriptionId,
        async (row, now) => {
          if (!row.cancel_at_period_end) return;
          if (row.current_period_end <= now) throw subscriptionNotLive();
          const offered = (await creators.subscriptionPriceOf(row.creator_id)) !== null;
          if (!offered || (await safety.isBlockedEitherWay(fanId, row.creator_id)))
            throw subscriptionsNotOffered();
        },
        false,
      );
    },

    /** The fan's subscriptions, newest first: live ones, or all. */
    async listOwn(fanId: string, query: SubscriptionListQuery) {
      const limit = query.limit ?? 20;
      const after = cursorFrom(query.cursor);
      let select = db
        .selectFrom('fan_subscriptions')
        .selectAll()
        .where('fan_id', '=', fanId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1);
      if (query.status !== 'all') select = select.where('status', 'in', LIVE_STATUSES);
      if (after)
        select = select.where((eb) =>
          eb.or([
            eb('created_at', '<', after.createdAt),
            eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)]),
          ]),
        );
      const now = clock.now();
      return pageOf(await select.execute(), limit, (row) => toSubscriptionView(row, now), position);
    },

    /** The creator's live subscribers (none blocked either way), newest first; no contact details. */
    async listSubscribers(creatorId: string, query: SubscriberListQuery) {
      const limit = query.limit ?? 20;
      const after = cursorFrom(query.cursor);
      let select = db
        .selectFrom('fan_subscriptions as s')
        .selectAll('s')
        .where('s.creator_id', '=', creatorId)
        .where('s.status', 'in', LIVE_STATUSES)
        .where(
          sql<boolean>`not exists (select 1 from user_blocks b
            where (b.blocker_id = s.creator_id and b.blocked_id = s.fan_id)
               or (b.blocker_id = s.fan_id and b.blocked_id = s.creator_id))`,
        )
        .orderBy('s.created_at', 'desc')
        .orderBy('s.id', 'desc')
        .limit(limit + 1);
      if (after)
        select = select.where((eb) =>
          eb.or([
            eb('s.created_at', '<', after.createdAt),
            eb.and([eb('s.created_at', '=', after.createdAt), eb('s.id', '<', after.id)]),
          ]),
        );
      return pageOf(await select.execute(), limit, toSubscriberView, position);
    },
  };
}

function toSubscriberView(row: StoredSubscription): SubscriberView {
  return {
    subscriptionId: row.id,
    fanId: row.fan_id,
    status: row.status as SubscriberView['status'],
    price: row.price,
    currentPeriodEnd: row.current_period_end.toISOString(),
    cancelAtPeriodEnd: row.cancel_at_period_end,
    since: row.created_at.toISOString(),
  };
}

export type Subscriptions = ReturnType<typeof createSubscriptions>;
