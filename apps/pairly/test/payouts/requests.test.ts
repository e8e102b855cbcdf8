// Creators request payouts of their earnings: at least the minimum, at most what is available, held
// in the ledger at once; once per Idempotency-Key; only their own payouts are theirs to see or
// cancel (anyone else's is a 404), and canceling gives the credits back exactly once. Fans and staff
// without the permission are refused; bad input is a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { ledgerChecker } from '../credits/ledger-invariants.js';
import {
  buildPairlyTestApp,
  newKey,
  type PairlyTestApp,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';
import { earn, holdOf, type PayoutJson, payoutBalance, postPayout, requestPayout } from './support.js';

let t: PairlyTestApp;
let finance: TestUser;
let fan: TestUser;

beforeAll(async () => {
  t = await buildPairlyTestApp({}, { env: { PAYOUT_MINIMUM_CREDITS: '500', PAYOUT_RATES: 'USD:2,INR:80' } });
  finance = await signUp(t, 'finance');
  fan = await signUp(t, 'fan');
});
afterAll(async () => t?.close());

async function creatorWith(earnings: number): Promise<TestUser> {
  const creator = await signUp(t, 'creator');
  if (earnings > 0) await earn(t, finance, fan, creator, earnings);
  return creator;
}

describe('requesting a payout', () => {
  it('shows the earnings available, the minimum and the rates', async () => {
    const creator = await creatorWith(1200);
    const response = await t.app.inject({ method: 'GET', url: '/payouts/balance', headers: creator.headers });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      available: 1200,
      heldForPayouts: 0,
      minimum: 500,
      provider: 'manual',
      rates: [
        { currency: 'USD', minorUnitsPerCredit: 2, availableAmount: 2400 },
        { currency: 'INR', minorUnitsPerCredit: 80, availableAmount: 96_000 },
      ],
    });
  });

  it('holds the credits from earnings and records the amount at the configured rate', async () => {
    const creator = await creatorWith(1200);
    const payout = await requestPayout(t, creator, 700, 'INR');
    expect(payout).toMatchObject({
      credits: 700,
      amount: 56_000,
      currency: 'INR',
      status: 'requested',
      provider: 'manual',
    });
    expect(await payoutBalance(t, creator)).toMatchObject({ available: 500, heldForPayouts: 700 });
    const credits = await t.app.inject({ method: 'GET', url: '/credits/balance', headers: creator.headers });
    expect(credits.json()).toMatchObject({ earnings: 500, held: 700 });
    await ledgerChecker(t.db).assertSound();
  });

  it('refuses less than the minimum and more than is available, naming credits, and holds nothing', async () => {
    const creator = await creatorWith(800);
    expectProblem(
      await postPayout(t, creator, { credits: 499, currency: 'USD' }),
      400,
      'payout_below_minimum',
      '/body/credits',
    );
    expectProblem(
      await postPayout(t, creator, { credits: 801, currency: 'USD' }),
      400,
      'payout_exceeds_available',
      '/body/credits',
    );
    // What an open payout holds is no longer available.
    await requestPayout(t, creator, 500);
    expectProblem(
      await postPayout(t, creator, { credits: 500, currency: 'USD' }),
      400,
      'payout_exceeds_available',
      '/body/credits',
    );
    expect(await payoutBalance(t, creator)).toMatchObject({ available: 300, heldForPayouts: 500 });
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const creator = await creatorWith(1000);
    expectProblem(
      await postPayout(t, creator, { credits: 600, currency: 'EUR' }),
      400,
      'payout_currency_not_offered',
      '/body/currency',
    );
    expectProblem(
      await postPayout(t, creator, { credits: '600', currency: 'USD' }),
      400,
      undefined,
      '/body/credits',
    );
    expectProblem(
      await postPayout(t, creator, { credits: 600.5, currency: 'USD' }),
      400,
      undefined,
      '/body/credits',
    );
    expectProblem(
      await postPayout(t, creator, { credits: 600, currency: 'usd' }),
      400,
      undefined,
      '/body/currency',
    );
    expectProblem(await postPayout(t, creator, { credits: 600 }), 400, undefined, '/body/currency');
    const noKey = await t.app.inject({
      method: 'POST',
      url: '/payouts',
      headers: creator.headers,
      payload: { credits: 600, currency: 'USD' },
    });
    expectProblem(noKey, 400, undefined, '/headers/idempotency-key');
    expect(await payoutBalance(t, creator)).toMatchObject({ available: 1000, heldForPayouts: 0 });
  });

  it('is for creators: a fan, an admin and readonly staff are refused', async () => {
    const readonly = await signUp(t, 'readonly');
    const admin = await signUp(t, 'admin');
    for (const user of [fan, admin, readonly]) {
      expectProblem(await postPayout(t, user, { credits: 600, currency: 'USD' }), 403, 'permission_denied');
      const balance = await t.app.inject({ method: 'GET', url: '/payouts/balance', headers: user.headers });
      expectProblem(balance, 403, 'permission_denied');
    }
    expectProblem(await t.app.inject({ method: 'GET', url: '/payouts' }), 401);
  });

  it('answers a retried request with the first payout and holds once', async () => {
    const creator = await creatorWith(2000);
    const key = newKey();
    const first = await postPayout(t, creator, { credits: 600, currency: 'USD' }, key);
    const again = await postPayout(t, creator, { credits: 600, currency: 'USD' }, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    expectProblem(
      await postPayout(t, creator, { credits: 700, currency: 'USD' }, key),
      409,
      'idempotency_key_reused',
    );
    const list = await t.app.inject({ method: 'GET', url: '/payouts', headers: creator.headers });
    expect(list.json().items).toHaveLength(1);
    expect(await payoutBalance(t, creator)).toMatchObject({ available: 1400, heldForPayouts: 600 });
  });
});

describe("one's own payouts", () => {
  let owner: TestUser;
  let other: TestUser;
  let payout: PayoutJson;

  beforeAll(async () => {
    owner = await creatorWith(1500);
    other = await creatorWith(1500);
    payout = await requestPayout(t, owner, 600);
  });

  it("lists and shows only one's own payouts; another creator's is a 404", async () => {
    const mine = await t.app.inject({ method: 'GET', url: `/payouts/${payout.id}`, headers: owner.headers });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ id: payout.id, status: 'requested' });
    expect(mine.json()).not.toHaveProperty('holdId');
    const theirs = await t.app.inject({
      method: 'GET',
      url: `/payouts/${payout.id}`,
      headers: other.headers,
    });
    expectProblem(theirs, 404, 'payout_not_found');
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/payouts/${payout.id}/cancel`,
      headers: other.headers,
    });
    expectProblem(cancel, 404, 'payout_not_found');
    const list = await t.app.inject({ method: 'GET', url: '/payouts', headers: other.headers });
    expect(list.json()).toEqual({ items: [], nextCursor: null });
    const bad = await t.app.inject({ method: 'GET', url: '/payouts/not-a-uuid', headers: owner.headers });
    expectProblem(bad, 400, undefined, '/params/id');
  });

  it('cancels a requested payout and gives the credits back exactly once', async () => {
    const payload = { method: 'POST' as const, url: `/payouts/${payout.id}/cancel`, headers: owner.headers };
    const [first, second] = await Promise.all([t.app.inject(payload), t.app.inject(payload)]);
    const statuses = [first.statusCode, second.statusCode].sort();
    expect(statuses).toEqual([200, 409]);
    const hold = await holdOf(t, payout.holdId ?? (await staffHold(payout.id)));
    expect(hold).toMatchObject({ status: 'released', captures: 0, releases: 1 });
    expect(await payoutBalance(t, owner)).toMatchObject({ available: 1500, heldForPayouts: 0 });
    await ledgerChecker(t.db).assertSound();
  });

  it('pages with a cursor and refuses a forged one', async () => {
    await requestPayout(t, other, 500);
    await requestPayout(t, other, 500);
    const first = await t.app.inject({ method: 'GET', url: '/payouts?limit=1', headers: other.headers });
    expect(first.json().items).toHaveLength(1);
    const cursor = first.json().nextCursor as string;
    expect(cursor).toBeTruthy();
    const second = await t.app.inject({
      method: 'GET',
      url: `/payouts?limit=1&cursor=${cursor}`,
      headers: other.headers,
    });
    expect(second.json().items).toHaveLength(1);
    expect(second.json().items[0].id).not.toBe(first.json().items[0].id);
    expect(second.json().nextCursor).toBeNull();
    const forged = await t.app.inject({ method: 'GET', url: '/payouts?cursor=abc', headers: other.headers });
    expectProblem(forged, 400, 'invalid_cursor', '/querystring/cursor');
  });
});

describe('destinations', () => {
  it('records a Stripe or Razorpay destination and refuses a malformed one naming accountId', async () => {
    const creator = await creatorWith(0);
    const put = (payload: Record<string, unknown>) =>
      t.app.inject({ method: 'PUT', url: '/payouts/destination', headers: creator.headers, payload });
    expectProblem(
      await put({ provider: 'stripe', accountId: 'fa_00000000000001' }),
      400,
      'payout_destination_malformed',
      '/body/accountId',
    );
    expectProblem(
      await put({ provider: 'razorpay', accountId: 'acct_1Nv0FGQ9RKHgCVdK' }),
      400,
      'payout_destination_malformed',
      '/body/accountId',
    );
    expectProblem(await put({ provider: 'paypal', accountId: 'x' }), 400, undefined, '/body/provider');
    expect((await put({ provider: 'stripe', accountId: 'acct_1Nv0FGQ9RKHgCVdK' })).statusCode).toBe(200);
    expect((await put({ provider: 'stripe', accountId: 'acct_2Nv0FGQ9RKHgCVdK' })).statusCode).toBe(200);
    const list = await t.app.inject({ method: 'GET', url: '/payouts/destination', headers: creator.headers });
    expect(list.json().items).toEqual([
      expect.objectContaining({ provider: 'stripe', accountId: 'acct_2Nv0FGQ9RKHgCVdK' }),
    ]);
    const fanPut = await t.app.inject({
      method: 'PUT',
      url: '/payouts/destination',
      headers: fan.headers,
      payload: { provider: 'stripe', accountId: 'acct_1Nv0FGQ9RKHgCVdK' },
    });
    expectProblem(fanPut, 403, 'permission_denied');
  });
});

async function staffHold(payoutId: string): Promise<string> {
  const { rows } = await t.db.executeSql('select hold_id from payouts where id = $1', [payoutId]);
  return (rows[0] as { hold_id: string }).hold_id;
}
