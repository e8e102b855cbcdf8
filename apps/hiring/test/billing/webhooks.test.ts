// `POST /webhooks/stripe`: only Stripe's signature over the exact bytes lets an event in. Tampered,
// stale, unsigned and wrong-secret deliveries are refused (400) and change nothing at all: no inbox
// row, no subscription change. A secret being rotated out still works while listed. A repeated
// delivery is answered 200 and does nothing; an unknown type is stored and acknowledged; an event
// whose organisation cannot be told fails (500) so Stripe retries, and is recorded as failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation, signUp } from '../support/hiring-client.js';
import {
  type BillingTestApp,
  billingStatus,
  buildBillingTestApp,
  deliver,
  PREVIOUS_WEBHOOK_SECRET,
  PRICES,
  sign,
  storedSubscription,
  subscribedOrganisation,
  webhookRows,
} from './support.js';

let context: BillingTestApp;

beforeAll(async () => {
  context = await buildBillingTestApp();
});
afterAll(async () => {
  await context?.close();
});

/** An organisation on starter, and a signed `updated` event that would move it to pro. */
async function pendingUpgrade() {
  const { t, stripe } = context;
  const subscribed = await subscribedOrganisation(context, 'starter');
  const upgraded = stripe.subscriptions.update(subscribed.subscriptionId, {
    price: PRICES.pro,
    metadata: { organisation_id: subscribed.organisationId, tier: 'pro' },
  });
  const before = await storedSubscription(t, subscribed.organisationId);
  return { ...subscribed, upgraded, before };
}

async function expectNothingChanged(organisationId: string, before: unknown, rowsBefore: number) {
  expect(await storedSubscription(context.t, organisationId)).toEqual(before);
  expect(await webhookRows(context.t)).toHaveLength(rowsBefore);
}

describe('refused deliveries change nothing', () => {
  it.each([
    ['a body changed by one byte', 'tampered'],
    ['a timestamp older than the tolerance', 'stale'],
    ['a signature made with another secret', 'wrong-secret'],
    ['no signature at all', 'unsigned'],
    ['a signature header that is not Stripe’s', 'malformed'],
  ])('%s: 400, no inbox row, no state change', async (_name, kind) => {
    const { t } = context;
    const { organisationId, upgraded, before } = await pendingUpgrade();
    const rowsBefore = (await webhookRows(t)).length;
    const input = { type: 'customer.subscription.updated', object: upgraded };
    let delivery = sign(t, input);
    if (kind === 'tampered') delivery = { ...delivery, payload: delivery.payload.replace('"pro"', '"prp"') };
    if (kind === 'stale') delivery = sign(t, input, undefined, new Date(t.clock.now().getTime() - 301_000));
    if (kind === 'wrong-secret') delivery = sign(t, input, 'whsec_test_somebody_else_0123456789abcdef');
    if (kind === 'unsigned') delivery = { ...delivery, header: '' };
    if (kind === 'malformed') delivery = { ...delivery, header: 'sha256=deadbeef' };
    const response = await deliver(t, delivery);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    await expectNothingChanged(organisationId, before, rowsBefore);
  });
});

describe('accepted deliveries', () => {
  it('applies an upgrade, and the status members read changes at once (cache cleared)', async () => {
    const { t } = context;
    const { owner, organisationId, upgraded } = await pendingUpgrade();
    expect((await billingStatus(t, owner, organisationId)).tier).toBe('starter');
    const response = await deliver(t, sign(t, { type: 'customer.subscription.updated', object: upgraded }));
    expect(response.json()).toEqual({ received: true, duplicate: false, outcome: 'processed' });
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({
      tier: 'pro',
      effectiveTier: 'pro',
    });
  });

  it('accepts the secret being rotated out while it is still listed', async () => {
    const { t } = context;
    const { organisationId, upgraded } = await pendingUpgrade();
    const response = await deliver(
      t,
      sign(t, { type: 'customer.subscription.updated', object: upgraded }, PREVIOUS_WEBHOOK_SECRET),
    );
    expect(response.statusCode).toBe(200);
    expect(await storedSubscription(t, organisationId)).toMatchObject({ tier: 'pro' });
  });

  it('a repeated delivery answers 200 and does nothing again', async () => {
    const { t, stripe } = context;
    const { organisationId, upgraded } = await pendingUpgrade();
    const event = sign(t, { type: 'customer.subscription.updated', object: upgraded });
    expect((await deliver(t, event)).json()).toMatchObject({ duplicate: false });
    // Were the event run again, it would apply Stripe's current state: it must not.
    stripe.subscriptions.update(upgraded.id, { price: PRICES.enterprise });
    const again = await deliver(t, event);
    expect(again.json()).toEqual({ received: true, duplicate: true, outcome: 'processed' });
    expect(await storedSubscription(t, organisationId)).toMatchObject({ tier: 'pro' });
  });

  it('stores and acknowledges an event type it does not act on', async () => {
    const { t } = context;
    const event = sign(t, { type: 'customer.tax_id.created', object: { id: 'txi_123', object: 'tax_id' } });
    expect((await deliver(t, event)).json()).toEqual({
      received: true,
      duplicate: false,
      outcome: 'ignored',
    });
    expect(await webhookRows(t)).toContainEqual({
      event_id: event.event.id,
      type: 'customer.tax_id.created',
      status: 'ignored',
    });
  });

  it('ignores a checkout that is not a subscription (another integration on the same account)', async () => {
    const { t } = context;
    const session = {
      id: 'cs_test_one_off',
      object: 'checkout.session',
      mode: 'payment',
      client_reference_id: 'order-1234',
      customer: 'cus_someone_else',
    };
    const response = await deliver(t, sign(t, { type: 'checkout.session.completed', object: session }));
    expect(response.json()).toEqual({ received: true, duplicate: false, outcome: 'ignored' });
  });

  it('invoice.payment_failed puts the subscription past_due, keeping the paid tier; invoice.paid brings it back', async () => {
    const { t, stripe } = context;
    const { owner, organisationId, subscriptionId } = await subscribedOrganisation(context, 'pro');
    const invoice = {
      id: 'in_failed_1',
      object: 'invoice',
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: subscriptionId, metadata: {} },
      },
    };
    stripe.subscriptions.update(subscriptionId, { status: 'past_due' });
    await deliver(t, sign(t, { type: 'invoice.payment_failed', object: invoice }));
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({
      status: 'past_due',
      effectiveTier: 'pro',
    });
    stripe.subscriptions.update(subscriptionId, { status: 'active' });
    await deliver(t, sign(t, { type: 'invoice.paid', object: { ...invoice, id: 'in_paid_1' } }));
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({
      status: 'active',
      effectiveTier: 'pro',
    });
  });

  it('customer.subscription.deleted ends the paid tier; nothing is deleted', async () => {
    const { t, stripe } = context;
    const { owner, organisationId, subscriptionId } = await subscribedOrganisation(context, 'pro');
    const ended = stripe.subscriptions.update(subscriptionId, { status: 'canceled' });
    await deliver(t, sign(t, { type: 'customer.subscription.deleted', object: ended }));
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({
      tier: 'pro',
      status: 'canceled',
      effectiveTier: 'free',
    });
  });

  it("a replacement lands before the old one's late deleted event, which then does not end it", async () => {
    const { t, stripe } = context;
    const { owner, organisationId, customerId, subscriptionId } = await subscribedOrganisation(
      context,
      'starter',
    );
    // The old one ended at Stripe, but its deleted event comes after the replacement's created event.
    const ended = stripe.subscriptions.update(subscriptionId, { status: 'canceled' });
    const metadata = { organisation_id: organisationId, tier: 'pro' };
    const replacement = stripe.subscriptions.add({ customer: customerId, price: PRICES.pro, metadata });
    const created = await deliver(t, sign(t, { type: 'customer.subscription.created', object: replacement }));
    expect(created.json()).toMatchObject({ outcome: 'processed' });
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({ tier: 'pro', status: 'active' });
    await deliver(t, sign(t, { type: 'customer.subscription.deleted', object: ended }));
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({ tier: 'pro', status: 'active' });
  });

  it('a trial ending soon refreshes the state', async () => {
    const { t, stripe } = context;
    const { organisationId, subscriptionId } = await subscribedOrganisation(context, 'starter');
    const trialEnd = new Date(t.clock.now().getTime() + 3 * 86_400_000);
    const trialing = stripe.subscriptions.update(subscriptionId, { status: 'trialing', trialEnd });
    await deliver(t, sign(t, { type: 'customer.subscription.trial_will_end', object: trialing }));
    expect(await storedSubscription(t, organisationId)).toMatchObject({
      status: 'trialing',
      trialEnd: new Date(Math.floor(trialEnd.getTime() / 1000) * 1000).toISOString(),
    });
  });

  it('checkout.session.async_payment_failed leaves the organisation on free', async () => {
    const { t, stripe } = context;
    const owner = await signUp(t, 'employer');
    const organisationId = await createOrganisation(t, owner);
    const metadata = { organisation_id: organisationId, tier: 'pro' };
    const pending = stripe.subscriptions.add({ price: PRICES.pro, metadata, status: 'incomplete' });
    const session = {
      id: 'cs_test_async_failed',
      object: 'checkout.session',
      mode: 'subscription',
      client_reference_id: organisationId,
      customer: pending.customer,
      subscription: pending.id,
      metadata,
    };
    stripe.subscriptions.update(pending.id, { status: 'incomplete_expired' });
    const response = await deliver(
      t,
      sign(t, { type: 'checkout.session.async_payment_failed', object: session }),
    );
    expect(response.statusCode).toBe(200);
    expect(await billingStatus(t, owner, organisationId)).toMatchObject({ effectiveTier: 'free' });
    expect(await storedSubscription(t, organisationId)).toMatchObject({ customer: pending.customer });
  });
});

describe('an event whose organisation cannot be told', () => {
  it('is recorded unresolved and answered 200 (no retry can resolve it), and changes nothing', async () => {
    const { t, stripe } = context;
    const foreign = stripe.subscriptions.add({ price: PRICES.pro });
    const event = sign(t, { type: 'customer.subscription.created', object: foreign });
    const response = await deliver(t, event);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true, duplicate: false, outcome: 'unresolved' });
    expect(response.body).not.toContain(foreign.id);
    expect(await webhookRows(t)).toContainEqual({
      event_id: event.event.id,
      type: 'customer.subscription.created',
      status: 'unresolved',
    });
    expect(await deliver(t, event).then((again) => again.json())).toMatchObject({
      duplicate: true,
      outcome: 'unresolved',
    });
  });

  it('still fails (500) while Stripe cannot be asked, so Stripe retries', async () => {
    const { t, stripe } = context;
    const { subscriptionId } = await subscribedOrganisation(context, 'starter');
    const event = sign(t, {
      type: 'customer.subscription.updated',
      object: stripe.subscriptions.get(subscriptionId),
    });
    stripe.down(true);
    try {
      expect((await deliver(t, event)).statusCode).toBe(500);
    } finally {
      stripe.down(false);
    }
    expect(await webhookRows(t)).toContainEqual({
      event_id: event.event.id,
      type: 'customer.subscription.updated',
      status: 'failed',
    });
  });
});
