// Reconciliation for finance: a payment the webhooks missed is granted through the same exactly-once
// path (finding missing_grant, repaired) and a rerun grants nothing more; a refund the webhooks missed
// is reversed (missing_reversal; Razorpay per refund, Stripe on the running total); a grant the provider does not know becomes an open
// unknown_to_provider finding that finance resolves once (audited), never the buyer if they are
// finance; an order held in review with matching amounts (a frozen buyer) is no amount_mismatch.
// Runs count what they saw; bad
// periods and providers are 4xx naming the field; only finance may run or resolve.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../credits/sweep-support.js';
import { signUp, type TestUser } from '../support/pairly-client.js';
import {
  auditRows,
  balance,
  entries,
  expectDelivered,
  paidRazorpay,
  paidStripe,
} from './reversals-support.js';
import {
  order,
  type PaymentsTestEnv,
  payStripe,
  startPaymentsApp,
  stripeDelivery,
  stripeOrderBody,
} from './support.js';

let env: PaymentsTestEnv;
let finance: TestUser;

beforeAll(async () => {
  env = await startPaymentsApp();
  finance = await signUp(env.t, 'finance');
});
afterAll(() => env?.close());

const HOUR = 3_600_000;
const ghostId = () => `pi_ghost${randomUUID().replaceAll('-', '')}`;

function period(extra: Record<string, unknown> = {}) {
  const now = env.t.clock.now().getTime();
  return { from: new Date(now - HOUR).toISOString(), to: new Date(now + HOUR).toISOString(), ...extra };
}

const run = (user: TestUser, body: Record<string, unknown>) =>
  env.t.app.inject({
    method: 'POST',
    url: '/admin/payments/reconciliation',
    headers: user.headers,
    payload: body,
  });

interface FindingJson {
  id: string;
  kind: string;
  status: string;
  providerObjectId: string;
  orderId: string | null;
}

async function findings(status: string): Promise<FindingJson[]> {
  const response = await env.t.app.inject({
    method: 'GET',
    url: `/admin/payments/reconciliation/findings?status=${status}`,
    headers: finance.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items;
}

describe('reconciliation', () => {
  it('repairs a Stripe payment the webhooks missed, exactly once however often it runs', async () => {
    const fan = await signUp(env.t, 'fan');
    const created = await order(env, fan, stripeOrderBody('popular'));
    const paid = payStripe(env, created); // no event is delivered
    expect((await balance(env, fan)).spendable).toBe(0);

    const first = await run(finance, period({ provider: 'stripe' }));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().run).toMatchObject({ status: 'completed', repaired: 1, trigger: 'finance' });
    expect(first.json().findings).toContainEqual(
      expect.objectContaining({
        kind: 'missing_grant',
        status: 'repaired',
        providerObjectId: paid.paymentIntent.id,
      }),
    );
    expect((await balance(env, fan)).spendable).toBe(550);

    const again = await run(finance, period({ provider: 'stripe' }));
    expect(again.json().run).toMatchObject({ repaired: 0 });
    expect(again.json().run.matched).toBeGreaterThanOrEqual(1);
    // The webhook arriving late changes nothing either.
    for (const event of paid.events) await expectDelivered(env, event);
    expect(await entries(env, fan.id, 'purchase')).toEqual([550]);
    const repaired = (await findings('repaired')).filter((f) => f.providerObjectId === paid.paymentIntent.id);
    expect(repaired).toHaveLength(1);
    expect((await auditRows(env, 'payments.reconciliation_run')).length).toBeGreaterThanOrEqual(2);
  });

  it('reverses a Razorpay refund the webhooks missed, once', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidRazorpay(env, fan, 'starter'); // 100 credits
    const refund = env.razorpay.refundPayment(paid.paymentId); // refund.processed never delivered
    const first = await run(finance, period({ provider: 'razorpay' }));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().findings).toContainEqual(
      expect.objectContaining({ kind: 'missing_reversal', status: 'repaired', providerObjectId: refund.id }),
    );
    expect((await balance(env, fan)).spendable).toBe(0);
    await run(finance, period({ provider: 'razorpay' }));
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([100]);
  });

  it('reverses a Stripe partial refund the webhooks missed, on the running total, once', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidStripe(env, fan, 'popular'); // 550 credits, 999 cents
    const { refund } = env.stripe.refundCharge(paid.chargeId, 333); // charge.refunded never delivered
    const first = await run(finance, period({ provider: 'stripe' }));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().findings).toContainEqual(
      expect.objectContaining({ kind: 'missing_reversal', status: 'repaired', providerObjectId: refund.id }),
    );
    await run(finance, period({ provider: 'stripe' }));
    // The webhook arriving late finds the running total already reversed.
    await expectDelivered(
      env,
      stripeDelivery(env, { type: 'charge.refunded', object: env.stripe.charges.get(paid.chargeId) }),
    );
    expect(await entries(env, fan.id, 'purchase_reversal')).toEqual([183]);
    expect((await balance(env, fan)).spendable).toBe(550 - 183);
  });

  it('runs daily on its own and repairs a missed payment of the last two days', async () => {
    const fan = await signUp(env.t, 'fan');
    const created = await order(env, fan, stripeOrderBody('starter'));
    payStripe(env, created); // no event is delivered
    env.t.clock.advance(60_000); // the run covers the two days before it: the payment is a minute old
    await runJob(env.t, 'pairly.payments-reconcile');
    expect((await balance(env, fan)).spendable).toBe(100);
    const runs = await env.t.app.inject({
      method: 'GET',
      url: '/admin/payments/reconciliation/runs',
      headers: finance.headers,
    });
    expect(runs.statusCode, runs.body).toBe(200);
    expect(runs.json().items[0]).toMatchObject({
      trigger: 'schedule',
      status: 'completed',
      requestedBy: null,
    });
    expect(runs.json().items[0].repaired).toBeGreaterThanOrEqual(1);
  });

  it('reports a grant the provider does not know; finance resolves it once, audited', async () => {
    const fan = await signUp(env.t, 'fan');
    const { created, ghost } = await paidByGhost(fan);
    expect((await balance(env, fan)).spendable).toBe(100);

    const first = await run(finance, period({ provider: 'stripe' }));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().run.open).toBeGreaterThanOrEqual(1);
    await run(finance, period({ provider: 'stripe' }));
    const open = (await findings('open')).filter((f) => f.providerObjectId === ghost.id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ kind: 'unknown_to_provider', orderId: created.id });
    const findingId = open[0]?.id as string;

    const resolveAs = (user: TestUser, body: Record<string, unknown>) =>
      env.t.app.inject({
        method: 'POST',
        url: `/admin/payments/reconciliation/findings/${findingId}/resolve`,
        headers: user.headers,
        payload: body,
      });
    for (const role of ['fan', 'creator', 'admin', 'readonly'] as const) {
      const refused = await resolveAs(await signUp(env.t, role), { resolution: 'accepted', note: 'x' });
      expect(refused.statusCode, role).toBe(403);
    }
    const bad = await resolveAs(finance, { resolution: 'whatever', note: 'x' });
    expect(bad.statusCode).toBe(400);
    const done = await resolveAs(finance, { resolution: 'provider_error', note: 'Test-mode replay.' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      status: 'resolved',
      resolution: 'provider_error',
      resolvedBy: finance.id,
    });
    const twice = await resolveAs(finance, { resolution: 'accepted', note: 'again' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('finding_not_open');
    const audit = (await auditRows(env, 'payments.finding_resolved')).filter(
      (row) => row.target_id === findingId,
    );
    expect(audit).toHaveLength(1);
    // A resolved finding stays resolved on the next run.
    await run(finance, period({ provider: 'stripe' }));
    expect((await findings('open')).some((f) => f.providerObjectId === ghost.id)).toBe(false);
  });

  it('reports a second payment, of the same amount, for an order already refunded', async () => {
    const fan = await signUp(env.t, 'fan');
    const paid = await paidStripe(env, fan, 'starter');
    env.stripe.refundCharge(paid.chargeId);
    await expectDelivered(
      env,
      stripeDelivery(env, { type: 'charge.refunded', object: env.stripe.charges.get(paid.chargeId) }),
    );
    // The customer pays the same order again; that webhook is missed. The order cannot go back to review.
    const { paymentIntent: second } = env.stripe.addPaymentIntent({
      amount: paid.order.amount,
      currency: 'usd',
      metadata: { orderId: paid.order.id },
    });
    const report = await run(finance, period({ provider: 'stripe' }));
    expect(report.statusCode, report.body).toBe(200);
    const [finding] = (await findings('open')).filter((f) => f.providerObjectId === second.id);
    expect(finding).toMatchObject({ kind: 'amount_mismatch', orderId: paid.order.id });
    expect((await balance(env, fan)).spendable).toBe(0);
  });

  it('files no amount_mismatch for a payment that matches an order held in review (frozen buyer)', async () => {
    const fan = await signUp(env.t, 'fan');
    const created = await order(env, fan, stripeOrderBody('starter'));
    const frozen = await env.t.app.inject({
      method: 'PUT',
      url: `/admin/credits/users/${fan.id}/frozen`,
      headers: { ...finance.headers, 'idempotency-key': randomUUID() },
      payload: { frozen: true, reason: 'Chargeback history' },
    });
    expect(frozen.statusCode, frozen.body).toBe(200);
    const paid = payStripe(env, created); // no event is delivered: reconciliation applies it
    for (let pass = 0; pass < 2; pass++) {
      const report = await run(finance, period({ provider: 'stripe' }));
      expect(report.statusCode, report.body).toBe(200);
      expect(report.json().run.matched, `pass ${pass}`).toBeGreaterThanOrEqual(1);
    }
    const orderNow = await env.t.app.inject({
      method: 'GET',
      url: `/admin/payments/orders?userId=${fan.id}`,
      headers: finance.headers,
    });
    expect(orderNow.json().items[0]).toMatchObject({
      id: created.id,
      status: 'review',
      reviewReason: expect.stringMatching(/^account_frozen/),
    });
    for (const status of ['open', 'repaired']) {
      const about = (await findings(status)).filter((f) => f.providerObjectId === paid.paymentIntent.id);
      expect(about, status).toEqual([]);
    }
    expect((await balance(env, fan)).spendable).toBe(0);
  });

  it('refuses (403 own_account) a finance member resolving a finding about their own order', async () => {
    const buyer = await signUp(env.t, 'finance');
    const { created, ghost } = await paidByGhost(buyer);
    expect((await run(finance, period({ provider: 'stripe' }))).statusCode).toBe(200);
    const [finding] = (await findings('open')).filter((f) => f.providerObjectId === ghost.id);
    expect(finding).toMatchObject({ kind: 'unknown_to_provider', orderId: created.id });
    const resolveAs = (user: TestUser) =>
      env.t.app.inject({
        method: 'POST',
        url: `/admin/payments/reconciliation/findings/${finding?.id}/resolve`,
        headers: user.headers,
        payload: { resolution: 'accepted', note: 'Mine, fine.' },
      });
    const own = await resolveAs(buyer);
    expect(own.statusCode, own.body).toBe(403);
    expect(own.json().code).toBe('own_account');
    expect((await findings('open')).some((f) => f.id === finding?.id)).toBe(true);
    const other = await resolveAs(finance);
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json()).toMatchObject({ status: 'resolved', resolvedBy: finance.id });
  });

  it('refuses bad periods and providers naming the field, and anyone but finance', async () => {
    const now = env.t.clock.now().getTime();
    const backwards = await run(finance, {
      from: new Date(now).toISOString(),
      to: new Date(now - HOUR).toISOString(),
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ code: 'invalid_period' });
    expect(backwards.json().errors.map((e: { path: string }) => e.path)).toContain('/body/to');
    const tooLong = await run(finance, {
      from: new Date(now - 40 * 24 * HOUR).toISOString(),
      to: new Date(now).toISOString(),
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().code).toBe('invalid_period');
    const unknown = await run(finance, period({ provider: 'paypal' }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors.map((e: { path: string }) => e.path)).toContain('/body/provider');
    const notDate = await run(finance, period({ from: 'yesterday' }));
    expect(notDate.statusCode).toBe(400);
    for (const role of ['fan', 'admin', 'readonly'] as const) {
      expect((await run(await signUp(env.t, role), period())).statusCode, role).toBe(403);
    }
    const admin = await signUp(env.t, 'admin');
    const runs = await env.t.app.inject({
      method: 'GET',
      url: '/admin/payments/reconciliation/runs',
      headers: admin.headers,
    });
    expect(runs.statusCode).toBe(200);
    expect(runs.json().items.length).toBeGreaterThan(0);
  });
});

/**
 * An order of `buyer` granted by a payment_intent.succeeded for a PaymentIntent Stripe never had (say
 * a test-mode event replayed): a grant the provider does not know.
 */
async function paidByGhost(buyer: TestUser) {
  const created = await order(env, buyer, stripeOrderBody('starter'));
  const ghost = {
    id: ghostId(),
    object: 'payment_intent',
    amount: created.amount,
    amount_received: created.amount,
    currency: 'usd',
    status: 'succeeded',
    metadata: { orderId: created.id },
  };
  await expectDelivered(
    env,
    stripeDelivery(env, { type: 'payment_intent.succeeded', object: ghost }),
    'processed',
  );
  return { created, ghost };
}
