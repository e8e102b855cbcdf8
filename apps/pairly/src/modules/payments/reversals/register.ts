// Owns assembling refunds, chargebacks, the finance review queue and reconciliation (docs/payments.md,
// "Refunds, chargebacks and reviews", "Reconciliation"): claims the reversal event types on the
// payments event router, registers the staff routes, and schedules the daily reconciliation job
// (the last two days, so a webhook that was late by a day is still compared). Called from
// payments/register.ts.
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../../context.js';
import { createFindingStore } from '../reconciliation/findings.js';
import { registerReconciliationRoutes } from '../reconciliation/routes.js';
import { createReconciliation } from '../reconciliation/service.js';
import type { ApplyPaidPayment } from '../types.js';
import { claimReversalEvents } from './events.js';
import { registerOrderReviewRoutes } from './order-reviews.js';
import { createReviewQueue } from './reviews.js';
import { registerReviewRoutes } from './routes.js';
import { createReversals } from './service.js';

export const RECONCILE_QUEUE = 'pairly.payments-reconcile';
/** Daily at 02:23 UTC. */
export const RECONCILE_SCHEDULE = '23 2 * * *';
/** What the daily run covers: the two days before it. */
const SCHEDULED_PERIOD_MS = 2 * 86_400_000;

export function registerReversals(
  app: PlatformServer,
  context: PairlyContext,
  applyPaidPayment: ApplyPaidPayment,
): void {
  const { db, clock, logger, runner, payments } = context;
  const reversals = createReversals(clock);
  claimReversalEvents(payments.events, reversals);

  registerReviewRoutes(app, context, createReviewQueue(db, clock));
  registerOrderReviewRoutes(app, context);

  const findings = createFindingStore(db, clock);
  const reconciliation = createReconciliation({
    db,
    logger,
    clock,
    clients: payments.clients,
    findings,
    reversals,
    applyPaidPayment,
  });
  registerReconciliationRoutes(app, context, reconciliation, findings);

  runner.register(RECONCILE_QUEUE, async () => {
    if (!reconciliation.configured('stripe') && !reconciliation.configured('razorpay')) return;
    const to = clock.now();
    await reconciliation.run({
      from: new Date(to.getTime() - SCHEDULED_PERIOD_MS),
      to,
      trigger: 'schedule',
      requestedBy: null,
    });
  });
  runner.schedule(RECONCILE_QUEUE, RECONCILE_SCHEDULE);
}
