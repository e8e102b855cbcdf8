// Stripe Connect transfers through the official Stripe SDK against the fake Stripe on 127.0.0.1: an
// approved payout is a transfer to the creator's connected account (paid at once: the hold is
// captured), sent with the payout's idempotency key, so approving again after an outage creates
// one transfer; a transfer Stripe refuses fails the payout and gives the hold back; a
// transfer.reversed answer after payment moves nothing and is left for finance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { ledgerChecker } from '../credits/ledger-invariants.js';
import { deliver, type PaymentsTestEnv, startPaymentsApp, stripeDelivery } from '../payments/support.js';
import { signUp, type TestUser } from '../support/pairly-client.js';
import {
  approve,
  auditRows,
  earn,
  holdOf,
  paidOut,
  payoutBalance,
  postPayout,
  requestPayout,
  staffPayout,
} from './support.js';

const CONNECTED = 'acct_1Nv0FGQ9RKHgCVdK';
let env: PaymentsTestEnv;
let finance: TestUser;
let fan: TestUser;

beforeAll(async () => {
  env = await startPaymentsApp({
    env: { PAYOUT_PROVIDER: 'stripe', PAYOUT_RATES: 'USD:1,GBP:1', PAYOUT_MINIMUM_CREDITS: '100' },
  });
  [finance, fan] = await Promise.all([signUp(env.t, 'finance'), signUp(env.t, 'fan')]);
});
afterAll(async () => env?.close());

async function creatorWith(earnings: number, destination = true): Promise<TestUser> {
  const creator = await signUp(env.t, 'creator');
  await earn(env.t, finance, fan, creator, earnings);
  if (destination) {
    const response = await env.t.app.inject({
      method: 'PUT',
      url: '/payouts/destination',
      headers: creator.headers,
      payload: { provider: 'stripe', accountId: CONNECTED },
    });
    expect(response.statusCode, response.body).toBe(200);
  }
  return creator;
}

const transfersOf = (payoutId: string) =>
  env.stripe.requests.filter(
    (request) =>
      request.method === 'POST' &&
      request.path === '/v1/transfers' &&
      request.idempotencyKey === `payout_${payoutId}`,
  );

describe('a Stripe Connect payout', () => {
  it('needs a destination first', async () => {
    const creator = await creatorWith(300, false);
    expectProblem(
      await postPayout(env.t, creator, { credits: 200, currency: 'USD' }),
      409,
      'payout_destination_missing',
    );
    expect(await payoutBalance(env.t, creator)).toMatchObject({ available: 300, heldForPayouts: 0 });
  });

  it('transfers on approval, captures the hold once, and a later reversal moves nothing', async () => {
    const creator = await creatorWith(800);
    const payout = await requestPayout(env.t, creator, 500, 'GBP');
    const before = await paidOut(env.t);
    const paid = await approve(env.t, finance, payout.id);
    expect(paid).toMatchObject({ status: 'paid', settledBy: 'provider' });
    const transfer = env.stripe.transfers.get(paid.providerPayoutId as string);
    expect(transfer).toMatchObject({
      amount: 500,
      currency: 'gbp',
      destination: CONNECTED,
      metadata: { payoutId: payout.id },
    });
    expect(transfersOf(payout.id)).toHaveLength(1);
    expect(await holdOf(env.t, paid.holdId as string)).toMatchObject({
      status: 'captured',
      captures: 1,
      releases: 0,
    });
    expect(await paidOut(env.t)).toBe(before + 500);

    const reversed = env.stripe.reverseTransfer(transfer?.id as string);
    const delivery = stripeDelivery(env, { type: 'transfer.reversed', object: reversed });
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await deliver(env, delivery);
      expect(response.statusCode, response.body).toBe(200);
    }
    expect(await staffPayout(env.t, finance, payout.id)).toMatchObject({
      status: 'paid',
      lateOutcome: 'failed',
    });
    expect(await holdOf(env.t, paid.holdId as string)).toMatchObject({ captures: 1, releases: 0 });
    expect(await paidOut(env.t)).toBe(before + 500);
    expect(await payoutBalance(env.t, creator)).toMatchObject({ available: 300, heldForPayouts: 0 });
    await ledgerChecker(env.t.db).assertSound();
  });

  it('stays approved through an outage; approving again makes one transfer with the same key', async () => {
    const creator = await creatorWith(400);
    const payout = await requestPayout(env.t, creator, 300, 'USD');
    env.stripe.down(true);
    let approved: Awaited<ReturnType<typeof approve>>;
    try {
      approved = await approve(env.t, finance, payout.id);
    } finally {
      env.stripe.down(false);
    }
    expect(approved).toMatchObject({ status: 'approved', sendAttempts: 1 });
    expect(approved.lastSendError).toMatch(/payments_provider_unavailable/);
    expect(await holdOf(env.t, approved.holdId as string)).toMatchObject({ status: 'pending' });

    const paid = await approve(env.t, finance, payout.id);
    expect(paid).toMatchObject({ status: 'paid', lastSendError: null });
    expect(transfersOf(payout.id).map((request) => request.idempotencyKey)).toEqual([
      `payout_${payout.id}`,
      `payout_${payout.id}`,
    ]);
    expect(env.stripe.transfers.get(paid.providerPayoutId as string)).toMatchObject({
      metadata: { payoutId: payout.id },
    });
    expect(await holdOf(env.t, paid.holdId as string)).toMatchObject({ status: 'captured', captures: 1 });
    expect((await auditRows(env.t, 'payouts.approve', payout.id)).length).toBe(1);
    expect((await auditRows(env.t, 'payouts.resend', payout.id)).length).toBe(1);
    await ledgerChecker(env.t.db).assertSound();
  });

  it('a transfer Stripe refuses fails the payout and gives the hold back', async () => {
    const creator = await creatorWith(300);
    const payout = await requestPayout(env.t, creator, 200, 'USD');
    env.stripe.failNext(1, 400, { error: { message: 'Insufficient funds in Stripe account.' } });
    const failed = await approve(env.t, finance, payout.id);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toMatch(/stripe refused the transfer/);
    expect(await holdOf(env.t, failed.holdId as string)).toMatchObject({ status: 'released', releases: 1 });
    expect(await payoutBalance(env.t, creator)).toMatchObject({ available: 300, heldForPayouts: 0 });
    await ledgerChecker(env.t.db).assertSound();
  });
});
