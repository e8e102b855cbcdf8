// Owns the fake Stripe's Checkout Sessions in mode payment (one line item with inline price_data):
// creating one (open, payment_status unpaid, no PaymentIntent yet, as Stripe does today), expiring
// it (API or Stripe's own expiry), and what the customer paying does: a succeeded PaymentIntent
// carrying payment_intent_data.metadata and its charge, the session complete and paid. Test support only.
import type Stripe from 'stripe';
import type { Clock } from '../../time/clock.js';
import checkoutSessionJson from './checkout-session.json' with { type: 'json' };
import type { FakePayments } from './payments.js';
import {
  copy,
  FakeStripeError,
  invalidParam,
  missingParam,
  noSuch,
  onlyKnown,
  type Params,
  positiveInteger,
  seconds,
  strings,
  stripeId,
} from './wire.js';

interface StoredPaymentSession {
  session: Stripe.Checkout.Session;
  intentMetadata: Record<string, string>;
}

const KNOWN = [
  'mode',
  'line_items',
  'customer',
  'customer_email',
  'customer_creation',
  'client_reference_id',
  'metadata',
  'payment_intent_data',
  'success_url',
  'cancel_url',
  'expires_at',
  'locale',
  'payment_method_types',
  'submit_type',
  'expand',
];

export function createFakePaymentCheckout(clock: Clock, payments: FakePayments) {
  const sessions = new Map<string, StoredPaymentSession>();

  /** POST /v1/checkout/sessions with mode=payment */
  const create = (params: Params): Stripe.Checkout.Session => {
    onlyKnown(params, KNOWN);
    const item = (Array.isArray(params.line_items) ? (params.line_items as Params[]) : [])[0];
    if (!item) throw missingParam('line_items');
    const priceData = item.price_data as Params | undefined;
    if (!priceData) throw missingParam('line_items[0][price_data]');
    if (typeof priceData.currency !== 'string') throw missingParam('line_items[0][price_data][currency]');
    const unitAmount = positiveInteger(priceData.unit_amount, 'line_items[0][price_data][unit_amount]');
    const name = (priceData.product_data as Params | undefined)?.name;
    if (typeof name !== 'string' || name === '')
      throw missingParam('line_items[0][price_data][product_data][name]');
    const quantity =
      item.quantity === undefined ? 1 : positiveInteger(item.quantity, 'line_items[0][quantity]');
    if (params.success_url === undefined) throw missingParam('success_url');
    const now = seconds(clock.now());
    let expiresAt = now + 24 * 3600;
    if (params.expires_at !== undefined) {
      expiresAt = positiveInteger(params.expires_at, 'expires_at');
      if (expiresAt < now + 30 * 60 || expiresAt > now + 24 * 3600) {
        throw invalidParam(
          'expires_at',
          'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
        );
      }
    }
    const id = stripeId('cs_test');
    const session = copy(checkoutSessionJson) as unknown as Stripe.Checkout.Session;
    const total = unitAmount * quantity;
    Object.assign(session, {
      id,
      mode: 'payment',
      created: now,
      expires_at: expiresAt,
      amount_subtotal: total,
      amount_total: total,
      currency: priceData.currency.toLowerCase(),
      customer: params.customer ?? null,
      customer_creation: 'if_required',
      customer_email: params.customer_email ?? null,
      client_reference_id: params.client_reference_id ?? null,
      metadata: strings(params.metadata),
      success_url: params.success_url,
      cancel_url: params.cancel_url ?? null,
      payment_method_collection: null,
      submit_type: params.submit_type ?? null,
      url: `https://checkout.stripe.com/c/pay/${id}`,
    });
    const intentData = (params.payment_intent_data ?? {}) as Params;
    sessions.set(id, { session, intentMetadata: strings(intentData.metadata) });
    return copy(session);
  };

  const stored = (id: string): StoredPaymentSession => {
    const entry = sessions.get(id);
    if (!entry) throw noSuch('checkout.session', id, 'session');
    return entry;
  };

  /** POST /v1/checkout/sessions/:id/expire (only an open session), or Stripe expiring it. */
  const expire = (id: string): Stripe.Checkout.Session => {
    const { session } = stored(id);
    if (session.status !== 'open') {
      throw new FakeStripeError(400, {
        type: 'invalid_request_error',
        message: `This Checkout Session is not in an expirable state (status: ${session.status}).`,
      });
    }
    Object.assign(session, { status: 'expired', url: null });
    return copy(session);
  };

  /** The customer pays on the hosted page: a succeeded PaymentIntent and charge; `amount`/`currency` override (a mismatch test). */
  const pay = (
    sessionId: string,
    options: { amount?: number; currency?: string } = {},
  ): { session: Stripe.Checkout.Session; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge } => {
    const { session, intentMetadata } = stored(sessionId);
    if (session.status !== 'open')
      throw new Error(`checkout session ${sessionId} is ${session.status}, not open`);
    const { paymentIntent, charge } = payments.addPaymentIntent({
      amount: options.amount ?? (session.amount_total as number),
      currency: options.currency ?? (session.currency as string),
      metadata: intentMetadata,
    });
    Object.assign(session, {
      status: 'complete',
      payment_status: 'paid',
      payment_intent: paymentIntent.id,
      url: null,
      customer_details: {
        email: session.customer_email ?? 'fan@example.com',
        name: null,
        phone: null,
        address: null,
        tax_exempt: 'none',
        tax_ids: [],
      },
    });
    return { session: copy(session), paymentIntent, charge: charge as Stripe.Charge };
  };

  return {
    create,
    has: (id: string) => sessions.has(id),
    session: (id: string) => copy(stored(id).session),
    expire,
    pay,
  };
}
