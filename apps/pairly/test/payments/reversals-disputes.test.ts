// Chargebacks and the finance review queue: a dispute takes back what is left of the grant and marks
// the order disputed; won gives it back exactly once (closed + funds_reinstated both arrive), lost
// keeps it. A refund after the credits were spent takes what there is, freezes the account instead of
// going negative, and shows in the finance queue; finance resolves it once (audited); fan, creator,
// admin and readonly cannot (403), and readonly/admin may read the queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type TestUser } from '../support/pairly-client.js';
import {
  auditRows,
  balance,
  entries,
  expectDelivered,
  orderStatus,
  paidRazorpay,
  paidStripe,
  razorpayRefund,
  spend,
  stripeRefund,
} from './reversals-support.js';
import {
  deliver,
  type PaymentsTestEnv,
  razorpayDelivery,
  startPaymentsApp,
  stripeDelivery,
} from './support.js';

let env: PaymentsTestEnv;
let finance: TestUser;

beforeAll(async () => {
  env = await startPaymentsApp();
  finance = await signUp(env.t, 'finance');
});
afterAll(() => env?.close());

const resolve = (user: TestUser, reviewId: string, body: Record<string, unknown>) =>
  env.t.app.inject({
    method: 'POST',
    url: `/admin/payments/reviews/${reviewId}/resolve`,
    headers: user.headers,
    payload: body,
  });

async function openReviews(user: TestUser = finance) {
  const response = await env.t.app.inject({
    method: 'GET',
    url: '/admin/payments/reviews?status=open',
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as Array<{
    id: string;
    userId: string;
    creditsOwed: number;
    userFrozen: boolean;
  }>;
}

describe('Stripe disputes', () => {
  it('created takes the rest of the grant back; won gives it back once; the order is paid again', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidStripe(env, fan, 'popular'); // 550 credits
    await expectDelivered(env, stripeRefund(env, paid.chargeId, 333), 'processed'); // 183 reversed
    const { dispute } = env.stripe.disputeCharge(paid.chargeId);
    await expectDelivered(
      env,
      stripeDelivery(env, { type: 'charge.dispute.created', object: dispute }),
      'processed',
    );
    expect((await balance(env, fan)).spendable).toBe(0);
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([183, 367]);
    expect(await orderStatus(env, paid.order.id)).toBe('disputed');

    const won = env.stripe.closeDispute(dispute.id, 'won');
    await expectDelivered(env, stripeDelivery(env, { type: 'charge.dispute.funds_reinstated', object: won }));
    await expectDelivered(env, stripeDelivery(env, { type: 'charge.dispute.closed', object: won }));
    expect(await entries(env, fan.id, 'purchase_reinstated')).toEqual([367]);
    expect((await balance(env, fan)).spendable).toBe(367);
    expect(await orderStatus(env, paid.order.id)).toBe('partially_refunded');
  });

  it('lost keeps the credits reversed', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidStripe(env, fan, 'starter'); // 100 credits
    const { dispute } = env.stripe.disputeCharge(paid.chargeId);
    await expectDelivered(env, stripeDelivery(env, { type: 'charge.dispute.created', object: dispute }));
    const lost = env.stripe.closeDispute(dispute.id, 'lost');
    await expectDelivered(env, stripeDelivery(env, { type: 'charge.dispute.closed', object: lost }));
    expect((await balance(env, fan)).spendable).toBe(0);
    expect(await entries(env, fan.id, 'purchase_reinstated')).toEqual([]);
    expect(await orderStatus(env, paid.order.id)).toBe('disputed');
  });
});

describe('Razorpay disputes', () => {
  it('created reverses, won reinstates once, a redelivery changes nothing', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidRazorpay(env, fan, 'starter'); // 100 credits
    const dispute = env.razorpay.disputePayment(paid.paymentId);
    const payment = env.razorpay.payments.get(paid.paymentId);
    await expectDelivered(
      env,
      razorpayDelivery(env, 'payment.dispute.created', { dispute, ...(payment && { payment }) }),
    );
    expect((await balance(env, fan)).spendable).toBe(0);
    const won = razorpayDelivery(env, 'payment.dispute.won', {
      dispute: env.razorpay.resolveDispute(dispute.id, 'won'),
    });
    await expectDelivered(env, won, 'processed');
    expect((await deliver(env, won)).json()).toMatchObject({ duplicate: true });
    expect((await balance(env, fan)).spendable).toBe(100);
    expect(await entries(env, fan.id, 'purchase_reinstated')).toEqual([100]);
    expect(await orderStatus(env, paid.order.id)).toBe('paid');
  });
});

describe('refund after spend: frozen, never negative, resolved by finance', () => {
  it('takes what there is, freezes, opens a review; only finance resolves it, once, audited', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidRazorpay(env, fan, 'popular'); // 550 credits
    await spend(env, fan, 500);
    await expectDelivered(env, razorpayRefund(env, paid.paymentId), 'processed');
    const after = await balance(env, fan);
    expect(after).toMatchObject({ spendable: 0, frozen: true });
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([50]);
    const { rows } = await env.t.db.executeSql(
      'select credits_reversed, credits_short from payment_reversals where order_id = $1',
      [paid.order.id],
    );
    expect(rows.map((row) => Object.values(row).map(Number))).toEqual([[50, 500]]);

    const item = (await openReviews()).find((review) => review.userId === fan.id);
    expect(item).toMatchObject({ creditsOwed: 500, userFrozen: true });
    const reviewId = item?.id as string;

    for (const role of ['fan', 'creator', 'admin', 'readonly'] as const) {
      const other = role === 'fan' ? fan : await signUp(env.t, role);
      const refused = await resolve(other, reviewId, { action: 'unfreeze', note: 'no' });
      expect(refused.statusCode, `${role}: ${refused.body}`).toBe(403);
    }
    for (const role of ['admin', 'readonly'] as const) {
      expect((await openReviews(await signUp(env.t, role))).some((review) => review.id === reviewId)).toBe(
        true,
      );
    }
    const fanList = await env.t.app.inject({
      method: 'GET',
      url: '/admin/payments/reviews',
      headers: fan.headers,
    });
    expect(fanList.statusCode).toBe(403);

    const bad = await resolve(finance, reviewId, { action: 'thaw', note: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((error: { path: string }) => error.path)).toContain('/body/action');

    const resolved = await resolve(finance, reviewId, {
      action: 'unfreeze',
      note: 'Written off after a call.',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', action: 'unfreeze', userFrozen: false });
    expect((await balance(env, fan)).frozen).toBe(false);
    const second = await resolve(finance, reviewId, { action: 'keep_frozen', note: 'again' });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('review_already_resolved');

    const audit = (await auditRows(env, 'payments.review_resolved')).filter(
      (row) => row.target_id === fan.id,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_id).toBe(finance.id);
    expect(await openReviews()).not.toContainEqual(expect.objectContaining({ id: reviewId }));

    const unknown = await resolve(finance, crypto.randomUUID(), { action: 'unfreeze', note: 'x' });
    expect(unknown.statusCode).toBe(404);
  });

  it('a refund on an account already frozen still takes the credits back and adds to the queue', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidStripe(env, fan, 'pro'); // 1200 credits, 1999 cents
    await spend(env, fan, 1_100);
    await expectDelivered(env, stripeRefund(env, paid.chargeId, 1_000)); // floor(1200 × 1000/1999) = 600
    expect(await balance(env, fan)).toMatchObject({ spendable: 0, frozen: true });
    await expectDelivered(env, stripeRefund(env, paid.chargeId)); // the rest: 600 more, none there
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([100]);
    const mine = (await openReviews()).filter((review) => review.userId === fan.id);
    expect(mine.map((review) => review.creditsOwed).sort()).toEqual([500, 600]);
    // unfreeze while another review of the user is open: 409, nothing changes.
    const early = await resolve(finance, mine[0]?.id as string, { action: 'unfreeze', note: 'x' });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('reviews_still_open');
    expect((await balance(env, fan)).frozen).toBe(true);
  });
});
