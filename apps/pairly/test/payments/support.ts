// Test support for pairly payments: a pairly test app wired to a fake Stripe and a fake Razorpay
// (the official SDKs talk to them on 127.0.0.1), with webhook secrets and return origins set, and
// helpers that act as a client (order a pack), as the customer (pay at the provider) and as the
// provider (sign and deliver the events it would send). The fakes share the app's fake clock, so
// signed timestamps and created_at stay within tolerance until a test moves the clock.
import {
  type FakeRazorpay,
  type FakeStripe,
  type RazorpayEventEntities,
  type RazorpaySignedEvent,
  signedEvent,
  startFakeRazorpay,
  startFakeStripe,
} from '@app/platform/testing';
import type Stripe from 'stripe';
import { expect } from 'vitest';
import type { PairlyAppOptions } from '../../src/modules/context.js';
import {
  buildPairlyTestApp,
  keyed,
  type PairlyTestApp,
  type Response,
  type TestUser,
} from '../support/pairly-client.js';

export const RETURN_ORIGIN = 'https://app.example.com';
export const STRIPE_SECRET_KEY = 'sk_test_pairlyPayments';
export const STRIPE_WEBHOOK_SECRET = 'whsec_pairly_test_secret';
export const RAZORPAY_KEY_ID = 'rzp_test_FakeKey0001';
export const RAZORPAY_KEY_SECRET = 'fake_key_secret';
export const RAZORPAY_WEBHOOK_SECRET = 'rzp_webhook_pairly_test_secret';

export interface PaymentsTestEnv {
  t: PairlyTestApp;
  stripe: FakeStripe;
  razorpay: FakeRazorpay;
  close(): Promise<void>;
}

export interface PaymentsTestOptions {
  /** Extra or overriding environment (e.g. RATE_LIMIT_PAYMENTS_PER_MINUTE); `undefined` values remove a default. */
  env?: Record<string, string | undefined>;
  app?: PairlyAppOptions;
}

/** The environment that configures both providers against the given fakes. */
export function paymentsEnv(stripe: FakeStripe, razorpay: FakeRazorpay): Record<string, string> {
  return {
    STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    RAZORPAY_KEY_ID,
    RAZORPAY_KEY_SECRET,
    RAZORPAY_WEBHOOK_SECRET,
    RAZORPAY_API_URL: razorpay.url,
    PAYMENTS_RETURN_ORIGINS: RETURN_ORIGIN,
  };
}

/** Starts both fakes and a pairly app configured for them; close() stops all three. */
export async function startPaymentsApp(options: PaymentsTestOptions = {}): Promise<PaymentsTestEnv> {
  // The fakes are started before the app (its settings carry their URLs); they read the app's
  // clock once it exists.
  let appClock: { now(): Date } | undefined;
  const clock = { now: () => appClock?.now() ?? new Date() };
  const stripe = await startFakeStripe({ clock, apiKey: STRIPE_SECRET_KEY });
  const razorpay = await startFakeRazorpay({ clock, keyId: RAZORPAY_KEY_ID, keySecret: RAZORPAY_KEY_SECRET });
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...paymentsEnv(stripe, razorpay), ...options.env })) {
    if (value !== undefined) env[name] = value;
  }
  let t: PairlyTestApp;
  try {
    t = await buildPairlyTestApp(options.app ?? {}, { env });
  } catch (error) {
    await Promise.all([stripe.close(), razorpay.close()]);
    throw error;
  }
  appClock = t.clock;
  return {
    t,
    stripe,
    razorpay,
    async close() {
      await t.close();
      await Promise.all([stripe.close(), razorpay.close()]);
    },
  };
}

export interface OrderJson {
  id: string;
  packId: string;
  credits: number;
  amount: number;
  currency: string;
  provider: 'stripe' | 'razorpay';
  status: string;
  providerOrderId: string | null;
  checkoutUrl: string | null;
  razorpay: { keyId: string; orderId: string; amount: number; currency: string } | null;
  creditsGranted: number;
  callbackVerified: boolean;
  createdAt: string;
  paidAt: string | null;
}

/** POST /payments/orders as the user (a fresh Idempotency-Key unless given). */
export function postOrder(
  env: PaymentsTestEnv,
  user: TestUser,
  body: Record<string, unknown>,
  key?: string,
): Promise<Response> {
  return keyed(env.t, user, { method: 'POST', url: '/payments/orders', payload: body, ...(key && { key }) });
}

/** The body of a Stripe order for the pack (USD unless told), with return URLs on the allowed origin. */
export const stripeOrderBody = (packId = 'starter', currency = 'USD') => ({
  packId,
  currency,
  successUrl: `${RETURN_ORIGIN}/credits?checkout=done`,
  cancelUrl: `${RETURN_ORIGIN}/credits`,
});

/** Orders a pack and expects 201; answers the order. */
export async function order(
  env: PaymentsTestEnv,
  user: TestUser,
  body: Record<string, unknown>,
  key?: string,
): Promise<OrderJson> {
  const response = await postOrder(env, user, body, key);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as OrderJson;
}

export async function getOrder(env: PaymentsTestEnv, user: TestUser, orderId: string): Promise<OrderJson> {
  const response = await env.t.app.inject({
    method: 'GET',
    url: `/payments/orders/${orderId}`,
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as OrderJson;
}

/** A signed delivery for POST /webhooks/stripe or /webhooks/razorpay. */
export interface Delivery {
  url: '/webhooks/stripe' | '/webhooks/razorpay';
  body: string;
  headers: Record<string, string>;
  /** The provider's event id. */
  eventId: string;
  type: string;
}

/** A Stripe event carrying `object`, signed at the app's current time (or `timestamp`). */
export function stripeDelivery(
  env: PaymentsTestEnv,
  input: { type: string; object: unknown; id?: string; created?: Date },
  signing: { secret?: string; timestamp?: Date } = {},
): Delivery {
  const signed = signedEvent(
    input,
    signing.secret ?? STRIPE_WEBHOOK_SECRET,
    signing.timestamp ?? env.t.clock.now(),
  );
  return {
    url: '/webhooks/stripe',
    body: signed.payload,
    headers: { 'content-type': 'application/json', 'stripe-signature': signed.header },
    eventId: signed.event.id,
    type: input.type,
  };
}

/** A Razorpay event carrying `entities`, created at the app's current time (or `createdAt`). */
export function razorpayDelivery(
  env: PaymentsTestEnv,
  type: string,
  entities: RazorpayEventEntities,
  signing: { secret?: string; eventId?: string; createdAt?: Date } = {},
): Delivery {
  const signed: RazorpaySignedEvent = env.razorpay.signedEvent(type, entities, {
    secret: signing.secret ?? RAZORPAY_WEBHOOK_SECRET,
    ...(signing.eventId && { eventId: signing.eventId }),
    createdAt: signing.createdAt ?? env.t.clock.now(),
  });
  return {
    url: '/webhooks/razorpay',
    body: signed.body,
    headers: { ...signed.headers },
    eventId: signed.eventId,
    type,
  };
}

/** Delivers one signed event to the app, as the provider would. */
export function deliver(env: PaymentsTestEnv, delivery: Delivery): Promise<Response> {
  return env.t.app.inject({
    method: 'POST',
    url: delivery.url,
    headers: delivery.headers,
    payload: delivery.body,
  });
}

/**
 * The customer pays a Stripe order at Checkout (optionally a different amount or currency), and the
 * events Stripe then sends: checkout.session.completed, payment_intent.succeeded and charge.succeeded
 * (a type purchases does not claim).
 */
export function payStripe(
  env: PaymentsTestEnv,
  orderJson: Pick<OrderJson, 'providerOrderId'>,
  paid: { amount?: number; currency?: string } = {},
): { paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge; events: Delivery[] } {
  const { session, paymentIntent, charge } = env.stripe.payCheckout(
    orderJson.providerOrderId as string,
    paid,
  );
  // A customer who paid another amount or currency: the session reports what was paid too.
  if (paid.amount !== undefined) session.amount_total = paid.amount;
  if (paid.currency !== undefined) session.currency = paid.currency;
  return {
    paymentIntent,
    charge,
    events: [
      stripeDelivery(env, { type: 'checkout.session.completed', object: session }),
      stripeDelivery(env, { type: 'payment_intent.succeeded', object: paymentIntent }),
      stripeDelivery(env, { type: 'charge.succeeded', object: charge }),
    ],
  };
}

/**
 * The customer pays a Razorpay order in the widget (optionally a different amount or currency), and
 * the events Razorpay then sends: payment.authorized (not claimed), payment.captured and order.paid.
 */
export function payRazorpay(
  env: PaymentsTestEnv,
  orderJson: Pick<OrderJson, 'providerOrderId'>,
  paid: { amount?: number; currency?: string } = {},
): { paymentId: string; events: Delivery[] } {
  const { payment, order: razorpayOrder } = env.razorpay.capturePayment(
    orderJson.providerOrderId as string,
    paid,
  );
  return {
    paymentId: payment.id,
    events: [
      razorpayDelivery(env, 'payment.authorized', {
        payment: { ...payment, status: 'authorized', captured: false },
      }),
      razorpayDelivery(env, 'payment.captured', { payment }),
      razorpayDelivery(env, 'order.paid', { payment, order: razorpayOrder }),
    ],
  };
}

/** The purchase grants in the ledger for a user (their count and sum). */
export async function purchaseGrants(
  env: PaymentsTestEnv,
  userId: string,
): Promise<{ count: number; sum: number }> {
  const { rows } = await env.t.db.executeSql(
    `select count(*)::int as count, coalesce(sum(t.amount), 0)::bigint as sum
       from credit_transfers t join credit_accounts a on a.id = t.credit_account_id
      where t.kind = 'purchase' and a.owner_id = $1`,
    [userId],
  );
  const row = rows[0] as { count: number; sum: number | string };
  return { count: row.count, sum: Number(row.sum) };
}

/** Rows of payment_orders, for checks that nothing was stored. */
export async function orderCount(env: PaymentsTestEnv, userId?: string): Promise<number> {
  const { rows } = userId
    ? await env.t.db.executeSql('select count(*)::int as n from payment_orders where user_id = $1', [userId])
    : await env.t.db.executeSql('select count(*)::int as n from payment_orders');
  return (rows[0] as { n: number }).n;
}

/** Fisher–Yates with a seeded generator, so a failing order can be replayed from its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(next() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
