// Owns the local subscription state of organisations (hiring_subscriptions, docs/billing.md): reading
// it through a short-lived key-value cache, finding it by Stripe id, remembering the Stripe customer
// (once: an organisation's customer is never replaced by another), and applying Stripe's state with
// one conditional upsert that never lets an older state overwrite a newer one, another customer's
// subscription land on the organisation, or a second live subscription replace the live one.
// Applying a state also sets the organisation's job-postings limit to what the effective
// tier allows, in the same transaction; nothing is ever deleted or unpublished by a tier change.
import type { Clock, Database, KeyValueStore } from '@app/platform';
import type { Selectable } from 'kysely';
import { type HiringTables, hiringDb } from '../../db.js';
import { calendarMonth, effectiveTier, quotaOf, UNPAID_STATUSES } from './tiers.js';
import type {
  HiringTrx,
  LocalSubscription,
  SubscriptionSnapshot,
  SubscriptionStore,
  TierName,
} from './types.js';

/** How long a subscription read stays cached; webhooks and writes invalidate it sooner. */
export const SUBSCRIPTION_CACHE_TTL_MS = 30_000;

type SubscriptionRow = Selectable<HiringTables['hiring_subscriptions']>;

/** Lowercased: PostgreSQL matches a uuid in any case, so `ABC…` and `abc…` are one organisation and one key. */
const cacheKey = (organisationId: string) => `hiring:billing:subscription:${organisationId.toLowerCase()}`;

function toSubscription(row: SubscriptionRow): LocalSubscription {
  return {
    organisationId: row.organisation_id,
    tier: row.tier,
    status: row.status,
    stripeCustomerId: row.stripe_customer_id,
    stripeSubscriptionId: row.stripe_subscription_id,
    currentPeriodStart: row.current_period_start,
    currentPeriodEnd: row.current_period_end,
    cancelAtPeriodEnd: row.cancel_at_period_end,
    trialEnd: row.trial_end,
    stateAt: row.state_at,
  };
}

/** An organisation that never subscribed: free, active, in the calendar month of `now`. */
function freeSubscription(organisationId: string, now: Date): LocalSubscription {
  const period = calendarMonth(now);
  return {
    organisationId,
    tier: 'free',
    status: 'active',
    stripeCustomerId: null,
    stripeSubscriptionId: null,
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
    cancelAtPeriodEnd: false,
    trialEnd: null,
    stateAt: null,
  };
}

const dateFields = ['currentPeriodStart', 'currentPeriodEnd', 'trialEnd', 'stateAt'] as const;

/** The cached form: the stored subscription, or null for "no row" (the free period is computed at read time). */
function parseCached(text: string): LocalSubscription | null {
  const parsed = JSON.parse(text) as Record<string, unknown> | null;
  if (parsed === null) return null;
  for (const field of dateFields) {
    if (typeof parsed[field] === 'string') parsed[field] = new Date(parsed[field]);
  }
  return parsed as unknown as LocalSubscription;
}

/** The effective tier of an organisation, read inside a transaction (free when it never subscribed). */
export async function effectiveTierIn(trx: HiringTrx, organisationId: string): Promise<TierName> {
  const row = await trx
    .selectFrom('hiring_subscriptions')
    .select(['tier', 'status'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row ? effectiveTier(row) : 'free';
}

export function createSubscriptionStore({
  db,
  kv,
  clock,
}: {
  db: Database;
  kv: KeyValueStore;
  clock: Clock;
}): SubscriptionStore {
  const kysely = hiringDb(db);

  async function stored(organisationId: string): Promise<LocalSubscription | null> {
    const cached = await kv.get(cacheKey(organisationId));
    if (cached !== null) return parseCached(cached);
    const row = await kysely
      .selectFrom('hiring_subscriptions')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst();
    const subscription = row ? toSubscription(row) : null;
    await kv.set(cacheKey(organisationId), JSON.stringify(subscription), {
      ttlMs: SUBSCRIPTION_CACHE_TTL_MS,
    });
    return subscription;
  }

  return {
    async get(organisationId) {
      return (await stored(organisationId)) ?? freeSubscription(organisationId, clock.now());
    },

    async invalidate(organisationId) {
      await kv.delete(cacheKey(organisationId));
    },

    async findByStripeSubscription(trx, subscriptionId) {
      const row = await (trx ?? kysely)
        .selectFrom('hiring_subscriptions')
        .selectAll()
        .where('stripe_subscription_id', '=', subscriptionId)
        .executeTakeFirst();
      return row ? toSubscription(row) : null;
    },

    async findByStripeCustomer(trx, customerId) {
      const row = await (trx ?? kysely)
        .selectFrom('hiring_subscriptions')
        .selectAll()
        .where('stripe_customer_id', '=', customerId)
        .executeTakeFirst();
      return row ? toSubscription(row) : null;
    },

    async setCustomer(trx, organisationId, customerId) {
      const now = clock.now();
      const free = freeSubscription(organisationId, now);
      const written = await (trx ?? kysely)
        .insertInto('hiring_subscriptions')
        .values({
          organisation_id: organisationId,
          tier: free.tier,
          status: free.status,
          stripe_customer_id: customerId,
          current_period_start: free.currentPeriodStart,
          current_period_end: free.currentPeriodEnd,
          updated_at: now,
        })
        .onConflict((conflict) =>
          conflict
            .column('organisation_id')
            .doUpdateSet({ stripe_customer_id: customerId, updated_at: now })
            .where((eb) =>
              eb.or([
                eb('hiring_subscriptions.stripe_customer_id', 'is', null),
                eb('hiring_subscriptions.stripe_customer_id', '=', customerId),
              ]),
            ),
        )
        .returning('organisation_id')
        .executeTakeFirst();
      return written !== undefined;
    },

    async apply(trx, organisationId, snapshot: SubscriptionSnapshot, observedAt) {
      const written = await trx
        .insertInto('hiring_subscriptions')
        .values({
          organisation_id: organisationId,
          tier: snapshot.tier ?? 'free',
          status: snapshot.status,
          stripe_customer_id: snapshot.customerId,
          stripe_subscription_id: snapshot.id,
          current_period_start: snapshot.currentPeriodStart,
          current_period_end: snapshot.currentPeriodEnd,
          cancel_at_period_end: snapshot.cancelAtPeriodEnd,
          trial_end: snapshot.trialEnd,
          state_at: observedAt,
          updated_at: clock.now(),
        })
        .onConflict((conflict) =>
          conflict
            .column('organisation_id')
            .doUpdateSet((eb) => ({
              // A snapshot that names no tier keeps the one already known.
              tier: snapshot.tier === null ? eb.ref('hiring_subscriptions.tier') : eb.ref('excluded.tier'),
              status: eb.ref('excluded.status'),
              stripe_customer_id: eb.ref('excluded.stripe_customer_id'),
              stripe_subscription_id: eb.ref('excluded.stripe_subscription_id'),
              current_period_start: eb.ref('excluded.current_period_start'),
              current_period_end: eb.ref('excluded.current_period_end'),
              cancel_at_period_end: eb.ref('excluded.cancel_at_period_end'),
              trial_end: eb.ref('excluded.trial_end'),
              state_at: eb.ref('excluded.state_at'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where((eb) =>
              eb.and([
                eb.or([
                  eb('hiring_subscriptions.state_at', 'is', null),
                  eb('hiring_subscriptions.state_at', '<=', eb.ref('excluded.state_at')),
                ]),
                // Only the organisation's own customer's subscriptions land on it.
                eb.or([
                  eb('hiring_subscriptions.stripe_customer_id', 'is', null),
                  eb('hiring_subscriptions.stripe_customer_id', '=', eb.ref('excluded.stripe_customer_id')),
                ]),
                // No other subscription replaces a live one: an ended one is history, a second
                // live one is a double charge for a person to settle (the handler reports it).
                eb.or([
                  eb('hiring_subscriptions.stripe_subscription_id', 'is', null),
                  eb('hiring_subscriptions.stripe_subscription_id', '=', snapshot.id),
                  eb('hiring_subscriptions.status', 'in', UNPAID_STATUSES),
                ]),
              ]),
            ),
        )
        .returning(['tier', 'status'])
        .executeTakeFirst();
      if (!written) return false;
      await trx
        .updateTable('hiring_organisations')
        .set({ job_postings_limit: quotaOf(effectiveTier(written), 'job_postings') })
        .where('id', '=', organisationId)
        .execute();
      return true;
    },
  };
}
