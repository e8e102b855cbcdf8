// An owner buys a paid tier through Stripe Checkout and manages payment in the customer portal: the
// session carries the organisation and tier (metadata, client_reference_id) and one idempotency key
// per attempt (the client's Idempotency-Key makes a retry return the same session); the user can
// only be sent back to our own origins; the tier changes when Stripe's event arrives. Without a
// Stripe key, paid plans answer 503 billing_not_configured and the free tier still works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation, signUp, signUpAdmin } from '../support/hiring-client.js';
import {
  type BillingTestApp,
  billingPost,
  billingStatus,
  buildBillingTestApp,
  checkoutBody,
  deliver,
  PRICES,
  RETURN_ORIGIN,
  sign,
  storedSubscription,
  subscribedOrganisation,
} from './support.js';

let context: BillingTestApp;

beforeAll(async () => {
  context = await buildBillingTestApp();
});
afterAll(async () => {
  await context?.close();
});

async function ownerWithOrganisation() {
  const owner = await signUp(context.t, 'employer');
  return { owner, organisationId: await createOrganisation(context.t, owner) };
}

const sessionRequests = () =>
  context.stripe.requests.filter(
    (request) => request.method === 'POST' && request.path === '/v1/checkout/sessions',
  );

describe('checkout', () => {
  it('starts a Checkout for the tier, carrying the organisation, and the webhook moves the organisation onto it', async () => {
    const { t, stripe } = context;
    const { owner, organisationId } = await ownerWithOrganisation();
    const response = await billingPost(
      t,
      owner,
      `/organisations/${organisationId}/billing/checkout`,
      checkoutBody('pro'),
    );
    expect(response.statusCode).toBe(200);
    const { url, sessionId } = response.json();
    expect(url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    const sent = sessionRequests().at(-1);
    expect(sent?.params).toMatchObject({
      mode: 'subscription',
      client_reference_id: organisationId,
      metadata: { organisation_id: organisationId, tier: 'pro' },
      line_items: [{ price: PRICES.pro }],
      customer: expect.stringMatching(/^cus_/),
    });
    // The organisation's customer is created (with the owner's e-mail) and stored before Checkout.
    const created = stripe.requests.filter((request) => request.path === '/v1/customers');
    expect(created).toHaveLength(1);
    expect(created[0]?.params).toEqual({ email: owner.email, metadata: { organisation_id: organisationId } });
    expect(await storedSubscription(t, organisationId)).toMatchObject({ customer: sent?.params.customer });
    expect(sent?.idempotencyKey).toBeTruthy();
    expect((await billingStatus(t, owner, organisationId)).effectiveTier).toBe('free');

    stripe.completeCheckout(sessionId);
    const completed = await deliver(
      t,
      sign(t, { type: 'checkout.session.completed', object: stripe.checkoutSessions.get(sessionId) }),
    );
    expect(completed.statusCode).toBe(200);
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({
      tier: 'pro',
      effectiveTier: 'pro',
      status: 'active',
    });
  });

  it('a retry with the same Idempotency-Key returns the same session; without one, each request is a new attempt', async () => {
    const { t } = context;
    const { owner, organisationId } = await ownerWithOrganisation();
    const url = `/organisations/${organisationId}/billing/checkout`;
    const key = { 'idempotency-key': 'checkout-attempt-1' };
    const first = await billingPost(t, owner, url, checkoutBody('starter'), key);
    const retried = await billingPost(t, owner, url, checkoutBody('starter'), key);
    expect(retried.json().sessionId).toBe(first.json().sessionId);
    const fresh = await billingPost(t, owner, url, checkoutBody('starter'));
    const another = await billingPost(t, owner, url, checkoutBody('starter'));
    expect(new Set([first.json().sessionId, fresh.json().sessionId, another.json().sessionId]).size).toBe(3);
  });

  it.each([
    ['successUrl', { successUrl: 'https://evil.example/phish' }],
    ['cancelUrl', { cancelUrl: 'https://app.example.com.evil.example/' }],
    ['successUrl', { successUrl: 'http://app.example.com/billing' }],
  ])(
    'refuses %s off our origins (400 return_url_not_allowed) without calling Stripe',
    async (field, change) => {
      const { t } = context;
      const { owner, organisationId } = await ownerWithOrganisation();
      const before = sessionRequests().length;
      const response = await billingPost(t, owner, `/organisations/${organisationId}/billing/checkout`, {
        ...checkoutBody(),
        ...change,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'return_url_not_allowed',
        errors: [{ path: `/body/${field}` }],
      });
      expect(sessionRequests()).toHaveLength(before);
    },
  );

  it.each([
    ['the free tier', { tier: 'free' }],
    ['an unknown tier', { tier: 'platinum' }],
    ['no URLs', { successUrl: undefined, cancelUrl: undefined }],
    ['an unknown field', { coupon: 'FREE100' }],
  ])('refuses %s with a 400', async (_name, change) => {
    const { t } = context;
    const { owner, organisationId } = await ownerWithOrganisation();
    const response = await billingPost(t, owner, `/organisations/${organisationId}/billing/checkout`, {
      ...checkoutBody(),
      ...change,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBeTruthy();
  });

  it('an organisation that already pays is sent to the portal instead (409 subscription_exists)', async () => {
    const { t } = context;
    const { owner, organisationId } = await subscribedOrganisation(context, 'starter');
    const response = await billingPost(
      t,
      owner,
      `/organisations/${organisationId}/billing/checkout`,
      checkoutBody('pro'),
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('subscription_exists');
  });
});

describe('customer portal', () => {
  it('needs a Stripe customer (409 no_billing_customer), then opens for it', async () => {
    const { t, stripe } = context;
    const { owner, organisationId } = await ownerWithOrganisation();
    const url = `/organisations/${organisationId}/billing/portal`;
    const none = await billingPost(t, owner, url, { returnUrl: `${RETURN_ORIGIN}/billing` });
    expect(none.statusCode).toBe(409);
    expect(none.json().code).toBe('no_billing_customer');

    const subscribed = await subscribedOrganisation(context);
    const opened = await billingPost(
      t,
      subscribed.owner,
      `/organisations/${subscribed.organisationId}/billing/portal`,
      {
        returnUrl: `${RETURN_ORIGIN}/billing`,
      },
    );
    expect(opened.statusCode).toBe(200);
    expect(opened.json().url).toMatch(/^https:\/\/billing\.stripe\.com\//);
    expect(stripe.requests.at(-1)?.params).toMatchObject({
      customer: subscribed.customerId,
      return_url: `${RETURN_ORIGIN}/billing`,
    });
  });

  it('refuses a return URL off our origins', async () => {
    const { t } = context;
    const { owner, organisationId } = await subscribedOrganisation(context);
    const response = await billingPost(t, owner, `/organisations/${organisationId}/billing/portal`, {
      returnUrl: 'https://evil.example/',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('return_url_not_allowed');
  });
});

describe('without a Stripe key', () => {
  let unconfigured: BillingTestApp;
  beforeAll(async () => {
    unconfigured = await buildBillingTestApp({ stripeKey: false });
  });
  afterAll(async () => {
    await unconfigured?.close();
  });

  it('a checkout answers 503 billing_not_configured; with nothing bought, the rest 409; the free tier still works', async () => {
    const { t } = unconfigured;
    const owner = await signUp(t, 'employer');
    const organisationId = await createOrganisation(t, owner);
    const url = (action: string) => `/organisations/${organisationId}/billing/${action}`;
    const checkout = await billingPost(t, owner, url('checkout'), checkoutBody());
    expect(checkout.statusCode).toBe(503);
    expect(checkout.json().code).toBe('billing_not_configured');
    for (const [action, body, code] of [
      ['portal', { returnUrl: `${RETURN_ORIGIN}/billing` }, 'no_billing_customer'],
      ['cancel', {}, 'no_active_subscription'],
      ['resume', {}, 'no_active_subscription'],
    ] as const) {
      const response = await billingPost(t, owner, url(action), body);
      expect(response.statusCode, action).toBe(409);
      expect(response.json().code, action).toBe(code);
    }
    const admin = await signUpAdmin(t);
    const reconcile = await billingPost(t, admin, '/admin/billing/reconcile');
    expect(reconcile.statusCode).toBe(503);
    expect(reconcile.json().code).toBe('billing_not_configured');
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({
      tier: 'free',
      effectiveTier: 'free',
    });
  });
});
