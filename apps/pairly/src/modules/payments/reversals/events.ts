// Owns reading the reversal events of both providers (already verified by the webhook endpoint) and
// handing them to the reversal service in the inbox's transaction. Stripe: charge.refunded carries
// the charge with its running refunded total (amount_refunded), so each one reverses only what is not
// reversed yet and an older total delivered late changes nothing; charge.refund.updated reports a
// change to one refund and reverses nothing (the running total is what counts; a refund that failed
// after its reversal shows in reconciliation as amount_mismatch); charge.dispute.created takes back
// the grant; charge.dispute.closed (won or warning_closed) and charge.dispute.funds_reinstated give
// it back, once; lost keeps it. Razorpay: refund.processed reverses each refund id once;
// payment.dispute.created takes back; payment.dispute.won gives back; payment.dispute.lost and
// payment.dispute.closed keep it (closed with status won gives back).
import { UnresolvedWebhookEvent, type WebhookEvent, type WebhookOutcome } from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../../db.js';
import type { ProviderEventRouter } from '../event-router.js';
import type { ReversalOutcome, Reversals } from './service.js';

const STRIPE_REVERSAL_EVENTS = [
  'charge.refunded',
  'charge.refund.updated',
  'charge.dispute.created',
  'charge.dispute.closed',
  'charge.dispute.funds_reinstated',
] as const;

const RAZORPAY_REVERSAL_EVENTS = [
  'refund.processed',
  'payment.dispute.created',
  'payment.dispute.won',
  'payment.dispute.lost',
  'payment.dispute.closed',
] as const;

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null;

function field<T>(object: Obj, name: string, check: (value: unknown) => value is T, what: string): T {
  const value = object[name];
  if (!check(value)) throw new UnresolvedWebhookEvent(`${what} has no valid ${name}`);
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isAmount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
/** Stripe ids may arrive expanded into objects. */
const idOf = (value: unknown): string | null =>
  isString(value) ? value : isObject(value) && isString(value.id) ? value.id : null;

function stripeObject(event: WebhookEvent): Obj {
  const data = event.payload.data;
  if (!isObject(data) || !isObject(data.object)) throw new UnresolvedWebhookEvent('event has no data.object');
  return data.object;
}

function razorpayEntity(event: WebhookEvent, name: string): Obj {
  const payload = event.payload.payload;
  const holder = isObject(payload) ? payload[name] : undefined;
  if (!isObject(holder) || !isObject(holder.entity)) {
    throw new UnresolvedWebhookEvent(`event has no payload.${name}.entity`);
  }
  return holder.entity;
}

const done = (outcome: ReversalOutcome): WebhookOutcome =>
  outcome.outcome === 'stale' ? 'ignored' : 'processed';

export function claimReversalEvents(events: ProviderEventRouter, reversals: Reversals): void {
  const stripeDispute = (event: WebhookEvent) => {
    const dispute = stripeObject(event);
    return {
      provider: 'stripe' as const,
      disputeId: field(dispute, 'id', isString, 'dispute'),
      paymentId: idOf(dispute.payment_intent),
      amount: field(dispute, 'amount', isAmount, 'dispute'),
      currency: field(dispute, 'currency', isString, 'dispute'),
      disputeStatus: isString(dispute.status) ? dispute.status : 'unknown',
      source: event.id,
    };
  };

  events.on('stripe', STRIPE_REVERSAL_EVENTS, async (trx: Transaction<PairlySchema>, event) => {
    switch (event.type) {
      case 'charge.refunded': {
        const charge = stripeObject(event);
        const chargeId = field(charge, 'id', isString, 'charge');
        const total = field(charge, 'amount_refunded', isAmount, 'charge');
        return done(
          await reversals.applyRefund(trx, {
            provider: 'stripe',
            paymentId: idOf(charge.payment_intent),
            reversalId: `${chargeId}@${total}`,
            cumulativeAmount: total,
            currency: field(charge, 'currency', isString, 'charge'),
            source: event.id,
          }),
        );
      }
      case 'charge.refund.updated':
        return 'ignored';
      case 'charge.dispute.created':
        return done(await reversals.openDispute(trx, stripeDispute(event)));
      case 'charge.dispute.funds_reinstated':
        return done(await reversals.closeDispute(trx, { ...stripeDispute(event), won: true }));
      default: {
        const dispute = stripeDispute(event);
        const won = dispute.disputeStatus === 'won' || dispute.disputeStatus === 'warning_closed';
        if (!won && dispute.disputeStatus !== 'lost') return 'ignored';
        return done(await reversals.closeDispute(trx, { ...dispute, won }));
      }
    }
  });

  events.on('razorpay', RAZORPAY_REVERSAL_EVENTS, async (trx: Transaction<PairlySchema>, event) => {
    if (event.type === 'refund.processed') {
      const refund = razorpayEntity(event, 'refund');
      const payment = isObject(event.payload.payload) ? (event.payload.payload as Obj).payment : undefined;
      const paymentEntity = isObject(payment) && isObject(payment.entity) ? payment.entity : {};
      return done(
        await reversals.applyRefund(trx, {
          provider: 'razorpay',
          paymentId: field(refund, 'payment_id', isString, 'refund'),
          providerOrderId: isString(paymentEntity.order_id) ? paymentEntity.order_id : null,
          reversalId: field(refund, 'id', isString, 'refund'),
          amount: field(refund, 'amount', isAmount, 'refund'),
          currency: field(refund, 'currency', isString, 'refund'),
          source: event.id,
        }),
      );
    }
    const dispute = razorpayEntity(event, 'dispute');
    const input = {
      provider: 'razorpay' as const,
      disputeId: field(dispute, 'id', isString, 'dispute'),
      paymentId: field(dispute, 'payment_id', isString, 'dispute'),
      amount: field(dispute, 'amount', isAmount, 'dispute'),
      currency: field(dispute, 'currency', isString, 'dispute'),
      disputeStatus: isString(dispute.status) ? dispute.status : event.type.slice('payment.dispute.'.length),
      source: event.id,
    };
    switch (event.type) {
      case 'payment.dispute.created':
        return done(await reversals.openDispute(trx, input));
      case 'payment.dispute.won':
        return done(await reversals.closeDispute(trx, { ...input, won: true }));
      case 'payment.dispute.lost':
        return done(await reversals.closeDispute(trx, { ...input, won: false }));
      default:
        return done(await reversals.closeDispute(trx, { ...input, won: input.disputeStatus === 'won' }));
    }
  });
}
