// RazorpayX payouts through the official Razorpay SDK's HTTP client against the fake Razorpay on
// 127.0.0.1, answered by signed payout webhooks: the hold is captured exactly once when the payout is
// processed, whatever the number of deliveries (the same event three times, or re-sent under another
// id), and a late answer of the other outcome or finance's confirmation after the webhook moves
// nothing; a failed payout gives the hold back once; an outage on approve leaves the payout approved
// and the retry job sends it with the same X-Payout-Idempotency key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { ledgerChecker } from '../credits/ledger-invariants.js';
import { runJob } from '../credits/sweep-support.js';
import { deliver, type PaymentsTestEnv, razorpayDelivery, startPaymentsApp } from '../payments/support.js';
import { signUp, type TestUser } from '../support/pairly-client.js';
import {
  approve,
  decide,
  earn,
  holdOf,
  paidOut,
  payoutBalance,
  requestPayout,
  staffPayout,
} from './support.js';

const FUND_ACCOUNT = 'fa_00000000000001';
let env: PaymentsTestEnv;
let finance: TestUser;
let fan: TestUser;

beforeAll(async () => {
  env = await startPaymentsApp({
    env: {
      PAYOUT_PROVIDER: 'razorpay',
      RAZORPAYX_ACCOUNT_NUMBER: '7878780080316316',
      PAYOUT_RATES: 'INR:80',
      PAYOUT_MINIMUM_CREDITS: '100',
    },
  });
  [finance, fan] = await Promise.all([signUp(env.t, 'finance'), signUp(env.t, 'fan')]);
});
afterAll(async () => env?.close());

async function creatorWith(earnings: number): Promise<TestUser> {
  const creator = await signUp(env.t, 'creator');
  await earn(env.t, finance, fan, creator, earnings);
  const destination = await env.t.app.inject({
    method: 'PUT',
    url: '/payouts/destination',
    headers: creator.headers,
    payload: { provider: 'razorpay', accountId: FUND_ACCOUNT },
  });
  expect(destination.statusCode, destination.body).toBe(200);
  return creator;
}

async function expectDelivered(delivery: ReturnType<typeof razorpayDelivery>) {
  const response = await deliver(env, delivery);
  expect(response.statusCode, response.body).toBe(200);
}

describe('a RazorpayX payout', () => {
  it('is sent on approval and captured exactly once under duplicate and late answers', async () => {
    const creator = await creatorWith(1000);
    const payout = await requestPayout(env.t, creator, 500, 'INR');
    expect(payout).toMatchObject({
      amount: 40_000,
      currency: 'INR',
      provider: 'razorpay',
      destinationAccountId: FUND_ACCOUNT,
    });
    const approved = await approve(env.t, finance, payout.id);
    expect(approved.status).toBe('processing');
    const sent = env.razorpay.payouts.get(approved.providerPayoutId as string);
    expect(sent).toMatchObject({
      amount: 40_000,
      currency: 'INR',
      fund_account_id: FUND_ACCOUNT,
      reference_id: payout.id,
    });
    const calls = env.razorpay.requests.filter((request) => request.path === '/v1/payouts');
    expect(calls.map((call) => call.payoutIdempotencyKey)).toEqual([payout.id]);

    const before = await paidOut(env.t);
    const processed = env.razorpay.settlePayout(sent?.id as string, 'processed');
    const delivery = razorpayDelivery(env, 'payout.processed', { payout: processed });
    for (let attempt = 0; attempt < 3; attempt++) await expectDelivered(delivery);
    // The same answer re-sent under another event id.
    await expectDelivered(razorpayDelivery(env, 'payout.processed', { payout: processed }));

    expect(await staffPayout(env.t, finance, payout.id)).toMatchObject({
      status: 'paid',
      settledBy: 'provider',
    });
    const hold = await holdOf(env.t, approved.holdId as string);
    expect(hold).toMatchObject({ status: 'captured', captured: 500, captures: 1, releases: 0 });
    expect(await paidOut(env.t)).toBe(before + 500);
    expect(await payoutBalance(env.t, creator)).toMatchObject({ available: 500, heldForPayouts: 0 });

    // Reversed after processed: nothing moves; finance sees the late answer on the payout.
    const reversed = env.razorpay.settlePayout(sent?.id as string, 'reversed');
    await expectDelivered(razorpayDelivery(env, 'payout.reversed', { payout: reversed }));
    const afterLate = await staffPayout(env.t, finance, payout.id);
    expect(afterLate).toMatchObject({ status: 'paid', lateOutcome: 'failed' });
    expect(afterLate.lateReason).toMatch(/payout.reversed/);
    // Finance's confirmation after the webhook is a 409 and moves nothing either.
    expectProblem(
      await decide(env.t, finance, payout.id, 'confirm', { outcome: 'paid', reference: 'UTR-1' }),
      409,
      'payout_state_conflict',
    );
    expect(await holdOf(env.t, approved.holdId as string)).toMatchObject({ captures: 1, releases: 0 });
    expect(await paidOut(env.t)).toBe(before + 500);
    expect(await payoutBalance(env.t, creator)).toMatchObject({ available: 500, heldForPayouts: 0 });
    await ledgerChecker(env.t.db).assertSound();
  });

  it('captures once when the same answer, and the same answer under other ids, arrive at once', async () => {
    const creator = await creatorWith(600);
    const payout = await requestPayout(env.t, creator, 300, 'INR');
    const approved = await approve(env.t, finance, payout.id);
    const before = await paidOut(env.t);
    const processed = env.razorpay.settlePayout(approved.providerPayoutId as string, 'processed');
    const delivery = razorpayDelivery(env, 'payout.processed', { payout: processed });
    const deliveries = [
      delivery,
      delivery,
      delivery,
      razorpayDelivery(env, 'payout.processed', { payout: processed }),
      razorpayDelivery(env, 'payout.processed', { payout: processed }),
    ];
    await Promise.all(deliveries.map((each) => expectDelivered(each)));
    expect(await staffPayout(env.t, finance, payout.id)).toMatchObject({ status: 'paid' });
    const hold = await holdOf(env.t, approved.holdId as string);
    expect(hold).toMatchObject({ status: 'captured', captured: 300, captures: 1, releases: 0 });
    expect(await paidOut(env.t)).toBe(before + 300);
    await ledgerChecker(env.t.db).assertSound();
  });

  it('gives the hold back once when it fails; a processed answer after that moves nothing', async () => {
    const creator = await creatorWith(600);
    const payout = await requestPayout(env.t, creator, 400, 'INR');
    const approved = await approve(env.t, finance, payout.id);
    const before = await paidOut(env.t);
    const failed = env.razorpay.settlePayout(approved.providerPayoutId as string, 'failed');
    await expectDelivered(razorpayDelivery(env, 'payout.failed', { payout: failed }));
    await expectDelivered(razorpayDelivery(env, 'payout.failed', { payout: failed }));
    const settled = await staffPayout(env.t, finance, payout.id);
    expect(settled.status).toBe('failed');
    expect(settled.failureReason).toMatch(/^razorpay payout.failed/);
    expect(await holdOf(env.t, approved.holdId as string)).toMatchObject({
      status: 'released',
      captures: 0,
      releases: 1,
    });
    expect(await payoutBalance(env.t, creator)).toMatchObject({ available: 600, heldForPayouts: 0 });

    await expectDelivered(
      razorpayDelivery(env, 'payout.processed', { payout: { ...failed, status: 'processed' } }),
    );
    expect(await staffPayout(env.t, finance, payout.id)).toMatchObject({
      status: 'failed',
      lateOutcome: 'paid',
    });
    expect(await holdOf(env.t, approved.holdId as string)).toMatchObject({ captures: 0, releases: 1 });
    expect(await paidOut(env.t)).toBe(before);
    await ledgerChecker(env.t.db).assertSound();
  });

  it('changes nothing for an answer about a payout never sent, or one not ours', async () => {
    const creator = await creatorWith(300);
    const payout = await requestPayout(env.t, creator, 200, 'INR');
    const forged = {
      ...env.razorpay.settlePayout((await approveAnother(creator)).providerPayoutId as string, 'processed'),
      id: 'pout_NeverSent00001',
      reference_id: payout.id,
    };
    await expectDelivered(razorpayDelivery(env, 'payout.processed', { payout: forged }));
    const stored = await staffPayout(env.t, finance, payout.id);
    expect(stored.status).toBe('requested');
    expect(await holdOf(env.t, stored.holdId as string)).toMatchObject({ status: 'pending' });
    const { rows } = await env.t.db.executeSql(
      `select status from webhook_events where provider = 'razorpay' and payload::text like $1`,
      [`%pout_NeverSent00001%`],
    );
    expect(rows).toEqual([{ status: 'unresolved' }]);

    await expectDelivered(
      razorpayDelivery(env, 'payout.processed', {
        payout: { ...forged, id: 'pout_SomeoneElse01', reference_id: null },
      }),
    );
    await ledgerChecker(env.t.db).assertSound();
  });

  it('stays approved through an outage and is sent once with the same key by the retry job', async () => {
    const creator = await creatorWith(500);
    const payout = await requestPayout(env.t, creator, 300, 'INR');
    env.razorpay.down(true);
    let approved: Awaited<ReturnType<typeof approve>>;
    try {
      approved = await approve(env.t, finance, payout.id);
    } finally {
      env.razorpay.down(false);
    }
    expect(approved).toMatchObject({ status: 'approved', sendAttempts: 1, providerPayoutId: null });
    expect(approved.lastSendError).toMatch(/payments_provider_unavailable/);
    expect(await holdOf(env.t, approved.holdId as string)).toMatchObject({ status: 'pending' });

    await runJob(env.t, 'pairly.payouts-send');
    const sent = await staffPayout(env.t, finance, payout.id);
    expect(sent).toMatchObject({ status: 'processing', lastSendError: null });
    const calls = env.razorpay.requests.filter(
      (request) => request.path === '/v1/payouts' && request.payoutIdempotencyKey === payout.id,
    );
    expect(calls.length).toBe(2);
    expect(env.razorpay.payouts.get(sent.providerPayoutId as string)?.reference_id).toBe(payout.id);
    await ledgerChecker(env.t.db).assertSound();
  });
});

/** Another payout of the creator, approved (sent), to borrow a real payout entity's shape from. */
async function approveAnother(creator: TestUser) {
  const other = await requestPayout(env.t, creator, 100, 'INR');
  return approve(env.t, finance, other.id);
}

describe('sending only what may be sent', () => {
  const setFrozen = (userId: string, frozen: boolean) =>
    env.t.app.inject({
      method: 'PUT',
      url: `/admin/credits/users/${userId}/frozen`,
      headers: { ...finance.headers, 'idempotency-key': crypto.randomUUID() },
      payload: { frozen, reason: frozen ? 'Chargeback under review' : 'Cleared' },
    });
  const payoutCalls = (payoutId: string) =>
    env.razorpay.requests.filter(
      (request) => request.path === '/v1/payouts' && request.payoutIdempotencyKey === payoutId,
    ).length;

  /** A payout approved during an outage: approved, with its hold pending, never sent. */
  async function approvedUnsent(creator: TestUser, credits: number) {
    const payout = await requestPayout(env.t, creator, credits, 'INR');
    env.razorpay.down(true);
    try {
      expect(await approve(env.t, finance, payout.id)).toMatchObject({ status: 'approved' });
    } finally {
      env.razorpay.down(false);
    }
    return payout;
  }

  it('refuses (423 account_frozen) to approve the payout of a frozen creator, calling no provider', async () => {
    const creator = await creatorWith(500);
    const payout = await requestPayout(env.t, creator, 300, 'INR');
    expect((await setFrozen(creator.id, true)).statusCode).toBe(200);
    expectProblem(await decide(env.t, finance, payout.id, 'approve'), 423, 'account_frozen');
    expect(payoutCalls(payout.id)).toBe(0);
    expect(await staffPayout(env.t, finance, payout.id)).toMatchObject({ status: 'requested' });

    expect((await setFrozen(creator.id, false)).statusCode).toBe(200);
    expect(await approve(env.t, finance, payout.id)).toMatchObject({ status: 'processing' });
    expect(payoutCalls(payout.id)).toBe(1);
  });

  it("the retry job skips a frozen creator's payout and still sends the others", async () => {
    const [frozenCreator, other] = await Promise.all([creatorWith(500), creatorWith(500)]);
    const held = await approvedUnsent(frozenCreator, 200);
    const waiting = await approvedUnsent(other, 200);
    expect((await setFrozen(frozenCreator.id, true)).statusCode).toBe(200);

    await runJob(env.t, 'pairly.payouts-send');
    expect(await staffPayout(env.t, finance, waiting.id)).toMatchObject({ status: 'processing' });
    expect(await staffPayout(env.t, finance, held.id)).toMatchObject({ status: 'approved' });
    expect(payoutCalls(held.id)).toBe(1); // the attempt during the outage, none since

    // Once the freeze is lifted, the next run sends it with the same key.
    expect((await setFrozen(frozenCreator.id, false)).statusCode).toBe(200);
    await runJob(env.t, 'pairly.payouts-send');
    expect(await staffPayout(env.t, finance, held.id)).toMatchObject({ status: 'processing' });
    expect(payoutCalls(held.id)).toBe(2);
    await ledgerChecker(env.t.db).assertSound();
  });

  it('never sends again a payout first sent longer ago than the provider keeps its key', async () => {
    const creator = await creatorWith(500);
    const payout = await approvedUnsent(creator, 200);
    // Approved (first sent) a day ago: moved back in the table, as the app's tokens expire with the clock.
    await env.t.db.executeSql(
      "update payouts set decided_at = decided_at - interval '24 hours' where id = $1",
      [payout.id],
    );

    await runJob(env.t, 'pairly.payouts-send');
    expect(await staffPayout(env.t, finance, payout.id)).toMatchObject({ status: 'approved' });
    expect(payoutCalls(payout.id)).toBe(1);
    expectProblem(await decide(env.t, finance, payout.id, 'approve'), 409, 'payout_resend_expired');
    expect(payoutCalls(payout.id)).toBe(1);

    // Finance settles it by hand instead, once.
    const confirmed = await decide(env.t, finance, payout.id, 'confirm', {
      outcome: 'failed',
      reference: 'RZP-CHECKED',
      note: 'not found at RazorpayX',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(await staffPayout(env.t, finance, payout.id)).toMatchObject({ status: 'failed' });
    expect(await payoutBalance(env.t, creator)).toMatchObject({ available: 500, heldForPayouts: 0 });
    await ledgerChecker(env.t.db).assertSound();
  });
});
