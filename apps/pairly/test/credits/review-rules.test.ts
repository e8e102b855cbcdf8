// Rules added after the security review of the credits routes: a user releases only the holds they
// placed, staff never move their own credits, a replayed refusal is marked as one, a frozen account's
// refusal leaves the key free for after the unfreeze, a staff change and its audit row commit
// together, and dates past year 9999 are a 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairlyDb } from '../../src/db.js';
import { createHolds } from '../../src/modules/credits/holds.js';
import { createCreditsService } from '../../src/modules/credits/service.js';
import {
  buildPairlyTestApp,
  keyed,
  newKey,
  type PairlyTestApp,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';
import { balanceOf, expectProblem, grant, transferCount } from './http-support.js';

let t: PairlyTestApp;
let finance: TestUser;

beforeAll(async () => {
  t = await buildPairlyTestApp();
  finance = await signUp(t, 'finance');
});
afterAll(async () => t?.close());

const auditCount = async (action: string) => {
  const { rows } = await t.db.executeSql('select count(*)::int as n from audit_log where action = $1', [
    action,
  ]);
  return (rows[0] as { n: number }).n;
};

describe('holds placed by the service', () => {
  it("cannot be released by their owner: a call's hold is resolved by the call", async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 50);
    const credits = createCreditsService(t.db, t.clock);
    const holds = createHolds(pairlyDb(t.db), credits, t.clock, 1_000_000);
    const placed = await holds.hold(
      { scope: 'system:calls', idempotencyKey: newKey() },
      { userId: fan.id, amount: 30, purpose: 'call' },
    );

    const release = await keyed(t, fan, { method: 'POST', url: `/credits/holds/${placed.body.id}/release` });
    expectProblem(release, 403, 'hold_placed_elsewhere');
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 20, held: 30 });
    // The owner still sees it, and the service that placed it resolves it.
    const seen = await t.app.inject({
      method: 'GET',
      url: `/credits/holds/${placed.body.id}`,
      headers: fan.headers,
    });
    expect(seen.json()).toMatchObject({ status: 'pending', amount: 30 });
    await holds.release(
      { scope: 'system:calls', idempotencyKey: newKey() },
      { holdId: placed.body.id, ownerId: null },
    );
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 50, held: 0 });
  });
});

describe('staff and their own credits', () => {
  it('finance cannot grant to, deduct from, freeze or transfer with its own account', async () => {
    const other = await signUp(t, 'fan');
    const before = await transferCount(t);
    const attempts = [
      {
        url: '/admin/credits/grants',
        payload: { userId: finance.id, amount: 10, source: 'purchase', reason: 'x' },
      },
      { url: '/admin/credits/deductions', payload: { userId: finance.id, amount: 1, reason: 'x' } },
      {
        url: '/admin/credits/transfers',
        payload: { fromUserId: other.id, toUserId: finance.id, amount: 1, reason: 'x' },
      },
    ];
    for (const { url, payload } of attempts) {
      expectProblem(await keyed(t, finance, { method: 'POST', url, payload }), 403, 'own_account');
    }
    const freeze = await keyed(t, finance, {
      method: 'PUT',
      url: `/admin/credits/users/${finance.id}/frozen`,
      payload: { frozen: true, reason: 'x' },
    });
    expectProblem(freeze, 403, 'own_account');
    expect(await transferCount(t)).toBe(before);
  });
});

describe('replays and refusals', () => {
  it('marks a replayed refusal with Idempotent-Replayed', async () => {
    const fan = await signUp(t, 'fan');
    const key = newKey();
    const send = () =>
      keyed(t, fan, { method: 'POST', url: '/credits/holds', key, payload: { amount: 40, purpose: 'call' } });
    const first = await send();
    expectProblem(first, 402, 'insufficient_credits');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await send();
    expectProblem(again, 402, 'insufficient_credits');
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it("a frozen account's refusal keeps nothing under the key: after the unfreeze the same request goes through", async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 20);
    const setFrozen = (frozen: boolean) =>
      keyed(t, finance, {
        method: 'PUT',
        url: `/admin/credits/users/${fan.id}/frozen`,
        payload: { frozen, reason: 'check' },
      });
    expect((await setFrozen(true)).statusCode).toBe(200);
    const key = newKey();
    const grantAgain = () =>
      keyed(t, finance, {
        method: 'POST',
        url: '/admin/credits/grants',
        key,
        payload: { userId: fan.id, amount: 5, source: 'refund', reason: 'late refund' },
      });
    expectProblem(await grantAgain(), 423, 'account_frozen');
    expect((await setFrozen(false)).statusCode).toBe(200);
    const applied = await grantAgain();
    expect(applied.statusCode, applied.body).toBe(201);
    expect(applied.headers['idempotent-replayed']).toBeUndefined();
    expect((await balanceOf(t, fan)).spendable).toBe(25);
  });

  it('a refused staff change writes no audit row, an applied one exactly one, replays none', async () => {
    const fan = await signUp(t, 'fan');
    const before = await auditCount('credits.deduct');
    const deduct = (key: string, amount: number) =>
      keyed(t, finance, {
        method: 'POST',
        url: '/admin/credits/deductions',
        key,
        payload: { userId: fan.id, amount, reason: 'chargeback' },
      });
    expectProblem(await deduct(newKey(), 5), 402, 'insufficient_credits');
    expect(await auditCount('credits.deduct')).toBe(before);
    await grant(t, finance, fan, 10);
    const key = newKey();
    expect((await deduct(key, 5)).statusCode).toBe(200);
    expect((await deduct(key, 5)).headers['idempotent-replayed']).toBe('true');
    expect(await auditCount('credits.deduct')).toBe(before + 1);
  });
});

describe('dates a database cannot store', () => {
  it('an expiresAt that an offset carries into year 10000 is a 400 naming it, and nothing is held or granted', async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 10);
    const before = await transferCount(t);
    const farFuture = '9999-12-31T23:59:59-23:59';
    const held = await keyed(t, fan, {
      method: 'POST',
      url: '/credits/holds',
      payload: { amount: 5, purpose: 'call', expiresAt: farFuture },
    });
    expectProblem(held, 400, undefined, '/body/expiresAt');
    const granted = await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/grants',
      payload: { userId: fan.id, amount: 5, source: 'promotion', reason: 'x', expiresAt: farFuture },
    });
    expectProblem(granted, 400, undefined, '/body/expiresAt');
    expect(await transferCount(t)).toBe(before);
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 10, held: 0 });
  });
});
