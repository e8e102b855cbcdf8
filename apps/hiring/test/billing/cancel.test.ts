// An owner cancels (at period end by default, or now) and resumes. The state Stripe answers is
// applied here at once, before any webhook; cancelling twice, or a subscription Stripe already
// ended, succeeds both times (the spec's idempotent cancel). When Stripe cannot be reached the
// answer is 503 with Retry-After and nothing changes here; repeated failures open the breaker (no
// more calls reach Stripe) and it closes again after its delay.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createOrganisation, signUp } from '../support/hiring-client.js';
import {
  type BillingTestApp,
  billingPost,
  billingStatus,
  buildBillingTestApp,
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

describe('cancel', () => {
  it('at period end: the tier stays until then, and cancelling again succeeds with the same answer', async () => {
    const { t, stripe } = context;
    const { owner, organisationId, subscriptionId } = await subscribedOrganisation(context, 'pro');
    const url = `/organisations/${organisationId}/billing/cancel`;
    const first = await billingPost(t, owner, url);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      tier: 'pro',
      status: 'active',
      cancelAtPeriodEnd: true,
      stripeSubscriptionId: subscriptionId,
    });
    // Applied here at once, before Stripe's event arrives.
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({
      cancelAtPeriodEnd: true,
      effectiveTier: 'pro',
    });
    expect(stripe.subscriptions.get(subscriptionId)?.cancel_at_period_end).toBe(true);

    const second = await billingPost(t, owner, url);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
  });

  it('now: the paid tier ends at once; cancelling the ended subscription again is still a success', async () => {
    const { t } = context;
    const { owner, organisationId } = await subscribedOrganisation(context, 'pro');
    const url = `/organisations/${organisationId}/billing/cancel`;
    const first = await billingPost(t, owner, url, { atPeriodEnd: false });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'canceled', cancelAtPeriodEnd: false });
    expect((await billingStatus(t, owner, organisationId)).effectiveTier).toBe('free');
    for (const body of [{ atPeriodEnd: false }, { atPeriodEnd: true }]) {
      const again = await billingPost(t, owner, url, body);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ status: 'canceled' });
    }
  });

  it('an organisation that never subscribed: 409 no_active_subscription', async () => {
    const { t } = context;
    const owner = await signUp(t, 'employer');
    const organisationId = await createOrganisation(t, owner);
    const response = await billingPost(t, owner, `/organisations/${organisationId}/billing/cancel`);
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('no_active_subscription');
  });
});

describe('the spec’s POST /cancel-subscription', () => {
  it('cancels the caller’s only organisation without naming it, and a named one otherwise', async () => {
    const { t } = context;
    const { owner, organisationId } = await subscribedOrganisation(context, 'starter');
    const unnamed = await billingPost(t, owner, '/cancel-subscription', {});
    expect(unnamed.statusCode).toBe(200);
    expect(unnamed.json()).toMatchObject({ organisationId, cancelAtPeriodEnd: true });

    await createOrganisation(t, owner, 'Second Ltd');
    const ambiguous = await billingPost(t, owner, '/cancel-subscription', { atPeriodEnd: false });
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.json().code).toBe('organisation_required');
    const named = await billingPost(t, owner, '/cancel-subscription', { organisationId, atPeriodEnd: false });
    expect(named.json()).toMatchObject({ organisationId, status: 'canceled' });
  });

  it('a recruiter of the organisation may not (403)', async () => {
    const { t } = context;
    const { owner, organisationId } = await subscribedOrganisation(context, 'starter');
    const recruiter = await signUp(t, 'employer');
    await addMember(t, owner, organisationId, recruiter, 'recruiter');
    const response = await billingPost(t, recruiter, '/cancel-subscription', { organisationId });
    expect(response.statusCode).toBe(403);
  });
});

describe('resume', () => {
  it('undoes a cancel at period end; an ended subscription cannot be resumed (409 subscription_ended)', async () => {
    const { t } = context;
    const { owner, organisationId } = await subscribedOrganisation(context, 'starter');
    await billingPost(t, owner, `/organisations/${organisationId}/billing/cancel`);
    const resumed = await billingPost(t, owner, `/organisations/${organisationId}/billing/resume`);
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });

    await billingPost(t, owner, `/organisations/${organisationId}/billing/cancel`, { atPeriodEnd: false });
    const ended = await billingPost(t, owner, `/organisations/${organisationId}/billing/resume`);
    expect(ended.statusCode).toBe(409);
    expect(ended.json().code).toBe('subscription_ended');
  });
});

describe('when Stripe cannot be reached', () => {
  it('answers 503 with Retry-After and changes nothing; the breaker opens, then recovers after its delay', async () => {
    const { t, stripe } = context;
    const { owner, organisationId, subscriptionId } = await subscribedOrganisation(context, 'pro');
    const before = await storedSubscription(t, organisationId);
    const url = `/organisations/${organisationId}/billing/cancel`;
    stripe.down(true);
    const reachedBefore = stripe.requests.length;
    // Five outages in a row open the breaker (stripe-gateway.ts); each one reaches Stripe.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const response = await billingPost(t, owner, url);
      expect(response.statusCode).toBe(503);
      expect(response.json().code).toBe('payments_provider_unavailable');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(stripe.requests.length - reachedBefore).toBe(5);
    expect(await storedSubscription(t, organisationId)).toEqual(before);
    expect(stripe.subscriptions.get(subscriptionId)?.cancel_at_period_end).toBe(false);
    expect(await circuitGauge(t)).toBe(2);

    // Open: the answer is the same 503, and nothing reaches Stripe.
    stripe.down(false);
    const open = await billingPost(t, owner, url);
    expect(open.statusCode).toBe(503);
    expect(Number(open.headers['retry-after'])).toBeGreaterThan(0);
    expect(stripe.requests.length - reachedBefore).toBe(5);
    expect(await storedSubscription(t, organisationId)).toEqual(before);

    // After the open delay a trial call goes through, succeeds and closes the breaker.
    t.clock.advance(31_000);
    const recovered = await billingPost(t, owner, url);
    expect(recovered.statusCode).toBe(200);
    expect(recovered.json()).toMatchObject({ cancelAtPeriodEnd: true });
    expect(await circuitGauge(t)).toBe(0);
  });
});

/** The Stripe breaker's gauge: 0 closed, 1 half-open, 2 open. */
async function circuitGauge(t: BillingTestApp['t']): Promise<number | null> {
  const response = await t.app.inject({ method: 'GET', url: '/metrics' });
  const match = /^stripe_circuit_state(?:\{[^}]*\})? (\d+)$/m.exec(response.body);
  return match ? Number(match[1]) : null;
}
