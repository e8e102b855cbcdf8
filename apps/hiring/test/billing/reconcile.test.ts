// Reconciliation catches what webhooks missed: an admin's run lists Stripe's subscriptions, repairs
// the local state that drifted (a change made in the dashboard, a lost checkout event), reports
// every field it changed and what it could not match, and retries events the inbox recorded as
// failed. A second run finds nothing to repair.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation, signUp, signUpAdmin, type TestUser } from '../support/hiring-client.js';
import {
  type BillingTestApp,
  billingPost,
  billingStatus,
  buildBillingTestApp,
  deliver,
  PRICES,
  sign,
  storedSubscription,
  subscribedOrganisation,
  webhookRows,
} from './support.js';

let context: BillingTestApp;
let admin: TestUser;

beforeAll(async () => {
  context = await buildBillingTestApp();
  admin = await signUpAdmin(context.t);
});
afterAll(async () => {
  await context?.close();
});

async function reconcile() {
  const response = await billingPost(context.t, admin, '/admin/billing/reconcile');
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('reconciliation', () => {
  it('repairs drift no webhook told us about, reports each change, and finds nothing the second time', async () => {
    const { t, stripe } = context;
    const { owner, organisationId, subscriptionId } = await subscribedOrganisation(context, 'starter');
    // Changed in Stripe's dashboard; the events were lost.
    stripe.subscriptions.update(subscriptionId, {
      price: PRICES.pro,
      metadata: { organisation_id: organisationId, tier: 'pro' },
      cancelAtPeriodEnd: true,
    });
    // A checkout whose completion event never arrived.
    const missed = await signUp(t, 'employer');
    const missedOrganisation = await createOrganisation(t, missed);
    const missedSubscription = stripe.subscriptions.add({
      price: PRICES.enterprise,
      metadata: { organisation_id: missedOrganisation, tier: 'enterprise' },
    });
    t.clock.advance(1000);

    const report = await reconcile();
    expect(report.checked).toBeGreaterThanOrEqual(2);
    expect(report.repaired).toContainEqual({
      organisationId,
      subscriptionId,
      changes: expect.arrayContaining([
        { field: 'tier', from: 'starter', to: 'pro' },
        { field: 'cancelAtPeriodEnd', from: false, to: true },
      ]),
    });
    expect(report.repaired).toContainEqual({
      organisationId: missedOrganisation,
      subscriptionId: missedSubscription.id,
      changes: expect.arrayContaining([
        { field: 'tier', from: 'free', to: 'enterprise' },
        { field: 'stripeSubscriptionId', from: null, to: missedSubscription.id },
      ]),
    });
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({
      tier: 'pro',
      cancelAtPeriodEnd: true,
    });
    expect(await billingStatus(t, missed, missedOrganisation)).toMatchObject({ effectiveTier: 'enterprise' });

    t.clock.advance(1000);
    const second = await reconcile();
    expect(second.repaired).toEqual([]);
  });

  it('reports a subscription no organisation can be found for, and changes nothing for it', async () => {
    const { stripe } = context;
    const foreign = stripe.subscriptions.add({ price: PRICES.pro });
    const report = await reconcile();
    expect(report.unresolved).toContainEqual({
      subscriptionId: foreign.id,
      eventId: null,
      reason: expect.any(String),
    });
  });

  it('retries events recorded as failed: one that now resolves is processed', async () => {
    const { t, stripe } = context;
    const owner = await signUp(t, 'employer');
    const organisationId = await createOrganisation(t, owner);
    const orphan = stripe.subscriptions.add({
      price: PRICES.starter,
      metadata: { organisation_id: organisationId, tier: 'starter' },
    });
    const event = sign(t, { type: 'customer.subscription.created', object: orphan });
    // Stripe could not be asked when it was delivered.
    stripe.down(true);
    try {
      expect((await deliver(t, event)).statusCode).toBe(500);
    } finally {
      stripe.down(false);
    }
    expect(await webhookRows(t)).toContainEqual({
      event_id: event.event.id,
      type: 'customer.subscription.created',
      status: 'failed',
    });
    t.clock.advance(1000);
    const report = await reconcile();
    expect(report.retriedEvents.processed).toBeGreaterThanOrEqual(1);
    expect(await webhookRows(t)).toContainEqual({
      event_id: event.event.id,
      type: 'customer.subscription.created',
      status: 'processed',
    });
    expect(await storedSubscription(t, organisationId)).toMatchObject({
      tier: 'starter',
      subscription: orphan.id,
    });
  });

  it('answers 503 with Retry-After when Stripe cannot be reached', async () => {
    const { stripe } = context;
    stripe.down(true);
    try {
      const response = await billingPost(context.t, admin, '/admin/billing/reconcile');
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
    } finally {
      stripe.down(false);
    }
  });
});
