// Test support for billing's Stripe side: a hiring app whose Stripe is the fake Stripe on 127.0.0.1
// (the official SDK through STRIPE_API_URL), with prices, a webhook secret and an allowed return
// origin; helpers that deliver events signed with the SDK's test-header helper, and that take an
// organisation through a real checkout (API, fake Stripe's hosted page, webhook).
import { type FakeStripe, type SignedEvent, signedEvent, startFakeStripe } from '@app/platform/testing';
import {
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  type Response,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';

export const PRICES = {
  starter: 'price_starter_test',
  pro: 'price_pro_test',
  enterprise: 'price_enterprise_test',
};
export const WEBHOOK_SECRET = 'whsec_test_current_5f0c2d7e1b3a4e8f9c6d0a1b';
/** The secret being rotated out: still accepted while it is listed. */
export const PREVIOUS_WEBHOOK_SECRET = 'whsec_test_previous_8a7b6c5d4e3f4a1b8c9d';
export const RETURN_ORIGIN = 'https://app.example.com';

export interface BillingTestApp {
  t: HiringTestApp;
  stripe: FakeStripe;
  close(): Promise<void>;
}

/** `stripeKey: false` leaves STRIPE_SECRET_KEY unset (webhooks only, or billing_not_configured). */
export async function buildBillingTestApp(
  options: { stripeKey?: boolean; env?: Record<string, string>; peerOf?: BillingTestApp } = {},
): Promise<BillingTestApp> {
  let app: HiringTestApp | undefined;
  // The fake's objects are stamped with the app's fake clock, so Stripe's times and ours agree.
  const stripe =
    options.peerOf?.stripe ??
    (await startFakeStripe({ clock: { now: () => app?.clock.now() ?? new Date() } }));
  app = await buildHiringTestApp(
    {},
    {
      env: {
        ...(options.stripeKey === false ? {} : { STRIPE_SECRET_KEY: 'sk_test_hiring_billing' }),
        STRIPE_WEBHOOK_SECRET: `${WEBHOOK_SECRET},${PREVIOUS_WEBHOOK_SECRET}`,
        STRIPE_API_URL: stripe.url,
        STRIPE_PRICE_STARTER: PRICES.starter,
        STRIPE_PRICE_PRO: PRICES.pro,
        STRIPE_PRICE_ENTERPRISE: PRICES.enterprise,
        BILLING_RETURN_ORIGINS: RETURN_ORIGIN,
        ...options.env,
      },
      ...(options.peerOf && { peerOf: options.peerOf.t }),
    },
  );
  const t = app;
  return {
    t,
    stripe,
    async close() {
      await t.close();
      if (!options.peerOf) await stripe.close();
    },
  };
}

/** An event signed now (by the app's clock) with the current secret unless told otherwise. */
export function sign(
  t: HiringTestApp,
  input: { type: string; object: unknown; created?: Date; id?: string },
  secret = WEBHOOK_SECRET,
  timestamp = t.clock.now(),
): SignedEvent {
  return signedEvent(input, secret, timestamp);
}

export function deliver(t: HiringTestApp, event: Pick<SignedEvent, 'payload' | 'header'>): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/stripe',
    headers: { 'content-type': 'application/json', 'stripe-signature': event.header },
    payload: event.payload,
  });
}

export function billingPost(
  t: HiringTestApp,
  user: TestUser,
  url: string,
  payload: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return t.app.inject({ method: 'POST', url, headers: { ...user.headers, ...headers }, payload });
}

export const checkoutBody = (tier: 'starter' | 'pro' | 'enterprise' = 'pro') => ({
  tier,
  successUrl: `${RETURN_ORIGIN}/billing?checkout=done`,
  cancelUrl: `${RETURN_ORIGIN}/billing`,
});

/** The organisation's subscription row as stored (null: never subscribed). */
export async function storedSubscription(t: HiringTestApp, organisationId: string) {
  const { rows } = await t.db.executeSql(
    `select tier, status, stripe_customer_id, stripe_subscription_id, current_period_start, current_period_end,
            cancel_at_period_end, trial_end
       from hiring_subscriptions where organisation_id = $1`,
    [organisationId],
  );
  const row = rows[0] as Record<string, unknown> | undefined;
  if (!row) return null;
  const iso = (value: unknown) => (value === null ? null : new Date(value as string).toISOString());
  return {
    tier: row.tier,
    status: row.status,
    customer: row.stripe_customer_id,
    subscription: row.stripe_subscription_id,
    periodStart: iso(row.current_period_start),
    periodEnd: iso(row.current_period_end),
    cancelAtPeriodEnd: row.cancel_at_period_end,
    trialEnd: iso(row.trial_end),
  };
}

export async function webhookRows(t: HiringTestApp) {
  const { rows } = await t.db.executeSql(
    'select event_id, type, status from webhook_events order by received_at, event_id',
  );
  return rows as { event_id: string; type: string; status: string }[];
}

/** GET the organisation's billing status as a member sees it. */
export async function billingStatus(t: HiringTestApp, user: TestUser, organisationId: string) {
  const response = await t.app.inject({
    method: 'GET',
    url: `/organisations/${organisationId}/billing`,
    headers: user.headers,
  });
  if (response.statusCode !== 200) throw new Error(`billing status: ${response.statusCode} ${response.body}`);
  return response.json();
}

/**
 * An owner whose organisation bought `tier`: checkout through the API, paid on the fake's hosted
 * page, and checkout.session.completed delivered.
 */
export async function subscribedOrganisation(
  { t, stripe }: BillingTestApp,
  tier: 'starter' | 'pro' | 'enterprise' = 'starter',
) {
  const owner = await signUp(t, 'employer');
  const organisationId = await createOrganisation(t, owner);
  const started = await billingPost(
    t,
    owner,
    `/organisations/${organisationId}/billing/checkout`,
    checkoutBody(tier),
  );
  if (started.statusCode !== 200) throw new Error(`checkout: ${started.statusCode} ${started.body}`);
  const { sessionId } = started.json();
  const subscription = stripe.completeCheckout(sessionId);
  const session = stripe.checkoutSessions.get(sessionId);
  const delivered = await deliver(t, sign(t, { type: 'checkout.session.completed', object: session }));
  if (delivered.statusCode !== 200)
    throw new Error(`checkout webhook: ${delivered.statusCode} ${delivered.body}`);
  return {
    owner,
    organisationId,
    sessionId,
    subscriptionId: subscription.id,
    customerId: subscription.customer as string,
  };
}
