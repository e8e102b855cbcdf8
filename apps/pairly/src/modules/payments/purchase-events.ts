// Owns what verified provider events do to orders (docs/payments.md, "Events and grants"). Claimed
// on the payments event router; each runs inside the webhook inbox's transaction, so the event's
// record and its effects commit together. Paid events are read from the event's own object (the
// signature vouches for it) into a ProviderPayment and handed to applyPaidPayment (grants.ts), the
// only path that grants:
//   stripe  checkout.session.completed (payment_status paid), checkout.session.async_payment_succeeded,
//           payment_intent.succeeded (with metadata.orderId): the PaymentIntent id is the payment id,
//           so a session's two events grant once;
//   razorpay payment.captured, order.paid: the payment entity's id, amount and currency.
// The order is the one holding the payment, else the provider's order (Razorpay order id, Stripe
// Checkout Session), else, only when the provider names none, the order our metadata / notes name; a
// payment whose notes name another order than its provider order is no order of ours (unresolved).
// A payment that cannot be granted as it is (amount, currency, another payment) leaves the order in
// review and the event `unresolved` (answered 2xx; the order's review_reason says why); a payment for
// no order of ours is an UnresolvedWebhookEvent (kept with its reason for reconciliation). Ended
// checkouts (stripe checkout.session.expired, payment_intent.payment_failed; razorpay payment.failed)
// move an order from `created` only: a late success still grants.
import { UnresolvedWebhookEvent, type WebhookEvent, type WebhookOutcome } from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';
import type { PaymentsFoundation } from './foundation.js';
import { isUuid, markEnded } from './orders-repository.js';
import type { ApplyPaidPayment, PaymentProvider, ProviderPayment } from './types.js';

type Raw = Record<string, unknown>;

const PURCHASE_EVENTS: Readonly<Record<PaymentProvider, readonly string[]>> = {
  stripe: [
    'checkout.session.completed',
    'checkout.session.async_payment_succeeded',
    'checkout.session.expired',
    'payment_intent.succeeded',
    'payment_intent.payment_failed',
  ],
  razorpay: ['payment.captured', 'order.paid', 'payment.failed'],
};

const record = (value: unknown): Raw | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : null;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const idOf = (value: unknown): string | null => text(value) ?? text(record(value)?.id);
const minorUnits = (value: unknown): number | null =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;

function malformed(event: WebhookEvent, what: string): UnresolvedWebhookEvent {
  return new UnresolvedWebhookEvent(`malformed ${event.type} ${event.id}: ${what}`);
}

/** Stripe: the event's object (data.object). */
function stripeObject(event: WebhookEvent): Raw {
  const object = record(record(event.payload.data)?.object);
  if (!object) throw malformed(event, 'no data.object');
  return object;
}

/** Razorpay: one entity of the event's payload (payload.<name>.entity). */
function razorpayEntity(event: WebhookEvent, name: 'payment' | 'order'): Raw | null {
  return record(record(record(event.payload.payload)?.[name])?.entity);
}

function amountAndCurrency(event: WebhookEvent, amount: unknown, currency: unknown) {
  const paid = minorUnits(amount);
  const code = text(currency);
  if (paid === null || code === null) throw malformed(event, 'no amount or currency');
  return { amount: paid, currency: code.toUpperCase() };
}

/** The paid payment a Stripe event reports, or null when it reports none of ours. */
function stripePaymentOf(event: WebhookEvent): ProviderPayment | null {
  const object = stripeObject(event);
  const metadata = record(object.metadata) ?? {};
  if (event.type === 'payment_intent.succeeded') {
    const orderId = text(metadata.orderId);
    // PaymentIntents made for other purposes carry no order of ours.
    if (!orderId) return null;
    const id = text(object.id);
    if (!id) throw malformed(event, 'no PaymentIntent id');
    return {
      provider: 'stripe',
      paymentId: id,
      providerOrderId: null,
      orderId,
      ...amountAndCurrency(event, object.amount_received ?? object.amount, object.currency),
    };
  }
  // checkout.session.completed / async_payment_succeeded
  if (object.mode !== 'payment') return null;
  // Completed with a delayed method (bank debit): paid later, by async_payment_succeeded.
  if (object.payment_status !== 'paid') return null;
  const sessionId = text(object.id);
  const paymentId = idOf(object.payment_intent);
  if (!sessionId || !paymentId) throw malformed(event, 'no session id or payment_intent');
  return {
    provider: 'stripe',
    paymentId,
    providerOrderId: sessionId,
    orderId: text(metadata.orderId) ?? text(object.client_reference_id),
    ...amountAndCurrency(event, object.amount_total, object.currency),
  };
}

/** The captured payment a Razorpay event reports. */
function razorpayPaymentOf(event: WebhookEvent): ProviderPayment {
  const payment = razorpayEntity(event, 'payment');
  if (!payment) throw malformed(event, 'no payload.payment.entity');
  const order = razorpayEntity(event, 'order');
  const paymentId = text(payment.id);
  if (!paymentId) throw malformed(event, 'no payment id');
  // Razorpay sends notes as [] when there are none.
  const notes = record(payment.notes) ?? {};
  const orderNotes = record(order?.notes) ?? {};
  const orderId =
    [notes.orderId, orderNotes.orderId, order?.receipt].map(text).find((candidate) => isUuid(candidate)) ??
    null;
  return {
    provider: 'razorpay',
    paymentId,
    providerOrderId: text(payment.order_id) ?? text(order?.id),
    orderId,
    ...amountAndCurrency(event, payment.amount, payment.currency),
  };
}

function describe(payment: ProviderPayment): string {
  return `${payment.provider} payment ${payment.paymentId} (order ${payment.orderId ?? 'not named'}, provider order ${payment.providerOrderId ?? 'not named'})`;
}

async function applyPayment(
  trx: Transaction<PairlySchema>,
  applyPaidPayment: ApplyPaidPayment,
  payment: ProviderPayment | null,
): Promise<WebhookOutcome> {
  if (!payment) return 'ignored';
  const result = await applyPaidPayment(trx, payment);
  switch (result.outcome) {
    case 'granted':
    case 'already_granted':
      return 'processed';
    case 'mismatch':
      // The order's move to review must commit, so this is answered, not thrown.
      return 'unresolved';
    case 'unknown_order':
      throw new UnresolvedWebhookEvent(
        payment.orderId !== null && payment.providerOrderId !== null
          ? `unknown_order: ${describe(payment)}: no order of ours is both (the provider order decides; nothing changed)`
          : `unknown_order: no order of ours for ${describe(payment)}`,
      );
  }
}

/** Claims the purchase events on the payments event router. */
export function registerPurchaseEvents(
  foundation: PaymentsFoundation,
  applyPaidPayment: ApplyPaidPayment,
): void {
  const { events } = foundation;
  const { clock } = foundation.dependencies;

  events.on('stripe', PURCHASE_EVENTS.stripe, async (trx, event) => {
    if (event.type === 'checkout.session.expired' || event.type === 'payment_intent.payment_failed') {
      const object = stripeObject(event);
      const orderId = text(record(object.metadata)?.orderId);
      const sessionId = event.type === 'checkout.session.expired' ? text(object.id) : null;
      const by = orderId ? { id: orderId } : sessionId ? { providerOrderId: sessionId } : null;
      if (!by) return 'ignored';
      const status = event.type === 'checkout.session.expired' ? 'expired' : 'failed';
      await markEnded(trx, 'stripe', by, status, clock.now());
      return 'processed';
    }
    return applyPayment(trx, applyPaidPayment, stripePaymentOf(event));
  });

  events.on('razorpay', PURCHASE_EVENTS.razorpay, async (trx, event) => {
    if (event.type === 'payment.failed') {
      const payment = razorpayEntity(event, 'payment');
      const orderId = text(record(payment?.notes)?.orderId);
      const providerOrderId = text(payment?.order_id);
      // The provider's order first: notes are the browser's to set.
      const by = providerOrderId ? { providerOrderId } : isUuid(orderId) ? { id: orderId } : null;
      if (!by) return 'ignored';
      await markEnded(trx, 'razorpay', by, 'failed', clock.now());
      return 'processed';
    }
    return applyPayment(trx, applyPaidPayment, razorpayPaymentOf(event));
  });
}
