// Owns one reconciliation pass: for each provider asked, the payments and refunds it reports for the
// period are compared with our orders and reversals, both ways. A payment that succeeded with no
// grant is granted through the same exactly-once path as the webhooks (applyPaidPayment):
// `missing_grant`, repaired. A refund with no reversal is reversed through the reversal service:
// `missing_reversal`, repaired. An order we hold as paid that the provider does not know (looked up
// by id when the listing did not show it): `unknown_to_provider`, open. Amount or currency that
// differ (a payment, or our reversals against the provider's refunds): `amount_mismatch`, open.
// Payments and refunds that match no order of ours (another app on the same account) are skipped.
// Each repair runs in its own transaction (a refund whose payment is not granted yet waits for the
// next run). A provider that cannot be listed fails the run: it is recorded `failed` with the error
// code, the repairs already made stay, and the answer is the provider's 503.
import {
  AppError,
  type Database,
  identityDb,
  type Logger,
  type RequestOrigin,
  recordAudit,
  withTransaction,
} from '@app/platform';
import type { PairlySchema } from '../../../db.js';
import { paymentsNotConfigured } from '../clients.js';
import type { ProviderClients } from '../foundation.js';
import { GRANTED, orderByPayment } from '../orders-repository.js';
import { ReversalNotReady, type Reversals } from '../reversals/service.js';
import type { StoredOrder } from '../tables.js';
import type { ApplyPaidPayment, PaymentProvider } from '../types.js';
import type { Finding, FindingStore, NewFinding, Run } from './findings.js';
import { type ListedPayment, type ListedRefund, type Period, providerListing } from './providers.js';

/** The longest period one run may cover. */
export const MAX_PERIOD_DAYS = 31;
const DAY_MS = 86_400_000;

export interface RunRequest {
  from: Date;
  to: Date;
  /** One provider, or every configured one. */
  provider?: PaymentProvider;
  trigger: 'schedule' | 'finance';
  requestedBy: string | null;
  origin?: RequestOrigin;
}

export interface RunReport {
  run: Run;
  findings: Finding[];
}

interface Tally {
  matched: number;
  repaired: number;
  open: number;
}

const invalidPeriod = (path: string, detail: string) =>
  new AppError({
    kind: 'invalid_input',
    code: 'invalid_period',
    detail,
    fields: [{ path, message: detail }],
  });

/** The period rule: from before to, at most MAX_PERIOD_DAYS long (400 naming the field). */
function checkPeriod(from: Date, to: Date): void {
  if (from.getTime() >= to.getTime()) throw invalidPeriod('/body/to', 'to must be after from.');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw invalidPeriod('/body/to', `The period may be at most ${MAX_PERIOD_DAYS} days long.`);
  }
}

export interface ReconciliationDeps {
  db: Database;
  logger: Logger;
  clock: { now(): Date };
  clients: ProviderClients;
  findings: FindingStore;
  reversals: Reversals;
  applyPaidPayment: ApplyPaidPayment;
}

export function createReconciliation(deps: ReconciliationDeps) {
  const { clients, findings, reversals, applyPaidPayment, logger } = deps;
  const pairly = deps.db as unknown as Database<PairlySchema>;
  const kysely = pairly.kysely;

  const configured = (provider: PaymentProvider) =>
    provider === 'stripe' ? clients.stripe !== null : clients.razorpay !== null;

  async function note(runId: string, tally: Tally, finding: NewFinding): Promise<void> {
    const status = await findings.record(runId, finding);
    if (finding.status === 'repaired') tally.repaired += 1;
    else if (status === 'open') tally.open += 1;
  }

  const mismatch = (order: { amount: number; currency: string }, payment: ListedPayment) =>
    Number(order.amount) !== payment.amount || order.currency !== payment.currency;

  /** Whether the order waits in the order-review queue about this payment. */
  async function inReviewFor(orderId: string, paymentId: string): Promise<boolean> {
    const order = await kysely
      .selectFrom('payment_orders')
      .select(['status', 'provider_payment_id', 'review_reason'])
      .where('id', '=', orderId)
      .executeTakeFirst();
    return (
      order?.status === 'review' &&
      (order.provider_payment_id === paymentId || (order.review_reason ?? '').includes(paymentId))
    );
  }

  async function checkPayment(runId: string, tally: Tally, payment: ListedPayment): Promise<void> {
    const order = await orderByPayment(kysely, payment.provider, payment.paymentId);
    if (order && GRANTED.includes(order.status)) {
      if (!mismatch(order, payment)) {
        tally.matched += 1;
        return;
      }
    }
    const outcome = await withTransaction(pairly, (trx) =>
      applyPaidPayment(trx, {
        provider: payment.provider,
        paymentId: payment.paymentId,
        providerOrderId: payment.providerOrderId,
        orderId: payment.orderId,
        amount: payment.amount,
        currency: payment.currency,
      }),
    );
    switch (outcome.outcome) {
      case 'granted':
        await note(runId, tally, {
          provider: payment.provider,
          kind: 'missing_grant',
          providerObjectId: payment.paymentId,
          orderId: outcome.order.id,
          status: 'repaired',
          detail: {
            amount: payment.amount,
            currency: payment.currency,
            creditsGranted: outcome.order.creditsGranted,
          },
        });
        return;
      case 'already_granted':
      case 'mismatch':
        // Matched when the amounts agree and, for a payment the grant refused, the order-review queue
        // holds the order about this very payment (account frozen, a second payment). A second
        // payment for an order that could not go to review (refunded, disputed) is a finding.
        if (
          !mismatch(outcome.order, payment) &&
          (outcome.outcome === 'already_granted' || (await inReviewFor(outcome.order.id, payment.paymentId)))
        ) {
          tally.matched += 1;
          return;
        }
        await note(
          runId,
          tally,
          mismatchFinding(payment, outcome.order.id, outcome.order.amount, outcome.order.currency),
        );
        return;
      case 'unknown_order':
        return;
    }
  }

  const mismatchFinding = (
    payment: ListedPayment,
    orderId: string,
    orderAmount: number,
    orderCurrency: string,
  ): NewFinding => ({
    provider: payment.provider,
    kind: 'amount_mismatch',
    providerObjectId: payment.paymentId,
    orderId,
    status: 'open',
    detail: {
      provider: { amount: payment.amount, currency: payment.currency },
      order: { amount: Number(orderAmount), currency: orderCurrency },
    },
  });

  /** Applies a refund the webhooks missed; false when it is not ours or not applicable yet. */
  async function repairRefund(
    runId: string,
    tally: Tally,
    order: StoredOrder,
    refund: ListedRefund,
    input: Parameters<Reversals['applyRefund']>[1],
  ): Promise<void> {
    try {
      const outcome = await withTransaction(pairly, (trx) => reversals.applyRefund(trx, input));
      if (outcome.outcome === 'applied') {
        await note(runId, tally, {
          provider: refund.provider,
          kind: 'missing_reversal',
          providerObjectId: refund.refundId,
          orderId: order.id,
          status: 'repaired',
          detail: {
            amount: refund.amount,
            currency: refund.currency,
            creditsReversed: outcome.creditsReversed,
            creditsShort: outcome.creditsShort,
          },
        });
      } else tally.matched += 1;
    } catch (error) {
      if (!(error instanceof ReversalNotReady)) throw error;
    }
  }

  async function checkRefunds(
    runId: string,
    tally: Tally,
    provider: PaymentProvider,
    listed: ListedRefund[],
  ): Promise<void> {
    const listing = providerListing(clients, provider);
    if (provider === 'razorpay') {
      for (const refund of listed.filter((item) => item.succeeded && item.paymentId)) {
        const order = await orderByPayment(kysely, provider, refund.paymentId as string);
        if (!order) continue;
        const known = await kysely
          .selectFrom('payment_reversals')
          .select('id')
          .where('provider', '=', provider)
          .where('provider_reversal_id', '=', refund.refundId)
          .executeTakeFirst();
        if (known) {
          tally.matched += 1;
          continue;
        }
        await repairRefund(runId, tally, order, refund, {
          provider,
          paymentId: refund.paymentId,
          reversalId: refund.refundId,
          amount: refund.amount,
          currency: refund.currency,
          source: `reconciliation:${runId}`,
        });
      }
      return;
    }
    // Stripe: reversals follow each payment's running refunded total (as charge.refunded reports it).
    const payments = new Set(listed.filter((item) => item.paymentId).map((item) => item.paymentId as string));
    for (const paymentId of payments) {
      const order = await orderByPayment(kysely, provider, paymentId);
      if (!order || !GRANTED.includes(order.status)) continue;
      const all = (await listing.refundsOfPayment(paymentId)).filter((item) => item.succeeded);
      const total = all.reduce((sum, item) => sum + item.amount, 0);
      const ours = await withTransaction(pairly, (trx) => reversals.refundedAmount(trx, order.id));
      const newest = [...all].sort(
        (a, b) => b.createdAt - a.createdAt || (a.refundId < b.refundId ? 1 : -1),
      )[0];
      if (total === ours) {
        tally.matched += 1;
      } else if (total > ours && newest) {
        await repairRefund(runId, tally, order, newest, {
          provider,
          paymentId,
          reversalId: `${newest.chargeId ?? paymentId}@${total}`,
          cumulativeAmount: total,
          currency: newest.currency,
          source: `reconciliation:${runId}`,
          memo: { refundIds: all.map((item) => item.refundId) },
        });
      } else {
        await note(runId, tally, {
          provider,
          kind: 'amount_mismatch',
          providerObjectId: `${paymentId}/refunds`,
          orderId: order.id,
          status: 'open',
          detail: { providerRefunded: total, reversed: ours, currency: order.currency },
        });
      }
    }
  }

  /** Our paid orders of the period that the provider's listing did not show, looked up one by one. */
  async function checkOurs(
    runId: string,
    tally: Tally,
    provider: PaymentProvider,
    period: Period,
    seen: Set<string>,
  ): Promise<void> {
    const listing = providerListing(clients, provider);
    const orders = await kysely
      .selectFrom('payment_orders')
      .selectAll()
      .where('provider', '=', provider)
      .where('status', 'in', GRANTED)
      .where('paid_at', '>=', period.from)
      .where('paid_at', '<', period.to)
      .execute();
    for (const order of orders) {
      const paymentId = order.provider_payment_id as string;
      if (seen.has(paymentId)) continue;
      const payment = await listing.payment(paymentId);
      if (payment?.succeeded) {
        if (mismatch(order, payment)) {
          await note(runId, tally, mismatchFinding(payment, order.id, Number(order.amount), order.currency));
        } else tally.matched += 1;
        continue;
      }
      await note(runId, tally, {
        provider,
        kind: 'unknown_to_provider',
        providerObjectId: paymentId,
        orderId: order.id,
        status: 'open',
        detail: {
          providerStatus: payment ? payment.status : 'not_found',
          amount: Number(order.amount),
          currency: order.currency,
          creditsGranted: Number(order.credits_granted),
        },
      });
    }
  }

  async function reconcileProvider(runId: string, tally: Tally, provider: PaymentProvider, period: Period) {
    const listing = providerListing(clients, provider);
    const payments = await listing.payments(period);
    const seen = new Set<string>();
    for (const payment of payments.filter((item) => item.succeeded)) {
      seen.add(payment.paymentId);
      await checkPayment(runId, tally, payment);
    }
    await checkRefunds(runId, tally, provider, await listing.refunds(period));
    await checkOurs(runId, tally, provider, period, seen);
  }

  return {
    configured,

    async run(request: RunRequest): Promise<RunReport> {
      checkPeriod(request.from, request.to);
      if (request.provider && !configured(request.provider)) throw paymentsNotConfigured(request.provider);
      const providers = request.provider
        ? [request.provider]
        : (['stripe', 'razorpay'] as const).filter((provider) => configured(provider));
      if (providers.length === 0) {
        throw new AppError({
          kind: 'unavailable',
          code: 'payments_not_configured',
          detail: 'No payment provider is configured on this server: there is nothing to reconcile with.',
        });
      }
      const runId = await findings.startRun({
        trigger: request.trigger,
        requestedBy: request.requestedBy,
        from: request.from,
        to: request.to,
        providers,
      });
      if (request.origin && request.requestedBy) {
        await recordAudit(identityDb(deps.db), deps.clock, request.origin, {
          actorId: request.requestedBy,
          action: 'payments.reconciliation_run',
          targetType: 'payment_reconciliation_run',
          targetId: runId,
          after: { from: request.from.toISOString(), to: request.to.toISOString(), providers },
        });
      }
      const tally: Tally = { matched: 0, repaired: 0, open: 0 };
      try {
        for (const provider of providers) {
          await reconcileProvider(runId, tally, provider, { from: request.from, to: request.to });
        }
      } catch (error) {
        // Never the provider's own message: it may echo a key.
        const code = error instanceof AppError ? error.code : 'reconciliation_failed';
        logger.warn({ event: 'payments_reconciliation_failed', runId, code }, 'reconciliation run failed');
        await findings.finishRun(runId, { status: 'failed', ...tally, error: code });
        throw error;
      }
      const run = await findings.finishRun(runId, { status: 'completed', ...tally });
      logger.info({ event: 'payments_reconciliation', runId, ...tally }, 'reconciliation run finished');
      return { run, findings: await findings.runFindings(runId) };
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;
