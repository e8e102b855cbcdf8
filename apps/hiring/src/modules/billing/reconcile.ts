// Owns reconciliation of local subscriptions with Stripe (docs/billing.md, "Reconciliation"): events
// lost, refused or failed leave drift that webhooks alone never repair. A run first retries the
// events the inbox recorded as failed (fewest attempts first), reports the events recorded as
// unresolved, then lists every Stripe subscription, picks per organisation the one that governs it
// (a live one before an ended one), applies it as seen now and reports each field it changed.
// Subscriptions no organisation can be found for, or whose owners conflict, and organisations with
// several live subscriptions (a double charge: a person refunds one) are reported, never guessed.
// It runs daily on the job runner and on demand for admins (POST /admin/billing/reconcile).
import { AppError, type Database, withTransaction } from '@app/platform';
import type { HiringSchema } from '../../db.js';
import type { Billing } from './index.js';
import { isLive, ownerOf, refusalConflict } from './stripe-ownership.js';
import type { LocalSubscription, SubscriptionSnapshot } from './types.js';
import { createStripeWebhooks, type StripeWebhooks, subscriptionOf } from './webhook-handlers.js';

export const RECONCILE_QUEUE = 'hiring.billing-reconcile';
/** Daily, at a quiet hour (UTC). */
export const RECONCILE_SCHEDULE = '17 3 * * *';
/** Failed events retried per run; the rest wait for the next run. */
const FAILED_EVENTS_PER_RUN = 500;
/** Unresolved events reported per run, newest first. */
const UNRESOLVED_EVENTS_PER_REPORT = 500;

type FieldValue = string | boolean | null;

export interface ReconciliationReport {
  checked: number;
  repaired: {
    organisationId: string;
    subscriptionId: string;
    changes: { field: string; from: FieldValue; to: FieldValue }[];
  }[];
  unresolved: { subscriptionId: string | null; eventId: string | null; reason: string }[];
  /** unresolved: retried events that turned out unresolvable (also listed under `unresolved`). */
  retriedEvents: { processed: number; failed: number; unresolved: number };
}

const COMPARED: (keyof LocalSubscription)[] = [
  'tier',
  'status',
  'stripeCustomerId',
  'stripeSubscriptionId',
  'currentPeriodStart',
  'currentPeriodEnd',
  'cancelAtPeriodEnd',
  'trialEnd',
];

const comparable = (value: LocalSubscription[keyof LocalSubscription]): FieldValue =>
  value instanceof Date ? value.toISOString() : (value as FieldValue);

function changesBetween(before: LocalSubscription, after: LocalSubscription) {
  return COMPARED.map((field) => ({
    field,
    from: comparable(before[field]),
    to: comparable(after[field]),
  })).filter((change) => change.from !== change.to);
}

const LIVE = new Set(['trialing', 'active', 'past_due', 'incomplete']);

/** The subscription that decides an organisation's state: the newest live one, else the newest. */
function governing(snapshots: SubscriptionSnapshot[]): SubscriptionSnapshot {
  const newestFirst = [...snapshots].sort(
    (a, b) => b.currentPeriodStart.getTime() - a.currentPeriodStart.getTime(),
  );
  return (
    newestFirst.find((snapshot) => LIVE.has(snapshot.status)) ?? (newestFirst[0] as SubscriptionSnapshot)
  );
}

export function createReconciliation(
  billing: Billing,
  webhooks: StripeWebhooks = createStripeWebhooks(billing),
) {
  const { store, dependencies } = billing;
  const { clock } = dependencies;
  const db = dependencies.db as Database<HiringSchema>;

  async function retryFailedEvents(report: ReconciliationReport): Promise<void> {
    for (const event of await webhooks.inbox.failed(FAILED_EVENTS_PER_RUN)) {
      try {
        const { outcome } = await webhooks.inbox.process(event, webhooks.handler);
        report.retriedEvents[outcome === 'unresolved' ? 'unresolved' : 'processed'] += 1;
      } catch (error) {
        report.retriedEvents.failed += 1;
        report.unresolved.push({
          subscriptionId: subscriptionOf(event),
          eventId: event.id,
          reason: `still failing: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
    for (const { event, reason } of await webhooks.inbox.unresolved(UNRESOLVED_EVENTS_PER_REPORT)) {
      report.unresolved.push({
        subscriptionId: subscriptionOf(event),
        eventId: event.id,
        reason: reason ?? 'unresolved',
      });
    }
  }

  /**
   * Applies Stripe's state as of `listedAt` (a webhook applied since then is newer and wins); the
   * subscription held locally is brought up to date first when another one governs now.
   */
  async function repair(
    organisationId: string,
    snapshots: SubscriptionSnapshot[],
    listedAt: Date,
    report: ReconciliationReport,
  ) {
    const snapshot = governing(snapshots);
    await store.invalidate(organisationId);
    const before = await store.get(organisationId);
    const held = snapshots.find((listed) => listed.id === before.stripeSubscriptionId && listed !== snapshot);
    try {
      const conflict = await withTransaction(db, async (trx) => {
        if (held) await store.apply(trx, organisationId, held, listedAt);
        if (await store.apply(trx, organisationId, snapshot, listedAt)) return null;
        return refusalConflict(trx, organisationId, snapshot);
      });
      if (conflict) {
        report.unresolved.push({ subscriptionId: snapshot.id, eventId: null, reason: conflict });
        return;
      }
    } catch (error) {
      // One organisation's failure must not stop the run.
      const reason = `could not apply: ${error instanceof Error ? error.message : String(error)}`;
      report.unresolved.push({ subscriptionId: snapshot.id, eventId: null, reason });
      return;
    } finally {
      await store.invalidate(organisationId);
    }
    const changes = changesBetween(before, await store.get(organisationId));
    if (changes.length > 0) report.repaired.push({ organisationId, subscriptionId: snapshot.id, changes });
  }

  return {
    async run(): Promise<ReconciliationReport> {
      const gateway = billing.gateway;
      if (!gateway) {
        throw new AppError({
          kind: 'unavailable',
          code: 'billing_not_configured',
          detail: 'Stripe is not configured on this server: there is nothing to reconcile with.',
        });
      }
      const report: ReconciliationReport = {
        checked: 0,
        repaired: [],
        unresolved: [],
        retriedEvents: { processed: 0, failed: 0, unresolved: 0 },
      };
      await retryFailedEvents(report);
      const byOrganisation = new Map<string, SubscriptionSnapshot[]>();
      // Every page is fetched after this instant, so each state is at least this new.
      const listedAt = clock.now();
      for await (const snapshot of gateway.listSubscriptions()) {
        report.checked += 1;
        const ownership = await ownerOf(store, null, {
          subscriptionId: snapshot.id,
          customerId: snapshot.customerId,
          metadataOrganisation: snapshot.organisationId,
        });
        if ('unresolved' in ownership) {
          report.unresolved.push({
            subscriptionId: snapshot.id,
            eventId: null,
            reason: ownership.unresolved,
          });
          continue;
        }
        const { organisationId } = ownership;
        byOrganisation.set(organisationId, [...(byOrganisation.get(organisationId) ?? []), snapshot]);
      }
      for (const [organisationId, snapshots] of byOrganisation) {
        const live = snapshots.filter((snapshot) => isLive(snapshot.status));
        if (live.length > 1) {
          const ids = live.map((snapshot) => snapshot.id).join(', ');
          for (const snapshot of live) {
            report.unresolved.push({
              subscriptionId: snapshot.id,
              eventId: null,
              reason: `several live subscriptions: organisation ${organisationId} has ${ids}; cancel and refund all but one`,
            });
          }
          continue;
        }
        await repair(organisationId, snapshots, listedAt, report);
      }
      return report;
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;

/** The daily run; without Stripe configured it does nothing. The routes' wiring calls this once. */
export function registerBillingReconciliation(billing: Billing, reconciliation: Reconciliation): void {
  const { jobs, logger } = billing.dependencies;
  jobs.register(RECONCILE_QUEUE, async () => {
    if (!billing.gateway) return;
    const report = await reconciliation.run();
    logger.info(
      {
        event: 'billing_reconciled',
        checked: report.checked,
        repaired: report.repaired.length,
        unresolved: report.unresolved.length,
        retriedEvents: report.retriedEvents,
      },
      'billing reconciliation finished',
    );
    for (const item of report.unresolved)
      logger.warn({ event: 'billing_unresolved', ...item }, 'billing drift needs a person');
  });
  jobs.schedule(RECONCILE_QUEUE, RECONCILE_SCHEDULE);
}
