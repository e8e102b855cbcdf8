// Test support for billing: the app's own subscription store and usage meter over a test app's
// database, key-value store and clock, and a quick way to put an organisation on a tier (what a
// Stripe webhook does through the store's apply()), since Stripe's side is tested elsewhere.
import { type Database, withTransaction } from '@app/platform';
import type { HiringSchema } from '../../src/db.js';
import { createSubscriptionStore } from '../../src/modules/billing/subscriptions.js';
import type { SubscriptionSnapshot, SubscriptionStatus, TierName } from '../../src/modules/billing/types.js';
import { createUsageMeter } from '../../src/modules/billing/usage.js';
import type { HiringTestApp } from '../support/hiring-client.js';

export function billingOf(t: HiringTestApp) {
  const store = createSubscriptionStore({ db: t.db, kv: t.kv, clock: t.clock });
  return { store, usage: createUsageMeter({ db: t.db, clock: t.clock, store }) };
}

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TierChange {
  status?: SubscriptionStatus;
  periodStart?: Date;
  periodEnd?: Date;
  cancelAtPeriodEnd?: boolean;
  trialEnd?: Date | null;
  /** Stripe's time of this state; default: the test clock's now. */
  observedAt?: Date;
  subscriptionId?: string;
}

/** A Stripe snapshot of the organisation's subscription on `tier` (a 30-day period from now by default). */
export function snapshotFor(
  t: HiringTestApp,
  organisationId: string,
  tier: TierName | null,
  change: TierChange = {},
): SubscriptionSnapshot {
  const start = change.periodStart ?? t.clock.now();
  return {
    id: change.subscriptionId ?? `sub_test_${organisationId}`,
    customerId: `cus_test_${organisationId}`,
    organisationId,
    tier,
    status: change.status ?? 'active',
    currentPeriodStart: start,
    currentPeriodEnd: change.periodEnd ?? new Date(start.getTime() + 30 * DAY_MS),
    cancelAtPeriodEnd: change.cancelAtPeriodEnd ?? false,
    trialEnd: change.trialEnd ?? null,
  };
}

/** Applies the state as a webhook would (one transaction, then the cache is dropped); true when it was written. */
export async function putOnTier(
  t: HiringTestApp,
  organisationId: string,
  tier: TierName | null,
  change: TierChange = {},
): Promise<boolean> {
  const { store } = billingOf(t);
  const snapshot = snapshotFor(t, organisationId, tier, change);
  const written = await withTransaction(t.db as Database<HiringSchema>, (trx) =>
    store.apply(trx, organisationId, snapshot, change.observedAt ?? t.clock.now()),
  );
  await store.invalidate(organisationId);
  return written;
}
