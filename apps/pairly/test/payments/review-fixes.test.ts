// Abuse and edge cases from the payments security review: a refund of a payment that did not pay the
// order never touches its grant; a dispute won after refunds never gives back refunded credits; a
// payment's client-set notes never beat the provider's own order id; staff list cursors answer 400,
// never 500; a review's `unfreeze` never lifts a freeze finance set for another reason; both Stripe
// events of one payment delivered at once grant once; a delivery signed with the rotated (second)
// secret is accepted; the order-review queue lists an order held in review to finance, admin and
// readonly only. The app runs with two webhook secrets per provider (new first, old second).
import type { RazorpayPayment } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type TestUser } from '../support/pairly-client.js';
import { balance, entries, expectDelivered, orderStatus, paidRazorpay, spend } from './reversals-support.js';
import {
  deliver,
  getOrder,
  order,
  type PaymentsTestEnv,
  payStripe,
  purchaseGrants,
  RAZORPAY_WEBHOOK_SECRET,
  razorpayDelivery,
  STRIPE_WEBHOOK_SECRET,
  startPaymentsApp,
  stripeDelivery,
  stripeOrderBody,
} from './support.js';

const NEW_STRIPE_SECRET = 'whsec_pairly_rotated_new';
const NEW_RAZORPAY_SECRET = 'rzp_webhook_pairly_rotated_new';

let env: PaymentsTestEnv;
let finance: TestUser;

beforeAll(async () => {
  env = await startPaymentsApp({
    env: {
      STRIPE_WEBHOOK_SECRET: `${NEW_STRIPE_SECRET},${STRIPE_WEBHOOK_SECRET}`,
      RAZORPAY_WEBHOOK_SECRET: `${NEW_RAZORPAY_SECRET},${RAZORPAY_WEBHOOK_SECRET}`,
    },
  });
  finance = await signUp(env.t, 'finance');
});
afterAll(() => env?.close());

const now = () => Math.floor(env.t.clock.now().getTime() / 1000);

/** A captured Razorpay payment entity on `orderId` (the provider's order), with `notes`. */
function capturedPayment(
  id: string,
  providerOrderId: string,
  amount: number,
  notes: unknown = [],
): RazorpayPayment {
  return {
    id,
    entity: 'payment',
    amount,
    currency: 'INR',
    status: 'captured',
    order_id: providerOrderId,
    captured: true,
    notes,
    created_at: now(),
  } as unknown as RazorpayPayment;
}

function refundDelivery(id: string, paymentId: string, amount: number, payment?: unknown) {
  const refund = {
    id,
    entity: 'refund',
    amount,
    currency: 'INR',
    payment_id: paymentId,
    status: 'processed',
    created_at: now(),
  };
  return razorpayDelivery(env, 'refund.processed', { refund, ...(payment ? { payment } : {}) } as never);
}

describe('a refund of a payment that did not pay the order', () => {
  it('a duplicate capture on a paid order, refunded, leaves the real grant alone and is unresolved', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidRazorpay(env, fan, 'starter'); // 100 credits
    const duplicate = capturedPayment('pay_Duplicate00001', paid.order.providerOrderId as string, 9900);
    await expectDelivered(
      env,
      razorpayDelivery(env, 'payment.captured', { payment: duplicate }),
      'unresolved',
    );
    await expectDelivered(
      env,
      refundDelivery('rfnd_Duplicate0001', duplicate.id, 9900, { ...duplicate, status: 'refunded' }),
      'unresolved',
    );
    expect((await balance(env, fan)).spendable).toBe(100);
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([]);
    const { rows } = await env.t.db.executeSql(
      'select count(*)::int as n from payment_reversals where order_id = $1',
      [paid.order.id],
    );
    expect((rows[0] as { n: number }).n).toBe(0);
    const { rows: inbox } = await env.t.db.executeSql(
      `select last_error from webhook_events where provider = 'razorpay' and last_error like '%payment_not_granted%'`,
    );
    expect(inbox.length).toBeGreaterThan(0);
    // The payment that did pay it still reverses as before.
    await expectDelivered(env, refundDelivery('rfnd_RealPayment01', paid.paymentId, 9900), 'processed');
    expect((await balance(env, fan)).spendable).toBe(0);
  });
});

describe('a dispute won after refunds', () => {
  async function disputed(fan: TestUser) {
    const paid = await paidRazorpay(env, fan, 'starter'); // 100 credits for 9900
    const dispute = env.razorpay.disputePayment(paid.paymentId);
    await expectDelivered(env, razorpayDelivery(env, 'payment.dispute.created', { dispute }), 'processed');
    expect((await balance(env, fan)).spendable).toBe(0);
    return { paid, dispute };
  }

  it('dispute, full refund, won: gives nothing back (the money went back already)', async () => {
    const fan = await signUp(env.t, 'fan');
    const { paid, dispute } = await disputed(fan);
    await expectDelivered(env, refundDelivery('rfnd_FullAfterDisp', paid.paymentId, 9900), 'processed');
    const won = env.razorpay.resolveDispute(dispute.id, 'won');
    await expectDelivered(env, razorpayDelivery(env, 'payment.dispute.won', { dispute: won }), 'processed');
    expect((await balance(env, fan)).spendable).toBe(0);
    expect(await entries(env, fan.id, 'purchase_reinstated')).toEqual([]);
    expect(await orderStatus(env, paid.order.id)).toBe('refunded');
  });

  it('dispute, half refund, won: gives back the unrefunded half; the rest refunded later takes it', async () => {
    const fan = await signUp(env.t, 'fan');
    const { paid, dispute } = await disputed(fan);
    await expectDelivered(env, refundDelivery('rfnd_HalfAfterDisp', paid.paymentId, 4950), 'processed');
    const won = env.razorpay.resolveDispute(dispute.id, 'won');
    await expectDelivered(env, razorpayDelivery(env, 'payment.dispute.won', { dispute: won }), 'processed');
    expect(await entries(env, fan.id, 'purchase_reinstated')).toEqual([50]);
    expect((await balance(env, fan)).spendable).toBe(50);
    expect(await orderStatus(env, paid.order.id)).toBe('partially_refunded');
    await expectDelivered(env, refundDelivery('rfnd_RestAfterWon1', paid.paymentId, 4950), 'processed');
    expect((await balance(env, fan)).spendable).toBe(0);
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([100, 50]);
    expect(await orderStatus(env, paid.order.id)).toBe('refunded');
  });
});

describe("a payment's notes naming another order", () => {
  it("never touch the victim's order, whose own payment still grants", async () => {
    const attacker = await signUp(env.t, 'fan');
    const victim = await signUp(env.t, 'fan');
    const own = await order(env, attacker, { packId: 'starter', currency: 'INR' });
    const theirs = await order(env, victim, { packId: 'starter', currency: 'INR' });
    const forged = capturedPayment('pay_Forged00000001', own.providerOrderId as string, 9900, {
      orderId: theirs.id,
    });
    for (const type of ['payment.captured', 'payment.failed']) {
      const answer = await deliver(env, razorpayDelivery(env, type, { payment: forged }));
      expect(answer.statusCode, answer.body).toBe(200);
    }
    expect((await getOrder(env, victim, theirs.id)).status).toBe('created');
    expect((await getOrder(env, attacker, own.id)).status).toBe('failed');
    expect((await balance(env, attacker)).spendable).toBe(0);
    const { rows } = await env.t.db.executeSql(
      'select count(*)::int as n from payment_orders where provider_payment_id = $1',
      [forged.id],
    );
    expect((rows[0] as { n: number }).n).toBe(0);

    const genuine = capturedPayment('pay_VictimPays0001', theirs.providerOrderId as string, 9900, {
      orderId: theirs.id,
    });
    await expectDelivered(env, razorpayDelivery(env, 'payment.captured', { payment: genuine }), 'processed');
    expect((await getOrder(env, victim, theirs.id)).status).toBe('paid');
    expect((await balance(env, victim)).spendable).toBe(100);
  });
});

describe('staff list cursors', () => {
  const bad = [
    `2026-01-01T00:00:00.000Z|${'-'.repeat(36)}`,
    '+275000-01-01T00:00:00.000Z|00000000-0000-4000-8000-000000000000',
    'not a cursor',
  ];
  for (const url of ['/admin/payments/reviews', '/admin/payments/reconciliation/findings']) {
    it(`${url} answers 400 naming the cursor, never 500`, async () => {
      for (const raw of bad) {
        const cursor = Buffer.from(raw).toString('base64url');
        const response = await env.t.app.inject({
          method: 'GET',
          url: `${url}?cursor=${cursor}`,
          headers: finance.headers,
        });
        expect(response.statusCode, `${raw}: ${response.body}`).toBe(400);
        expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(
          '/querystring/cursor',
        );
      }
    });
  }
});

describe('resolving a review with unfreeze', () => {
  const setFrozen = (userId: string, frozen: boolean) =>
    env.t.app.inject({
      method: 'PUT',
      url: `/admin/credits/users/${userId}/frozen`,
      headers: { ...finance.headers, 'idempotency-key': crypto.randomUUID() },
      payload: { frozen, reason: frozen ? 'Card fraud under review' : 'Cleared' },
    });
  const resolve = (reviewId: string, action: string) =>
    env.t.app.inject({
      method: 'POST',
      url: `/admin/payments/reviews/${reviewId}/resolve`,
      headers: finance.headers,
      payload: { action, note: 'checked' },
    });

  it('refuses (409 frozen_by_finance) while finance froze the account for another reason', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidRazorpay(env, fan, 'starter');
    await spend(env, fan, 90);
    expect((await setFrozen(fan.id, true)).statusCode).toBe(200);
    await expectDelivered(env, refundDelivery('rfnd_FrozenByFin01', paid.paymentId, 9900), 'processed');
    const { rows } = await env.t.db.executeSql(
      "select id from payment_reviews where user_id = $1 and status = 'open'",
      [fan.id],
    );
    const reviewId = (rows[0] as { id: string }).id;
    const refused = await resolve(reviewId, 'unfreeze');
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().code).toBe('frozen_by_finance');
    expect((await balance(env, fan)).frozen).toBe(true);
    // Once finance lifts its own freeze (and the reversal's freeze is all that is left), unfreeze works.
    expect((await setFrozen(fan.id, false)).statusCode).toBe(200);
    expect((await setFrozen(fan.id, true)).statusCode).toBe(200);
    expect((await resolve(reviewId, 'unfreeze')).statusCode).toBe(409);
    expect((await setFrozen(fan.id, false)).statusCode).toBe(200);
    const done = await resolve(reviewId, 'unfreeze');
    expect(done.statusCode, done.body).toBe(200);
    expect((await balance(env, fan)).frozen).toBe(false);
  });
});

describe('Stripe deliveries', () => {
  it('both events of one payment delivered at once, ten times each, grant once', async () => {
    const fan = await signUp(env.t, 'fan');
    const created = await order(env, fan, stripeOrderBody('popular'));
    const paid = payStripe(env, created);
    const [completed, succeeded] = paid.events;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => [completed, succeeded])
        .flat()
        .map((delivery) => deliver(env, delivery as NonNullable<typeof delivery>)),
    );
    for (const answer of answers) expect(answer.statusCode, answer.body).toBe(200);
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 1, sum: 550 });
    expect((await balance(env, fan)).spendable).toBe(550);
  });

  it('a delivery signed with either configured secret is accepted; another secret is not', async () => {
    const fan = await signUp(env.t, 'fan');
    const created = await order(env, fan, stripeOrderBody('starter'));
    const { paymentIntent } = payStripe(env, created);
    const unknown = stripeDelivery(
      env,
      { type: 'payment_intent.succeeded', object: paymentIntent },
      { secret: 'whsec_someone_else' },
    );
    expect((await deliver(env, unknown)).statusCode).toBe(400);
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 0, sum: 0 });
    const signedNew = stripeDelivery(
      env,
      { type: 'payment_intent.succeeded', object: paymentIntent },
      { secret: NEW_STRIPE_SECRET },
    );
    await expectDelivered(env, signedNew, 'processed');
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 1, sum: 100 });

    const other = await signUp(env.t, 'fan');
    const rzp = await order(env, other, { packId: 'starter', currency: 'INR' });
    const payment = capturedPayment('pay_RotatedSecret1', rzp.providerOrderId as string, 9900);
    await expectDelivered(
      env,
      razorpayDelivery(env, 'payment.captured', { payment }, { secret: NEW_RAZORPAY_SECRET }),
      'processed',
    );
    expect((await balance(env, other)).spendable).toBe(100);
  });
});

describe('settling an order in review', () => {
  const setFrozen = (userId: string, frozen: boolean) =>
    env.t.app.inject({
      method: 'PUT',
      url: `/admin/credits/users/${userId}/frozen`,
      headers: { ...finance.headers, 'idempotency-key': crypto.randomUUID() },
      payload: { frozen, reason: frozen ? 'Chargeback history' : 'Cleared' },
    });
  const settle = (user: TestUser, orderId: string, action: string) =>
    env.t.app.inject({
      method: 'POST',
      url: `/admin/payments/reviews/orders/${orderId}/resolve`,
      headers: user.headers,
      payload: { action, note: 'ticket 5120' },
    });

  it('grants a purchase paid while frozen, once, only after the freeze is lifted; audited', async () => {
    const fan = await signUp(env.t, 'fan');
    const created = await order(env, fan, { packId: 'starter', currency: 'INR' });
    expect((await setFrozen(fan.id, true)).statusCode).toBe(200);
    const payment = capturedPayment('pay_PaidWhileFroz1', created.providerOrderId as string, 9900);
    await expectDelivered(env, razorpayDelivery(env, 'payment.captured', { payment }), 'unresolved');
    expect(await orderStatus(env, created.id)).toBe('review');

    // The order-review queue lists it for staff who may read payments, and for nobody else.
    const listed = (user: TestUser) =>
      env.t.app.inject({
        method: 'GET',
        url: '/admin/payments/reviews/orders?limit=100',
        headers: user.headers,
      });
    for (const role of ['finance', 'admin', 'readonly'] as const) {
      const staff = role === 'finance' ? finance : await signUp(env.t, role);
      const answer = await listed(staff);
      expect(answer.statusCode, `${role}: ${answer.body}`).toBe(200);
      const items = (
        answer.json() as { items: Array<{ orderId: string; userId: string; reviewReason: string }> }
      ).items;
      expect(
        items.find((item) => item.orderId === created.id),
        role,
      ).toMatchObject({
        userId: fan.id,
        reviewReason: expect.stringMatching(/^account_frozen/),
      });
    }
    for (const user of [fan, await signUp(env.t, 'creator')]) {
      expect((await listed(user)).statusCode, user.id).toBe(403);
    }

    for (const role of ['fan', 'admin', 'readonly'] as const) {
      const other = role === 'fan' ? fan : await signUp(env.t, role);
      expect((await settle(other, created.id, 'grant')).statusCode, role).toBe(403);
    }
    const frozen = await settle(finance, created.id, 'grant');
    expect(frozen.statusCode, frozen.body).toBe(409);
    expect(frozen.json().code).toBe('account_still_frozen');
    expect(await orderStatus(env, created.id)).toBe('review');

    expect((await setFrozen(fan.id, false)).statusCode).toBe(200);
    const granted = await settle(finance, created.id, 'grant');
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json()).toMatchObject({ status: 'paid', creditsGranted: 100 });
    expect((await balance(env, fan)).spendable).toBe(100);
    const again = await settle(finance, created.id, 'grant');
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('order_not_in_review');
    // A late redelivery of the payment grants nothing more.
    await deliver(env, razorpayDelivery(env, 'order.paid', { payment }));
    expect(await purchaseGrants(env, fan.id)).toEqual({ count: 1, sum: 100 });
    const { rows } = await env.t.db.executeSql(
      "select target_id from audit_log where action = 'payments.order_review_resolved' and target_id = $1",
      [created.id],
    );
    expect(rows).toHaveLength(1);
  });

  it('an amount mismatch is not granted (409), only recorded as refunded manually', async () => {
    const fan = await signUp(env.t, 'fan');
    const created = await order(env, fan, { packId: 'starter', currency: 'INR' });
    const payment = capturedPayment('pay_WrongAmount001', created.providerOrderId as string, 100);
    await expectDelivered(env, razorpayDelivery(env, 'payment.captured', { payment }), 'unresolved');
    const refused = await settle(finance, created.id, 'grant');
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().code).toBe('order_not_grantable');
    const refunded = await settle(finance, created.id, 'refund_manually');
    expect(refunded.statusCode, refunded.body).toBe(200);
    expect(refunded.json()).toMatchObject({ status: 'refunded', creditsGranted: 0 });
    expect((await balance(env, fan)).spendable).toBe(0);
    expect((await settle(finance, crypto.randomUUID(), 'grant')).statusCode).toBe(404);
    const bad = await settle(finance, created.id, 'gift');
    expect(bad.statusCode).toBe(400);
  });
});
