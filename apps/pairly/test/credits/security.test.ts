// Who may read and move whose credits: a fan or creator only their own (another user's hold is a
// 404 whether read or released, and stays untouched), staff reads need `credits:read` (readonly,
// finance, admin), staff changes need `credits:adjust` (finance only), and every refusal leaves
// every balance as it was. Users see only the memo fields meant for them, never a staff reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPairlyTestApp,
  keyed,
  type PairlyTestApp,
  type Role,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';
import { balanceOf, expectProblem, grant, hold, transferCount } from './http-support.js';

let t: PairlyTestApp;
let finance: TestUser;
let alice: TestUser;
let bob: TestUser;
let aliceHold: string;

beforeAll(async () => {
  t = await buildPairlyTestApp();
  finance = await signUp(t, 'finance');
  alice = await signUp(t, 'fan');
  bob = await signUp(t, 'creator');
  await grant(t, finance, alice, 500, { reason: 'Internal: goodwill for ticket 88' });
  await grant(t, finance, bob, 300);
  aliceHold = (await hold(t, alice, 100)).id;
});
afterAll(async () => t?.close());

async function snapshot() {
  return {
    alice: await balanceOf(t, alice),
    bob: await balanceOf(t, bob),
    transfers: await transferCount(t),
  };
}

/** Every staff change, aimed at alice's credits and hold. */
const staffChanges = () => [
  {
    method: 'POST' as const,
    url: '/admin/credits/grants',
    payload: { userId: alice.id, amount: 10, source: 'purchase', reason: 'x' },
  },
  {
    method: 'POST' as const,
    url: '/admin/credits/deductions',
    payload: { userId: alice.id, amount: 10, reason: 'x' },
  },
  {
    method: 'POST' as const,
    url: '/admin/credits/transfers',
    payload: { fromUserId: alice.id, toUserId: bob.id, amount: 10, reason: 'x' },
  },
  {
    method: 'POST' as const,
    url: `/admin/credits/holds/${aliceHold}/capture`,
    payload: { amount: 10, to: { userId: bob.id, account: 'earnings' }, reason: 'x' },
  },
  { method: 'POST' as const, url: `/admin/credits/holds/${aliceHold}/release`, payload: { reason: 'x' } },
  {
    method: 'PUT' as const,
    url: `/admin/credits/users/${alice.id}/frozen`,
    payload: { frozen: true, reason: 'x' },
  },
];

const staffReads = () => [
  `/admin/credits/users/${alice.id}/balance`,
  `/admin/credits/users/${alice.id}/transactions`,
];

describe("one user and another's credits", () => {
  it("shows each user only their own balance and history, never the other's", async () => {
    expect(await balanceOf(t, alice)).toMatchObject({ spendable: 400, held: 100 });
    expect(await balanceOf(t, bob)).toMatchObject({ spendable: 300, held: 0 });
    const history = await t.app.inject({ method: 'GET', url: '/credits/transactions', headers: bob.headers });
    expect(history.json().items).toEqual([expect.objectContaining({ kind: 'purchase', amount: 300 })]);
    const query = await t.app.inject({
      method: 'GET',
      url: `/credits/transactions?userId=${alice.id}`,
      headers: bob.headers,
    });
    expectProblem(query, 400, undefined, '/querystring/userId');
  });

  it("answers 404 to another user's hold, read or released, and leaves it pending", async () => {
    const before = await snapshot();
    const read = await t.app.inject({
      method: 'GET',
      url: `/credits/holds/${aliceHold}`,
      headers: bob.headers,
    });
    expectProblem(read, 404, 'hold_not_found');
    const release = await keyed(t, bob, { method: 'POST', url: `/credits/holds/${aliceHold}/release` });
    expectProblem(release, 404, 'hold_not_found');
    const own = await t.app.inject({
      method: 'GET',
      url: `/credits/holds/${aliceHold}`,
      headers: alice.headers,
    });
    expect(own.json()).toMatchObject({ status: 'pending', ownerId: alice.id });
    expect(await snapshot()).toEqual(before);
  });

  it("answers 404 the other way round too: a fan cannot read or release a creator's hold", async () => {
    const bobHold = (await hold(t, bob, 40)).id;
    const before = await snapshot();
    const read = await t.app.inject({
      method: 'GET',
      url: `/credits/holds/${bobHold}`,
      headers: alice.headers,
    });
    expectProblem(read, 404, 'hold_not_found');
    const release = await keyed(t, alice, { method: 'POST', url: `/credits/holds/${bobHold}/release` });
    expectProblem(release, 404, 'hold_not_found');
    expect(await snapshot()).toEqual(before);
    expect((await balanceOf(t, bob)).held).toBe(40);
  });

  it('never shows a user the staff reason behind a movement, while staff see it', async () => {
    const mine = await t.app.inject({ method: 'GET', url: '/credits/transactions', headers: alice.headers });
    const serialised = JSON.stringify(mine.json());
    expect(serialised).not.toContain('goodwill');
    expect(mine.json().items).toContainEqual(
      expect.objectContaining({ kind: 'hold', memo: { holdId: aliceHold, purpose: 'call' } }),
    );
    const staff = await t.app.inject({
      method: 'GET',
      url: `/admin/credits/users/${alice.id}/transactions?kind=purchase`,
      headers: finance.headers,
    });
    expect(staff.json().items[0].memo).toEqual({ reason: 'Internal: goodwill for ticket 88' });
  });
});

describe('staff permissions', () => {
  it('answers 401 to staff routes without a token', async () => {
    for (const url of staffReads()) expectProblem(await t.app.inject({ method: 'GET', url }), 401);
    for (const change of staffChanges()) {
      expectProblem(await t.app.inject({ ...change, headers: { 'idempotency-key': 'k-1' } }), 401);
    }
  });

  for (const role of ['fan', 'creator', 'moderator', 'readonly', 'admin'] satisfies Role[]) {
    it(`refuses every staff change by ${role} with 403, changing nothing`, async () => {
      const user = await signUp(t, role);
      const before = await snapshot();
      for (const change of staffChanges()) {
        expectProblem(await keyed(t, user, change), 403, 'permission_denied');
      }
      expect(await snapshot()).toEqual(before);
      expect((await balanceOf(t, alice)).frozen).toBe(false);
    });
  }

  for (const role of ['fan', 'creator', 'moderator'] satisfies Role[]) {
    it(`refuses staff reads by ${role} with 403`, async () => {
      const user = await signUp(t, role);
      for (const url of staffReads()) {
        expectProblem(
          await t.app.inject({ method: 'GET', url, headers: user.headers }),
          403,
          'permission_denied',
        );
      }
    });
  }

  for (const role of ['readonly', 'admin', 'finance'] satisfies Role[]) {
    it(`lets ${role} read any user's credits`, async () => {
      const user = await signUp(t, role);
      for (const url of staffReads()) {
        const response = await t.app.inject({ method: 'GET', url, headers: user.headers });
        expect(response.statusCode, response.body).toBe(200);
      }
    });
  }

  it('lets finance (and superadmin) change credits', async () => {
    const superadmin = await signUp(t, 'superadmin');
    const before = await balanceOf(t, bob);
    await grant(t, finance, bob, 1);
    await grant(t, superadmin, bob, 2);
    expect((await balanceOf(t, bob)).spendable).toBe(before.spendable + 3);
  });

  it('refuses the own-credits routes to staff roles, which hold no credits:own', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/credits/balance', headers: finance.headers });
    expectProblem(response, 403, 'permission_denied');
  });
});
