// Findings of the billing review, through the real routes and the fake Stripe: a duplicate delivery
// asks Stripe nothing, an organisation id in capitals reads the same (fresh) state as in lower case,
// Stripe's `unpaid` grants no paid tier, and the read routes check the session before the body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BillingTestApp,
  billingPost,
  billingStatus,
  buildBillingTestApp,
  deliver,
  sign,
  subscribedOrganisation,
} from './support.js';

let context: BillingTestApp;
beforeAll(async () => {
  context = await buildBillingTestApp();
});
afterAll(async () => {
  await context?.close();
});

describe('billing hardening', () => {
  it('asks Stripe once for an event delivered five times', async () => {
    const { t, stripe } = context;
    const { subscriptionId } = await subscribedOrganisation(context, 'starter');
    const event = sign(t, {
      type: 'customer.subscription.updated',
      object: stripe.subscriptions.get(subscriptionId),
    });
    stripe.requests.length = 0;
    const answers = [];
    for (let delivery = 0; delivery < 5; delivery++) answers.push((await deliver(t, event)).json());
    expect(answers.map((answer) => answer.duplicate)).toEqual([false, true, true, true, true]);
    const fetches = stripe.requests.filter(
      (request) => request.path === `/v1/subscriptions/${subscriptionId}`,
    );
    expect(fetches).toHaveLength(1);
  });

  it('answers the same fresh state for an organisation id in capitals after a cancel', async () => {
    const { t } = context;
    const { owner, organisationId } = await subscribedOrganisation(context, 'pro');
    const upper = organisationId.toUpperCase();
    expect(await billingStatus(t, owner, upper)).toMatchObject({ effectiveTier: 'pro' });
    const cancelled = await billingPost(t, owner, `/organisations/${organisationId}/billing/cancel`, {
      atPeriodEnd: false,
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(await billingStatus(t, owner, upper)).toMatchObject({ status: 'canceled', effectiveTier: 'free' });
  });

  it('drops the paid tier when Stripe leaves a subscription unpaid (retries exhausted, never canceled)', async () => {
    const { t, stripe } = context;
    const { owner, organisationId, subscriptionId } = await subscribedOrganisation(context, 'pro');
    const pastDue = stripe.subscriptions.update(subscriptionId, { status: 'past_due' });
    t.clock.advance(1000);
    await deliver(t, sign(t, { type: 'customer.subscription.updated', object: pastDue }));
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({ effectiveTier: 'pro' });
    const unpaid = stripe.subscriptions.update(subscriptionId, { status: 'unpaid' });
    t.clock.advance(1000);
    await deliver(t, sign(t, { type: 'customer.subscription.updated', object: unpaid }));
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({
      tier: 'pro',
      effectiveTier: 'free',
    });
  });

  it('answers 401 to an unauthenticated read route before looking at its body', async () => {
    const { t } = context;
    const response = await t.app.inject({ method: 'POST', url: '/verify-billing' });
    expect(response.statusCode).toBe(401);
    const withBadBody = await t.app.inject({
      method: 'POST',
      url: '/verify-billing',
      headers: { 'content-type': 'application/json' },
      payload: { feature: 42 },
    });
    expect(withBadBody.statusCode).toBe(401);
  });
});
