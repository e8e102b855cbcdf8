// Refunds reverse a purchase's grant as new ledger entries, pro rata to the refunded amount and never
// more than was granted: Stripe's charge.refunded (a running total: full, partial, two partials, a
// redelivery, an older total delivered late) and Razorpay's refund.processed (each refund id once).
// A refund that overtakes the payment's own events fails (the provider retries) and applies once the
// grant is there. Events the module does not act on change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../support/pairly-client.js';
import {
  balance,
  entries,
  expectDelivered,
  orderStatus,
  paidRazorpay,
  paidStripe,
  razorpayRefund,
  stripeRefund,
} from './reversals-support.js';
import {
  deliver,
  order,
  type PaymentsTestEnv,
  payStripe,
  startPaymentsApp,
  stripeDelivery,
  stripeOrderBody,
} from './support.js';

let env: PaymentsTestEnv;

beforeAll(async () => {
  env = await startPaymentsApp();
});
afterAll(() => env?.close());

describe('Stripe refunds (charge.refunded)', () => {
  it('a full refund takes the whole grant back, once however often it is delivered', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidStripe(env, fan, 'popular'); // 550 credits for 999 cents
    expect((await balance(env, fan)).spendable).toBe(550);
    const refund = stripeRefund(env, paid.chargeId);
    await expectDelivered(env, refund, 'processed');
    const again = await deliver(env, refund);
    expect(again.json()).toMatchObject({ duplicate: true });
    expect((await balance(env, fan)).spendable).toBe(0);
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([550]);
    expect(await orderStatus(env, paid.order.id)).toBe('refunded');
    // The same charge reported again under a new event id (Stripe resends the object) is a no-op.
    await expectDelivered(
      env,
      stripeDelivery(env, { type: 'charge.refunded', object: env.stripe.charges.get(paid.chargeId) }),
    );
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([550]);
  });

  it('two partial refunds reverse pro rata on the running total, and add up to the grant', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidStripe(env, fan, 'popular'); // 550 credits, 999 cents
    const first = stripeRefund(env, paid.chargeId, 333); // floor(550 × 333 / 999) = 183
    await expectDelivered(env, first, 'processed');
    expect((await balance(env, fan)).spendable).toBe(550 - 183);
    expect(await orderStatus(env, paid.order.id)).toBe('partially_refunded');
    const second = stripeRefund(env, paid.chargeId, 666); // the rest: 550 - 183
    await expectDelivered(env, second, 'processed');
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([183, 367]);
    expect((await balance(env, fan)).spendable).toBe(0);
    expect(await orderStatus(env, paid.order.id)).toBe('refunded');
  });

  it('an older running total delivered after a newer one changes nothing', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidStripe(env, fan, 'pro'); // 1200 credits, 1999 cents
    const older = stripeRefund(env, paid.chargeId, 1000);
    const newer = stripeRefund(env, paid.chargeId, 500); // running total 1500
    await expectDelivered(env, newer, 'processed');
    await expectDelivered(env, older, 'ignored');
    // floor(1200 × 1500 / 1999) = 900, in one entry.
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([900]);
    expect((await balance(env, fan)).spendable).toBe(300);
  });

  it('a refund that overtakes the payment event fails (retried) and applies once the grant is made', async () => {
    const fan = await signUp(env.t, 'fan');
    const created = await order(env, fan, stripeOrderBody('starter')); // 100 credits, 199 cents
    const paid = payStripe(env, created);
    const refund = stripeRefund(env, paid.charge.id);
    const early = await deliver(env, refund);
    expect(early.statusCode, early.body).toBe(500);
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([]);
    for (const event of paid.events) await expectDelivered(env, event);
    expect((await balance(env, fan)).spendable).toBe(100);
    await expectDelivered(env, refund, 'processed');
    expect((await balance(env, fan)).spendable).toBe(0);
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([100]);
  });

  it('charge.refund.updated reverses nothing on its own', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidStripe(env, fan, 'starter');
    const { refund } = env.stripe.refundCharge(paid.chargeId, 50);
    await expectDelivered(
      env,
      stripeDelivery(env, { type: 'charge.refund.updated', object: refund }),
      'ignored',
    );
    expect((await balance(env, fan)).spendable).toBe(100);
  });
});

describe('Razorpay refunds (refund.processed)', () => {
  it('reverses each refund once, pro rata, and never more than was granted', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidRazorpay(env, fan, 'popular'); // 550 credits for 49,900 paise
    expect((await balance(env, fan)).spendable).toBe(550);
    const first = razorpayRefund(env, paid.paymentId, 9_980); // floor(550 × 9980 / 49900) = 110
    await expectDelivered(env, first, 'processed');
    const redelivered = await deliver(env, first);
    expect(redelivered.json()).toMatchObject({ duplicate: true });
    expect((await balance(env, fan)).spendable).toBe(440);
    expect(await orderStatus(env, paid.order.id)).toBe('partially_refunded');
    await expectDelivered(env, razorpayRefund(env, paid.paymentId), 'processed'); // the rest
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([110, 440]);
    expect((await balance(env, fan)).spendable).toBe(0);
    expect(await orderStatus(env, paid.order.id)).toBe('refunded');
    const { rows } = await env.t.db.executeSql(
      'select provider, amount, credits_reversed, credits_short from payment_reversals where order_id = $1 order by created_at',
      [paid.order.id],
    );
    expect(rows.map((row) => Object.values(row).map(String))).toEqual([
      ['razorpay', '9980', '110', '0'],
      ['razorpay', '39920', '440', '0'],
    ]);
  });

  it('a refund for a payment no order of ours knows fails and reverses nothing', async () => {
    const fan = await signUp(env.t, 'fan');
    await paidRazorpay(env, fan, 'starter');
    const stranger = env.razorpay.addPayment({ amount: 5_000, currency: 'INR' });
    const response = await deliver(env, razorpayRefund(env, stranger.id));
    expect(response.statusCode).toBe(500);
    expect((await balance(env, fan)).spendable).toBe(100);
  });
});
