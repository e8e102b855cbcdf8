// Abuse of the purchase paths: webhook deliveries that are tampered with (one byte), stale, signed
// with the wrong secret or not signed at all are refused with a 400 naming the reason and leave no
// trace (no inbox row, no grant, the order unchanged), for both providers; order creation is rate
// limited per user (one user's burst does not limit another), while the webhook endpoints are not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { signUp } from '../support/pairly-client.js';
import {
  type Delivery,
  deliver,
  getOrder,
  type OrderJson,
  order,
  type PaymentsTestEnv,
  payRazorpay,
  payStripe,
  postOrder,
  purchaseGrants,
  razorpayDelivery,
  startPaymentsApp,
  stripeDelivery,
  stripeOrderBody,
} from './support.js';

const PAYMENTS_PER_MINUTE = 4;

let env: PaymentsTestEnv;

beforeAll(async () => {
  env = await startPaymentsApp({ env: { RATE_LIMIT_PAYMENTS_PER_MINUTE: String(PAYMENTS_PER_MINUTE) } });
});
afterAll(() => env?.close());

async function inboxRows(eventId: string): Promise<number> {
  const { rows } = await env.t.db.executeSql(
    'select count(*)::int as n from webhook_events where event_id = $1',
    [eventId],
  );
  return (rows[0] as { n: number }).n;
}

/** One byte of the body changed after signing (an amount digit, say). */
function tampered(delivery: Delivery): Delivery {
  const at = delivery.body.search(/\d/);
  const digit = delivery.body[at] === '9' ? '8' : String(Number(delivery.body[at]) + 1);
  return { ...delivery, body: delivery.body.slice(0, at) + digit + delivery.body.slice(at + 1) };
}

async function expectRefusedWithoutTrace(
  delivery: Delivery,
  reason: string,
  buyer: { id: string },
  orderJson: OrderJson,
  user: Parameters<typeof getOrder>[1],
) {
  const response = await deliver(env, delivery);
  expectProblem(response, 400, reason);
  expect(await inboxRows(delivery.eventId)).toBe(0);
  expect(await purchaseGrants(env, buyer.id)).toEqual({ count: 0, sum: 0 });
  expect((await getOrder(env, user, orderJson.id)).status).toBe('created');
}

describe('Stripe deliveries that are not genuine and fresh change nothing', () => {
  it('refuses tampered, stale, wrong-secret and unsigned deliveries, then accepts the genuine one', async () => {
    const fan = await signUp(env.t, 'fan');
    const made = await order(env, fan, stripeOrderBody());
    const { paymentIntent } = payStripe(env, made);
    const event = { type: 'payment_intent.succeeded', object: paymentIntent };
    const genuine = stripeDelivery(env, event);

    await expectRefusedWithoutTrace(tampered(genuine), 'signature_mismatch', fan, made, fan);
    const stale = stripeDelivery(env, event, { timestamp: new Date(env.t.clock.now().getTime() - 301_000) });
    await expectRefusedWithoutTrace(stale, 'timestamp_outside_tolerance', fan, made, fan);
    const early = stripeDelivery(env, event, { timestamp: new Date(env.t.clock.now().getTime() + 301_000) });
    await expectRefusedWithoutTrace(early, 'timestamp_outside_tolerance', fan, made, fan);
    const wrongSecret = stripeDelivery(env, event, { secret: 'whsec_someone_else' });
    await expectRefusedWithoutTrace(wrongSecret, 'signature_mismatch', fan, made, fan);
    const { 'stripe-signature': _dropped, ...unsigned } = genuine.headers;
    await expectRefusedWithoutTrace({ ...genuine, headers: unsigned }, 'signature_missing', fan, made, fan);

    expect((await deliver(env, genuine)).statusCode).toBe(200);
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 1, sum: 100 });
  });
});

describe('Razorpay deliveries that are not genuine and fresh change nothing', () => {
  it('refuses tampered, stale, wrong-secret, unsigned and unnamed deliveries, then accepts the genuine one', async () => {
    const fan = await signUp(env.t, 'fan');
    const made = await order(env, fan, { packId: 'starter', currency: 'INR' });
    const { events } = payRazorpay(env, made);
    const captured = events[1] as Delivery;
    const payment = (JSON.parse(captured.body) as { payload: { payment: { entity: never } } }).payload.payment
      .entity;

    await expectRefusedWithoutTrace(tampered(captured), 'signature_mismatch', fan, made, fan);
    const stale = razorpayDelivery(
      env,
      'payment.captured',
      { payment },
      { createdAt: new Date(env.t.clock.now().getTime() - 8 * 86_400_000) },
    );
    await expectRefusedWithoutTrace(stale, 'timestamp_outside_tolerance', fan, made, fan);
    const wrongSecret = razorpayDelivery(env, 'payment.captured', { payment }, { secret: 'not_our_secret' });
    await expectRefusedWithoutTrace(wrongSecret, 'signature_mismatch', fan, made, fan);
    const { 'x-razorpay-signature': _signature, ...unsigned } = captured.headers;
    await expectRefusedWithoutTrace({ ...captured, headers: unsigned }, 'signature_missing', fan, made, fan);
    const { 'x-razorpay-event-id': _id, ...unnamed } = captured.headers;
    await expectRefusedWithoutTrace({ ...captured, headers: unnamed }, 'body_malformed', fan, made, fan);

    expect((await deliver(env, captured)).statusCode).toBe(200);
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 1, sum: 100 });
  });
});

describe('order creation is rate limited per user', () => {
  it(`answers 429 with Retry-After after ${PAYMENTS_PER_MINUTE} orders a minute, to that user only`, async () => {
    const eager = await signUp(env.t, 'fan');
    const calm = await signUp(env.t, 'fan');
    const statuses: number[] = [];
    for (let index = 0; index <= PAYMENTS_PER_MINUTE; index += 1) {
      statuses.push((await postOrder(env, eager, { packId: 'starter', currency: 'INR' })).statusCode);
    }
    expect(statuses.slice(0, PAYMENTS_PER_MINUTE)).toEqual(Array(PAYMENTS_PER_MINUTE).fill(201));
    const limited = await postOrder(env, eager, { packId: 'starter', currency: 'INR' });
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await postOrder(env, calm, { packId: 'starter', currency: 'INR' })).statusCode).toBe(201);
  });

  it('never limits the webhook endpoints (a provider delivers bursts)', async () => {
    const fan = await signUp(env.t, 'fan');
    const made = await order(env, fan, stripeOrderBody());
    const { events } = payStripe(env, made);
    for (let round = 0; round < PAYMENTS_PER_MINUTE * 3; round += 1) {
      expect((await deliver(env, events[round % events.length] as Delivery)).statusCode).toBe(200);
    }
  });
});
