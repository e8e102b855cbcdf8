// Whose subscription an event is about (docs/billing.md, "Whose subscription"), through the real
// webhook route and the fake Stripe: a buyer-chosen client_reference_id never takes over another
// organisation, a subscription whose customer and metadata disagree changes nothing, one
// organisation's checkouts share one Stripe customer, and a second live subscription is reported
// for a person (webhook and reconciliation) instead of silently replacing the first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation, signUp, signUpAdmin, type TestUser } from '../support/hiring-client.js';
import {
  type BillingTestApp,
  billingPost,
  buildBillingTestApp,
  checkoutBody,
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

/** A Checkout Session made outside our API (a Payment Link, a pricing table): no metadata of ours. */
async function foreignCheckout(clientReferenceId: string) {
  const { stripe } = context;
  const body = new URLSearchParams({
    mode: 'subscription',
    'line_items[0][price]': PRICES.starter,
    'line_items[0][quantity]': '1',
    client_reference_id: clientReferenceId,
    customer_email: 'attacker@example.net',
  });
  const response = await fetch(`${stripe.url}/v1/checkout/sessions`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer sk_test_payment_link',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body,
  });
  const { id } = (await response.json()) as { id: string };
  const subscription = stripe.completeCheckout(id);
  return { session: stripe.checkoutSessions.get(id), subscription };
}

describe('an organisation is never taken over through Stripe', () => {
  it('ignores a client_reference_id naming another organisation: the event is unresolved, the victim unchanged', async () => {
    const { t } = context;
    const victim = await subscribedOrganisation(context, 'pro');
    const before = await storedSubscription(t, victim.organisationId);

    const { session, subscription } = await foreignCheckout(victim.organisationId);
    const completed = await deliver(t, sign(t, { type: 'checkout.session.completed', object: session }));
    expect(completed.statusCode).toBe(200);
    expect(completed.json()).toMatchObject({ outcome: 'unresolved' });
    const created = await deliver(
      t,
      sign(t, { type: 'customer.subscription.created', object: subscription }),
    );
    expect(created.json()).toMatchObject({ outcome: 'unresolved' });

    expect(await storedSubscription(t, victim.organisationId)).toEqual(before);
    expect(before).toMatchObject({
      tier: 'pro',
      customer: victim.customerId,
      subscription: victim.subscriptionId,
    });
  });

  it("changes nothing for a subscription of one organisation's customer that names another organisation", async () => {
    const { t, stripe } = context;
    const first = await subscribedOrganisation(context, 'starter');
    const second = await subscribedOrganisation(context, 'starter');
    const [firstBefore, secondBefore] = await Promise.all([
      storedSubscription(t, first.organisationId),
      storedSubscription(t, second.organisationId),
    ]);
    const crossed = stripe.subscriptions.add({
      customer: first.customerId,
      price: PRICES.enterprise,
      metadata: { organisation_id: second.organisationId, tier: 'enterprise' },
    });
    const event = sign(t, { type: 'customer.subscription.created', object: crossed });
    const response = await deliver(t, event);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ outcome: 'unresolved' });
    expect(await storedSubscription(t, first.organisationId)).toEqual(firstBefore);
    expect(await storedSubscription(t, second.organisationId)).toEqual(secondBefore);

    const report = await reconcile();
    expect(report.unresolved).toContainEqual({
      subscriptionId: crossed.id,
      eventId: event.event.id,
      reason: expect.stringContaining('conflict'),
    });
    expect(report.unresolved).toContainEqual({
      subscriptionId: crossed.id,
      eventId: null,
      reason: expect.stringContaining('conflict'),
    });
  });
});

describe('two checkouts of one organisation', () => {
  it('share its one customer; the second paid subscription is reported, never silently replacing the first', async () => {
    const { t, stripe } = context;
    const owner = await signUp(t, 'employer');
    const organisationId = await createOrganisation(t, owner);
    const url = `/organisations/${organisationId}/billing/checkout`;
    // Two tabs: both start before either is paid.
    const sessions = [];
    for (const tier of ['starter', 'pro'] as const) {
      const started = await billingPost(t, owner, url, checkoutBody(tier));
      expect(started.statusCode, started.body).toBe(200);
      sessions.push(started.json().sessionId as string);
    }
    const customers = sessions.map((id) => stripe.checkoutSessions.get(id)?.customer);
    expect(customers[0]).toMatch(/^cus_/);
    expect(customers[1]).toBe(customers[0]);
    const customerCreations = stripe.requests.filter(
      (request) =>
        request.path === '/v1/customers' &&
        (request.params.metadata as Record<string, string>).organisation_id === organisationId,
    );
    expect(customerCreations).toHaveLength(1);

    const [first, second] = sessions.map((id) => stripe.completeCheckout(id));
    const answers = [];
    for (const id of sessions) {
      const object = stripe.checkoutSessions.get(id);
      answers.push((await deliver(t, sign(t, { type: 'checkout.session.completed', object }))).json());
    }
    expect(answers.map((answer) => answer.outcome)).toEqual(['processed', 'unresolved']);
    expect(await storedSubscription(t, organisationId)).toMatchObject({
      tier: 'starter',
      customer: customers[0],
      subscription: first?.id,
    });
    // An owner who already pays is sent to the portal.
    expect((await billingPost(t, owner, url, checkoutBody('pro'))).json()).toMatchObject({
      code: 'subscription_exists',
    });

    const report = await reconcile();
    for (const subscription of [first, second]) {
      expect(report.unresolved).toContainEqual({
        subscriptionId: subscription?.id,
        eventId: null,
        reason: expect.stringContaining('several live subscriptions'),
      });
    }
    expect(await storedSubscription(t, organisationId)).toMatchObject({ subscription: first?.id });
  });

  it('a subscription nobody can place is recorded once, answered 200, and listed by reconciliation', async () => {
    const { t, stripe } = context;
    const foreign = stripe.subscriptions.add({ price: PRICES.pro });
    const event = sign(t, { type: 'customer.subscription.updated', object: foreign });
    expect((await deliver(t, event)).statusCode).toBe(200);
    expect(await webhookRows(t)).toContainEqual({
      event_id: event.event.id,
      type: 'customer.subscription.updated',
      status: 'unresolved',
    });
    const report = await reconcile();
    expect(report.unresolved).toContainEqual({
      subscriptionId: foreign.id,
      eventId: event.event.id,
      reason: expect.stringContaining('no organisation'),
    });
  });
});
