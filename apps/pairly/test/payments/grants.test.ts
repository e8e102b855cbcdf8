// Credits come only from verified provider events, exactly once per payment: a purchase's recorded
// event sequence (Stripe: session completed, PaymentIntent succeeded, charge succeeded; Razorpay:
// payment authorized, captured, order paid) replayed three times in random order grants once; a
// payment whose amount or currency differs from the order grants nothing and sends the order to
// review; an event for no order of ours is kept unresolved; an expired checkout paid late still
// grants; a frozen account's payment goes to review; the ledger stays sound throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceOf, expectProblem } from '../credits/http-support.js';
import { ledgerChecker } from '../credits/ledger-invariants.js';
import { signUp, type TestUser } from '../support/pairly-client.js';
import {
  type Delivery,
  deliver,
  getOrder,
  order,
  type PaymentsTestEnv,
  payRazorpay,
  payStripe,
  purchaseGrants,
  razorpayDelivery,
  shuffled,
  startPaymentsApp,
  stripeDelivery,
  stripeOrderBody,
} from './support.js';

let env: PaymentsTestEnv;

beforeAll(async () => {
  env = await startPaymentsApp();
});
afterAll(() => env?.close());

/** Delivers every event, expecting each answer 2xx; answers the outcomes of first deliveries. */
async function deliverAll(deliveries: Delivery[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const delivery of deliveries) {
    const response = await deliver(env, delivery);
    expect(response.statusCode, `${delivery.type}: ${response.body}`).toBe(200);
    const answer = response.json() as { outcome: string; duplicate: boolean };
    if (!answer.duplicate) outcomes.push(answer.outcome);
  }
  return outcomes;
}

async function staffView(orderId: string) {
  const finance = await signUp(env.t, 'finance');
  const response = await env.t.app.inject({
    method: 'GET',
    url: '/admin/payments/orders?limit=100',
    headers: finance.headers,
  });
  const items = (
    response.json() as { items: Array<{ id: string; status: string; reviewReason: string | null }> }
  ).items;
  return items.find((item) => item.id === orderId);
}

describe('a recorded event sequence replayed three times in random order grants once', () => {
  it.each([11, 42, 2026])('Stripe, seed %i', async (seed) => {
    const fan = await signUp(env.t, 'fan');
    const made = await order(env, fan, stripeOrderBody('popular', 'GBP'));
    const { paymentIntent, events } = payStripe(env, made);
    const outcomes = await deliverAll(shuffled([...events, ...events, ...events], seed));
    // Each event handled once; the one purchases does not claim (charge.succeeded) ignored.
    expect(outcomes.sort()).toEqual(['ignored', 'processed', 'processed']);
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 1, sum: 550 });
    expect((await balanceOf(env.t, fan)).spendable).toBe(550);
    const paid = await getOrder(env, fan, made.id);
    expect(paid).toMatchObject({ status: 'paid', creditsGranted: 550 });
    expect(paid.paidAt).not.toBeNull();
    const { rows } = await env.t.db.executeSql(
      'select provider_payment_id from payment_orders where id = $1',
      [made.id],
    );
    expect((rows[0] as { provider_payment_id: string }).provider_payment_id).toBe(paymentIntent.id);
  });

  it.each([7, 99, 31337])('Razorpay, seed %i', async (seed) => {
    const fan = await signUp(env.t, 'fan');
    const made = await order(env, fan, { packId: 'starter', currency: 'INR' });
    const { events } = payRazorpay(env, made);
    const outcomes = await deliverAll(shuffled([...events, ...events, ...events], seed));
    expect(outcomes.sort()).toEqual(['ignored', 'processed', 'processed']);
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 1, sum: 100 });
    expect(await getOrder(env, fan, made.id)).toMatchObject({ status: 'paid', creditsGranted: 100 });
  });
});

describe('a payment that does not match its order grants nothing', () => {
  it('Stripe: a different amount sends the order to review, whatever events follow', async () => {
    const fan = await signUp(env.t, 'fan');
    const made = await order(env, fan, stripeOrderBody('starter', 'USD'));
    const { events } = payStripe(env, made, { amount: 99 });
    const outcomes = await deliverAll([...events, ...events]);
    expect(outcomes.sort()).toEqual(['ignored', 'unresolved', 'unresolved']);
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 0, sum: 0 });
    expect((await balanceOf(env.t, fan)).spendable).toBe(0);
    expect(await getOrder(env, fan, made.id)).toMatchObject({ status: 'review', creditsGranted: 0 });
    expect((await staffView(made.id))?.reviewReason).toMatch(/^amount_mismatch/);
  });

  it('Razorpay: a different currency sends the order to review', async () => {
    const fan = await signUp(env.t, 'fan');
    const made = await order(env, fan, { packId: 'starter', currency: 'INR' });
    const { events } = payRazorpay(env, made, { currency: 'USD' });
    await deliverAll(events);
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 0, sum: 0 });
    expect(await getOrder(env, fan, made.id)).toMatchObject({ status: 'review' });
    expect((await staffView(made.id))?.reviewReason).toMatch(/^currency_mismatch/);
  });

  it('an event for no order of ours changes nothing and is kept unresolved with its reason', async () => {
    const { paymentIntent } = env.stripe.addPaymentIntent({
      amount: 199,
      currency: 'usd',
      metadata: { orderId: '00000000-0000-4000-8000-0000000f00d5', userId: 'someone' },
    });
    const delivery = stripeDelivery(env, { type: 'payment_intent.succeeded', object: paymentIntent });
    const response = await deliver(env, delivery);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ outcome: 'unresolved', duplicate: false });
    const { rows } = await env.t.db.executeSql(
      'select status, last_error from webhook_events where provider = $1 and event_id = $2',
      ['stripe', delivery.eventId],
    );
    expect(rows[0]).toMatchObject({
      status: 'unresolved',
      last_error: expect.stringMatching(/^unknown_order/),
    });
  });
});

describe('ended checkouts', () => {
  it('an expired session expires the order, and a payment arriving after it still grants once', async () => {
    const fan = await signUp(env.t, 'fan');
    const made = await order(env, fan, stripeOrderBody('starter', 'EUR'));
    const session = env.stripe.checkoutSessions.get(made.providerOrderId as string);
    await deliverAll([
      stripeDelivery(env, { type: 'checkout.session.expired', object: { ...session, status: 'expired' } }),
    ]);
    expect((await getOrder(env, fan, made.id)).status).toBe('expired');
    const { events } = payStripe(env, made);
    await deliverAll(events);
    expect(await getOrder(env, fan, made.id)).toMatchObject({ status: 'paid', creditsGranted: 100 });
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 1, sum: 100 });
  });

  it('a failed Razorpay payment fails the order only while it is still open', async () => {
    const fan = await signUp(env.t, 'fan');
    const made = await order(env, fan, { packId: 'starter', currency: 'INR' });
    const failed = env.razorpay.failPayment(made.providerOrderId as string);
    await deliverAll([razorpayDelivery(env, 'payment.failed', { payment: failed })]);
    expect((await getOrder(env, fan, made.id)).status).toBe('failed');
    const { events } = payRazorpay(env, made);
    await deliverAll([...events, razorpayDelivery(env, 'payment.failed', { payment: failed })]);
    expect((await getOrder(env, fan, made.id)).status).toBe('paid');
  });
});

describe('a frozen account', () => {
  it("does not receive a purchase: the order goes to review, the ledger refuses nothing it shouldn't", async () => {
    const fan = await signUp(env.t, 'fan');
    const made = await order(env, fan, stripeOrderBody());
    await env.t.db.executeSql(
      `insert into credit_accounts (id, owner_id, kind, frozen, created_at)
       values (gen_random_uuid(), $1, 'spendable', true, now())
       on conflict (owner_id, kind) where owner_id is not null do update set frozen = true`,
      [fan.id],
    );
    const { events } = payStripe(env, made);
    const outcomes = await deliverAll(events);
    expect(outcomes).toContain('unresolved');
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 0, sum: 0 });
    expect(await staffView(made.id)).toMatchObject({
      status: 'review',
      reviewReason: expect.stringMatching(/^account_frozen/),
    });
  });
});

describe('the Razorpay checkout callback', () => {
  let fan: TestUser;

  beforeAll(async () => {
    fan = await signUp(env.t, 'fan');
  });

  it('is verified and noted, but grants nothing: only the provider event does', async () => {
    const made = await order(env, fan, { packId: 'pro', currency: 'INR' });
    const { payment } = env.razorpay.capturePayment(made.providerOrderId as string);
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', env.razorpay.keySecret)
      .update(`${made.providerOrderId}|${payment.id}`)
      .digest('hex');
    const body = { orderId: made.id, razorpayOrderId: made.providerOrderId, razorpayPaymentId: payment.id };

    const forged = await env.t.app.inject({
      method: 'POST',
      url: '/payments/razorpay/verify',
      headers: fan.headers,
      payload: { ...body, razorpaySignature: 'a'.repeat(64) },
    });
    expectProblem(forged, 400, 'checkout_signature_invalid', '/body/razorpaySignature');
    expect((await getOrder(env, fan, made.id)).callbackVerified).toBe(false);

    const stranger = await signUp(env.t, 'fan');
    const foreign = await env.t.app.inject({
      method: 'POST',
      url: '/payments/razorpay/verify',
      headers: stranger.headers,
      payload: { ...body, razorpaySignature: signature },
    });
    expectProblem(foreign, 404, 'order_not_found');

    const verified = await env.t.app.inject({
      method: 'POST',
      url: '/payments/razorpay/verify',
      headers: fan.headers,
      payload: { ...body, razorpaySignature: signature },
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({
      id: made.id,
      status: 'created',
      callbackVerified: true,
      creditsGranted: 0,
    });
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 0, sum: 0 });
  });
});

describe('the ledger', () => {
  it('stays sound after every purchase above', async () => {
    await ledgerChecker(env.t.db).assertSound();
  });
});
