// The Stripe gateway through the official SDK against the fake Stripe on 127.0.0.1: what each call
// sends (price, metadata, idempotency key), how Stripe's objects become snapshots, how each failure
// becomes the error a client sees (503 with Retry-After, 404, 400 without Stripe's own words), that
// canceling twice is a success, and the circuit breaker: open after 5 outages, no request at all
// while open, one trial after 30 s of the fake clock.
import type { AppError } from '@app/platform';
import {
  createFakeClock,
  type FakeClock,
  type FakeStripe,
  signedEvent,
  startFakeStripe,
} from '@app/platform/testing';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BillingSettings } from '../../src/modules/billing/settings.js';
import { createStripeGateway, toSubscriptionSnapshot } from '../../src/modules/billing/stripe-gateway.js';
import type { BillingGateway } from '../../src/modules/billing/types.js';

const PRICES = { starter: 'price_starter_monthly', pro: 'price_pro_monthly', enterprise: null };
const ORGANISATION = '3f0c2a52-8d9e-4b7a-9c61-2f4d5e6a7b80';
const SECRET_KEY = 'sk_test_gateway_key_0001';

let fake: FakeStripe;
let clock: FakeClock;
let gateway: BillingGateway;
let gauge: number[];

function settings(overrides: Partial<BillingSettings> = {}): BillingSettings {
  return {
    stripeSecretKey: SECRET_KEY,
    apiUrl: new URL(fake.url),
    priceIds: PRICES,
    webhookSecrets: [],
    webhookToleranceSeconds: 300,
    returnOrigins: [],
    ...overrides,
  };
}

function build(overrides: Partial<BillingSettings> = {}): BillingGateway {
  const metrics = {
    gauge: (name: string) => ({
      set: (value: number) => name === 'stripe_circuit_state' && gauge.push(value),
    }),
  };
  const built = createStripeGateway({ settings: settings(overrides), clock, metrics });
  if (!built) throw new Error('gateway expected');
  return built;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as AppError,
  );

const CUSTOMER = 'cus_gateway_owner';

const checkout = (overrides: Partial<Parameters<BillingGateway['createCheckoutSession']>[0]> = {}) =>
  gateway.createCheckoutSession({
    organisationId: ORGANISATION,
    tier: 'pro',
    customerId: CUSTOMER,
    successUrl: 'https://app.example.com/billing/done',
    cancelUrl: 'https://app.example.com/billing',
    idempotencyKey: 'checkout-attempt-1',
    ...overrides,
  });

beforeEach(async () => {
  clock = createFakeClock('2026-03-10T12:00:00.000Z');
  fake = await startFakeStripe({ clock, apiKey: SECRET_KEY });
  fake.customers.add({ id: CUSTOMER, email: 'owner@example.com' });
  gauge = [];
  gateway = build();
});
afterEach(async () => {
  await fake.close();
});

describe('Stripe gateway: calls', () => {
  it('is not built without a secret key', () => {
    expect(createStripeGateway({ settings: settings({ stripeSecretKey: null }), clock })).toBeNull();
  });

  it('creates a Checkout Session for the tier price with the organisation on the session and the subscription', async () => {
    const session = await checkout();
    expect(session.url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const [sent] = fake.requests;
    expect(sent).toMatchObject({
      method: 'POST',
      path: '/v1/checkout/sessions',
      idempotencyKey: 'checkout-attempt-1',
    });
    expect(sent?.params).toEqual({
      mode: 'subscription',
      line_items: [{ price: 'price_pro_monthly', quantity: '1' }],
      client_reference_id: ORGANISATION,
      metadata: { organisation_id: ORGANISATION, tier: 'pro' },
      subscription_data: { metadata: { organisation_id: ORGANISATION, tier: 'pro' } },
      customer: CUSTOMER,
      success_url: 'https://app.example.com/billing/done',
      cancel_url: 'https://app.example.com/billing',
    });

    const paid = fake.completeCheckout(session.id);
    expect(await gateway.retrieveSubscription(paid.id)).toEqual({
      id: paid.id,
      customerId: paid.customer,
      organisationId: ORGANISATION,
      tier: 'pro',
      status: 'active',
      currentPeriodStart: new Date('2026-03-10T12:00:00.000Z'),
      currentPeriodEnd: new Date('2026-04-10T12:00:00.000Z'),
      cancelAtPeriodEnd: false,
      trialEnd: null,
    });
  });

  it('creates the organisation customer once per idempotency key, and a retried attempt gets the first session back', async () => {
    const input = { organisationId: ORGANISATION, email: 'owner@example.com', idempotencyKey: 'customer:x' };
    const customer = await gateway.createCustomer(input);
    expect(await gateway.createCustomer(input)).toEqual(customer);
    expect(fake.requests[0]?.params).toEqual({
      email: 'owner@example.com',
      metadata: { organisation_id: ORGANISATION },
    });
    const first = await checkout({ customerId: customer.id });
    const retried = await checkout({ customerId: customer.id });
    expect(retried).toEqual(first);
    expect(fake.requests.map((request) => request.replayed)).toEqual([false, true, false, true]);
    expect(fake.requests[2]?.params).toMatchObject({ customer: customer.id });
  });

  it('refuses a tier without a configured price before calling Stripe', async () => {
    const error = await failure(checkout({ tier: 'enterprise' }));
    expect(error).toMatchObject({ kind: 'invalid_input', code: 'tier_not_purchasable' });
    expect(fake.requests).toHaveLength(0);
  });

  it('opens a customer portal session', async () => {
    const customer = fake.customers.add();
    const portal = await gateway.createPortalSession({
      customerId: customer.id,
      returnUrl: 'https://app.example.com/b',
    });
    expect(portal.url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    expect(fake.requests[0]?.params).toEqual({
      customer: customer.id,
      return_url: 'https://app.example.com/b',
    });
  });

  it('cancels at period end and resumes, with the idempotency key of each attempt', async () => {
    const { id } = fake.subscriptions.add({
      price: PRICES.starter,
      metadata: { organisation_id: ORGANISATION },
    });
    const canceling = await gateway.cancel(id, { atPeriodEnd: true, idempotencyKey: 'cancel-1' });
    expect(canceling).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, tier: 'starter' });
    const resumed = await gateway.resume(id, 'resume-1');
    expect(resumed).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
    expect(
      fake.requests.map(({ method, params, idempotencyKey }) => ({ method, params, idempotencyKey })),
    ).toEqual([
      { method: 'POST', params: { cancel_at_period_end: 'true' }, idempotencyKey: 'cancel-1' },
      { method: 'POST', params: { cancel_at_period_end: 'false' }, idempotencyKey: 'resume-1' },
    ]);
  });

  it('cancels at once, and canceling an ended subscription again (either way) resolves with its ended state', async () => {
    const { id } = fake.subscriptions.add({ price: PRICES.pro });
    const canceled = await gateway.cancel(id, { atPeriodEnd: false, idempotencyKey: 'cancel-now-1' });
    expect(canceled.status).toBe('canceled');
    expect(fake.requests[0]).toMatchObject({ method: 'DELETE', idempotencyKey: 'cancel-now-1' });

    await expect(gateway.cancel(id, { atPeriodEnd: false, idempotencyKey: 'cancel-now-2' })).resolves.toEqual(
      canceled,
    );
    await expect(gateway.cancel(id, { atPeriodEnd: true, idempotencyKey: 'cancel-end-3' })).resolves.toEqual(
      canceled,
    );
    expect(fake.requests.map(({ method }) => method)).toEqual(['DELETE', 'DELETE', 'GET', 'POST', 'GET']);
  });

  it('an unknown subscription is null to retrieve and not found to cancel or resume', async () => {
    expect(await gateway.retrieveSubscription('sub_unknown')).toBeNull();
    for (const attempt of [
      gateway.cancel('sub_unknown', { atPeriodEnd: true, idempotencyKey: 'k1' }),
      gateway.cancel('sub_unknown', { atPeriodEnd: false, idempotencyKey: 'k2' }),
      gateway.resume('sub_unknown', 'k3'),
    ]) {
      expect(await failure(attempt)).toMatchObject({ kind: 'not_found', code: 'subscription_not_found' });
    }
  });

  it('an ended subscription cannot be resumed', async () => {
    const { id } = fake.subscriptions.add({ price: PRICES.pro, status: 'canceled' });
    expect(await failure(gateway.resume(id, 'resume-ended'))).toMatchObject({
      kind: 'conflict',
      code: 'subscription_canceled',
    });
  });

  it('lists every subscription of the account, ended ones included, page by page', async () => {
    const seeded = new Set<string>();
    for (let index = 0; index < 230; index += 1) {
      clock.advance(1_000);
      seeded.add(
        fake.subscriptions.add({ price: PRICES.starter, status: index % 10 === 0 ? 'canceled' : 'active' })
          .id,
      );
    }
    const listed: string[] = [];
    for await (const snapshot of gateway.listSubscriptions()) listed.push(snapshot.id);
    expect(listed).toHaveLength(230);
    expect(new Set(listed)).toEqual(seeded);
    expect(fake.requests.map((request) => request.params)).toEqual([
      { status: 'all', limit: '100' },
      { status: 'all', limit: '100', starting_after: listed[99] },
      { status: 'all', limit: '100', starting_after: listed[199] },
    ]);
  });
});

describe('Stripe gateway: snapshots', () => {
  it('maps tier from the price, else from metadata, else none; and Stripe statuses onto ours', async () => {
    const cases = [
      { seed: { price: PRICES.starter, metadata: { tier: 'pro' } }, tier: 'starter', status: 'active' },
      { seed: { price: 'price_legacy', metadata: { tier: 'pro' } }, tier: 'pro', status: 'active' },
      { seed: { price: 'price_foreign', metadata: { tier: 'platinum' } }, tier: null, status: 'active' },
      { seed: { price: PRICES.pro, status: 'incomplete_expired' as const }, tier: 'pro', status: 'canceled' },
      // Retries ran out and the account keeps it unpaid: no paid tier (Stripe never cancels it).
      { seed: { price: PRICES.pro, status: 'unpaid' as const }, tier: 'pro', status: 'incomplete' },
      { seed: { price: PRICES.pro, status: 'paused' as const }, tier: 'pro', status: 'incomplete' },
      { seed: { price: PRICES.pro, status: 'past_due' as const }, tier: 'pro', status: 'past_due' },
    ];
    for (const { seed, tier, status } of cases) {
      const { id } = fake.subscriptions.add(seed);
      expect(await gateway.retrieveSubscription(id), JSON.stringify(seed)).toMatchObject({ tier, status });
    }
  });

  it('carries the trial end and ignores an organisation id that is not one of ours', async () => {
    const trialEnd = new Date('2026-03-24T12:00:00.000Z');
    const { id } = fake.subscriptions.add({
      price: PRICES.pro,
      trialEnd,
      metadata: { organisation_id: 'acme-42' },
    });
    expect(await gateway.retrieveSubscription(id)).toMatchObject({
      status: 'trialing',
      trialEnd,
      organisationId: null,
    });
  });

  it('reads the period from the subscription itself in objects of older API versions', () => {
    const legacy = {
      id: 'sub_legacy',
      object: 'subscription',
      customer: { id: 'cus_legacy', object: 'customer' },
      status: 'active',
      current_period_start: 1767225600,
      current_period_end: 1769904000,
      cancel_at_period_end: true,
      trial_end: null,
      metadata: { organisation_id: ORGANISATION.toUpperCase() },
      items: { object: 'list', data: [{ id: 'si_1', price: { id: PRICES.pro } }] },
    };
    expect(toSubscriptionSnapshot(legacy, PRICES)).toEqual({
      id: 'sub_legacy',
      customerId: 'cus_legacy',
      organisationId: ORGANISATION,
      tier: 'pro',
      status: 'active',
      currentPeriodStart: new Date('2026-01-01T00:00:00.000Z'),
      currentPeriodEnd: new Date('2026-02-01T00:00:00.000Z'),
      cancelAtPeriodEnd: true,
      trialEnd: null,
    });
    expect(() => toSubscriptionSnapshot({ ...legacy, current_period_start: undefined }, PRICES)).toThrow(
      /period/,
    );
  });
});

describe('Stripe gateway: failures', () => {
  it('Stripe answering 503 is payments_provider_unavailable with Retry-After', async () => {
    fake.down(true);
    const error = await failure(gateway.retrieveSubscription('sub_any'));
    expect(error).toMatchObject({
      kind: 'unavailable',
      code: 'payments_provider_unavailable',
      retryAfterSeconds: 1,
    });
  });

  it('a connection reset is payments_provider_unavailable too', async () => {
    fake.down(true, 'socket_destroyed');
    const error = await failure(checkout());
    expect(error).toMatchObject({ kind: 'unavailable', code: 'payments_provider_unavailable' });
  });

  it("Stripe's rate limit is unavailable for as long as its Retry-After says", async () => {
    fake.failNext(1, 429, { retryAfterSeconds: 7 });
    const error = await failure(gateway.retrieveSubscription('sub_any'));
    expect(error).toMatchObject({
      kind: 'unavailable',
      code: 'payments_provider_unavailable',
      retryAfterSeconds: 7,
    });
  });

  it("a refused request is billing_request_invalid with Stripe's code, never Stripe's message", async () => {
    fake.failNext(1, 400, {
      error: {
        code: 'resource_missing',
        param: 'line_items[0][price]',
        message: "No such price: 'price_pro_monthly' (sk_test_gat****0001)",
      },
    });
    const error = await failure(checkout());
    expect(error).toMatchObject({ kind: 'invalid_input', code: 'billing_request_invalid' });
    expect(error.message).toBe(
      'Stripe refused the request (code resource_missing, parameter line_items[0][price]).',
    );
  });

  it('a key reused for another request is a conflict', async () => {
    await checkout();
    const error = await failure(checkout({ tier: 'starter' }));
    expect(error).toMatchObject({ kind: 'conflict', code: 'idempotency_key_reused' });
  });

  it('a secret key Stripe refuses is an internal error whose detail is never shown', async () => {
    const misconfigured = build({ stripeSecretKey: 'sk_test_revoked_key_9999' });
    const error = await failure(misconfigured.retrieveSubscription('sub_any'));
    expect(error).toMatchObject({ kind: 'internal', code: 'payments_provider_misconfigured', expose: false });
    expect(error.message).not.toContain('sk_test');
  });
});

describe('Stripe gateway: circuit breaker', () => {
  it('opens after 5 outages, then fails fast without any request until 30 s have passed', async () => {
    fake.down(true);
    for (let attempt = 0; attempt < 5; attempt += 1) await failure(gateway.retrieveSubscription('sub_any'));
    expect(gateway.breakerState()).toBe('open');
    expect(gauge).toEqual([0, 2]);

    const sent = fake.requests.length;
    clock.advance(12_000);
    const refused = await failure(checkout());
    expect(refused).toMatchObject({ code: 'payments_provider_unavailable', retryAfterSeconds: 18 });
    expect(fake.requests).toHaveLength(sent);

    fake.down(false);
    clock.advance(18_000);
    const { id } = fake.subscriptions.add({ price: PRICES.pro });
    expect(await gateway.retrieveSubscription(id)).toMatchObject({ id, tier: 'pro' });
    expect(gateway.breakerState()).toBe('closed');
    expect(gauge).toEqual([0, 2, 1, 0]);
  });

  it('the fifth outage already answers with the whole open period to wait', async () => {
    fake.down(true);
    const errors: AppError[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1)
      errors.push(await failure(gateway.retrieveSubscription('sub_any')));
    expect(errors.map((error) => error.retryAfterSeconds)).toEqual([1, 1, 1, 1, 30]);
  });

  it('re-opens when the trial call fails', async () => {
    fake.down(true);
    for (let attempt = 0; attempt < 5; attempt += 1) await failure(gateway.retrieveSubscription('sub_any'));
    clock.advance(30_000);
    const sent = fake.requests.length;
    await failure(gateway.retrieveSubscription('sub_any'));
    expect(fake.requests).toHaveLength(sent + 1);
    expect(gateway.breakerState()).toBe('open');
    expect(gauge).toEqual([0, 2, 1, 2]);
  });

  it('refusals and unknown subscriptions are answers, not outages: they never open it', async () => {
    for (let attempt = 0; attempt < 6; attempt += 1) {
      expect(await gateway.retrieveSubscription(`sub_missing_${attempt}`)).toBeNull();
      fake.failNext(1, 400, { error: { code: 'parameter_invalid_string', param: 'success_url' } });
      expect(await failure(checkout())).toMatchObject({ code: 'billing_request_invalid' });
    }
    expect(gateway.breakerState()).toBe('closed');
  });
});

describe('fake Stripe: signed events', () => {
  it("builds deliveries the SDK's own verification accepts with the right secret only", () => {
    const object = fake.subscriptions.add({ price: PRICES.pro });
    const { payload, header, event } = signedEvent(
      { type: 'customer.subscription.updated', object, created: new Date('2026-03-10T12:00:00.000Z') },
      'whsec_test_secret',
    );
    const verified = Stripe.webhooks.constructEvent(payload, header, 'whsec_test_secret');
    expect(verified).toMatchObject({
      id: event.id,
      type: 'customer.subscription.updated',
      created: 1773144000,
    });
    expect(verified.data.object).toEqual(object);
    expect(() => Stripe.webhooks.constructEvent(payload, header, 'whsec_other')).toThrow(/signature/i);
  });
});
