// The credits routes through HTTP: every user and staff route does what it says, staff changes
// reach the audit log once, and a client key makes a retried request answer its first result
// (status, body, `Idempotent-Replayed: true`) without moving credits again, a refusal included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPairlyTestApp,
  keyed,
  newKey,
  type PairlyTestApp,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';
import { balanceOf, expectProblem, grant, hold, transferCount } from './http-support.js';

let t: PairlyTestApp;
let finance: TestUser;
let readonly: TestUser;

beforeAll(async () => {
  t = await buildPairlyTestApp();
  finance = await signUp(t, 'finance');
  readonly = await signUp(t, 'readonly');
});
afterAll(async () => t?.close());

async function auditRows(action: string, targetId: string) {
  const { rows } = await t.db.executeSql(
    'select actor_id, target_type, target_id, before, after from audit_log where action = $1 and target_id = $2',
    [action, targetId],
  );
  return rows as Array<{
    actor_id: string;
    target_type: string;
    before: unknown;
    after: Record<string, unknown>;
  }>;
}

describe('user routes', () => {
  it('shows a fresh account as empty, then the credits a grant added', async () => {
    const fan = await signUp(t, 'fan');
    expect(await balanceOf(t, fan)).toEqual({
      spendable: 0,
      earnings: 0,
      held: 0,
      frozen: false,
      expiring: [],
    });
    const receipt = await grant(t, finance, fan, 500);
    expect(receipt).toEqual({
      operationId: expect.any(String),
      transfers: [{ id: expect.any(Number), kind: 'purchase', amount: 500 }],
      balanceAfter: 500,
    });
    expect((await balanceOf(t, fan)).spendable).toBe(500);
  });

  it('lists expiring credits soonest first', async () => {
    const fan = await signUp(t, 'fan');
    const later = new Date(t.clock.now().getTime() + 30 * 86_400_000).toISOString();
    const sooner = new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString();
    await grant(t, finance, fan, 100, { source: 'promotion', expiresAt: later });
    await grant(t, finance, fan, 40, { source: 'promotion', expiresAt: sooner });
    await grant(t, finance, fan, 60);
    const balance = await balanceOf(t, fan);
    expect(balance.spendable).toBe(200);
    expect(balance.expiring).toEqual([
      { amount: 40, expiresAt: sooner },
      { amount: 100, expiresAt: later },
    ]);
  });

  it('holds credits, shows the hold to its owner and gives it all back on release', async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 300);
    const expiresAt = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const created = await keyed(t, fan, {
      method: 'POST',
      url: '/credits/holds',
      payload: { amount: 120, purpose: 'call', expiresAt },
    });
    expect(created.statusCode, created.body).toBe(201);
    const held = created.json();
    expect(held).toEqual({
      id: expect.any(String),
      ownerId: fan.id,
      amount: 120,
      captured: 0,
      status: 'pending',
      purpose: 'call',
      expiresAt,
      createdAt: t.clock.now().toISOString(),
      resolvedAt: null,
    });
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 180, held: 120 });

    const read = await t.app.inject({
      method: 'GET',
      url: `/credits/holds/${held.id}`,
      headers: fan.headers,
    });
    expect(read.json()).toEqual(held);

    const released = await keyed(t, fan, { method: 'POST', url: `/credits/holds/${held.id}/release` });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ status: 'released', captured: 0 });
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 300, held: 0 });

    const again = await keyed(t, fan, { method: 'POST', url: `/credits/holds/${held.id}/release` });
    expectProblem(again, 409, 'hold_already_resolved');
  });

  it('refuses a hold larger than the balance with 402 and holds nothing', async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 50);
    const response = await keyed(t, fan, {
      method: 'POST',
      url: '/credits/holds',
      payload: { amount: 51, purpose: 'call' },
    });
    expectProblem(response, 402, 'insufficient_credits');
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 50, held: 0 });
  });
});

describe('staff routes', () => {
  it('reads any user balance and history (credits:read)', async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 70);
    const balance = await t.app.inject({
      method: 'GET',
      url: `/admin/credits/users/${fan.id}/balance`,
      headers: readonly.headers,
    });
    expect(balance.json()).toMatchObject({ spendable: 70 });
    const history = await t.app.inject({
      method: 'GET',
      url: `/admin/credits/users/${fan.id}/transactions`,
      headers: readonly.headers,
    });
    expect(history.json().items).toEqual([
      expect.objectContaining({ kind: 'purchase', amount: 70, memo: { reason: 'test grant' } }),
    ]);
  });

  it('answers 404 for a user that does not exist', async () => {
    const missing = '00000000-0000-4000-8000-00000000dead';
    for (const url of [
      `/admin/credits/users/${missing}/balance`,
      `/admin/credits/users/${missing}/transactions`,
    ]) {
      expectProblem(await t.app.inject({ method: 'GET', url, headers: finance.headers }), 404);
    }
    const granted = await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/grants',
      payload: { userId: missing, amount: 5, source: 'refund', reason: 'x' },
    });
    expectProblem(granted, 404);
    const frozen = await keyed(t, finance, {
      method: 'PUT',
      url: `/admin/credits/users/${missing}/frozen`,
      payload: { frozen: true, reason: 'x' },
    });
    expectProblem(frozen, 404);
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 20);
    const before = await transferCount(t);
    const transfer = await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/transfers',
      payload: { fromUserId: fan.id, toUserId: missing, amount: 5, reason: 'x' },
    });
    expectProblem(transfer, 404);
    const { id } = await hold(t, fan, 5);
    const capture = await keyed(t, finance, {
      method: 'POST',
      url: `/admin/credits/holds/${id}/capture`,
      payload: { amount: 5, to: { userId: missing, account: 'earnings' }, reason: 'x' },
    });
    expectProblem(capture, 404);
    const unknownHold = await keyed(t, finance, {
      method: 'POST',
      url: `/admin/credits/holds/${missing}/release`,
      payload: { reason: 'x' },
    });
    expectProblem(unknownHold, 404, 'hold_not_found');
    expect(await transferCount(t)).toBe(before + 1);
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 15, held: 5 });
  });

  it('deducts from spendable or earnings, refusing more than the balance with 402', async () => {
    const creator = await signUp(t, 'creator');
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 100);
    const moved = await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/transfers',
      payload: { fromUserId: fan.id, toUserId: creator.id, amount: 80, to: 'earnings', reason: 'test' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().balanceAfter).toBe(20);

    const deducted = await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/deductions',
      payload: { userId: creator.id, amount: 30, account: 'earnings', reason: 'Chargeback' },
    });
    expect(deducted.statusCode, deducted.body).toBe(200);
    expect(deducted.json()).toMatchObject({
      balanceAfter: 50,
      transfers: [{ kind: 'deduction', amount: 30 }],
    });

    const tooMuch = await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/deductions',
      payload: { userId: fan.id, amount: 21, reason: 'Chargeback' },
    });
    expectProblem(tooMuch, 402, 'insufficient_credits');
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 20 });
    expect(await balanceOf(t, creator)).toMatchObject({ earnings: 50 });
  });

  it('captures part of a hold to a creator and gives the rest back to its owner', async () => {
    const fan = await signUp(t, 'fan');
    const creator = await signUp(t, 'creator');
    await grant(t, finance, fan, 200);
    const { id } = await hold(t, fan, 150);
    const captured = await keyed(t, finance, {
      method: 'POST',
      url: `/admin/credits/holds/${id}/capture`,
      payload: {
        amount: 90,
        to: { userId: creator.id, account: 'earnings' },
        reason: 'Call lasted 3 minutes',
      },
    });
    expect(captured.statusCode, captured.body).toBe(200);
    expect(captured.json()).toMatchObject({
      id,
      ownerId: fan.id,
      status: 'captured',
      captured: 90,
      amount: 150,
    });
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 110, held: 0 });
    expect(await balanceOf(t, creator)).toMatchObject({ earnings: 90 });
    expect(await auditRows('credits.hold_capture', fan.id)).toEqual([
      expect.objectContaining({
        actor_id: finance.id,
        after: {
          holdId: id,
          amount: 90,
          to: { userId: creator.id, account: 'earnings' },
          reason: 'Call lasted 3 minutes',
        },
      }),
    ]);
  });

  it('captures to a system account, and releases another hold in full', async () => {
    const creator = await signUp(t, 'creator');
    await grant(t, finance, creator, 100);
    const payout = await hold(t, creator, 60, 'payout');
    const captured = await keyed(t, finance, {
      method: 'POST',
      url: `/admin/credits/holds/${payout.id}/capture`,
      payload: { amount: 60, to: { system: 'payouts' }, reason: 'Payout 311 sent' },
    });
    expect(captured.json()).toMatchObject({ status: 'captured', captured: 60 });
    const other = await hold(t, creator, 40);
    const released = await keyed(t, finance, {
      method: 'POST',
      url: `/admin/credits/holds/${other.id}/release`,
      payload: { reason: 'Call never connected' },
    });
    expect(released.json()).toMatchObject({ status: 'released', captured: 0 });
    expect(await balanceOf(t, creator)).toMatchObject({ spendable: 40, held: 0 });
    expect(await auditRows('credits.hold_release', creator.id)).toHaveLength(1);
  });

  it('freezes a user: their operations answer 423 until unfrozen', async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 100);
    const pending = await hold(t, fan, 10);
    const freeze = await keyed(t, finance, {
      method: 'PUT',
      url: `/admin/credits/users/${fan.id}/frozen`,
      payload: { frozen: true, reason: 'Fraud review' },
    });
    expect(freeze.statusCode, freeze.body).toBe(200);
    expect(freeze.json()).toEqual({ userId: fan.id, frozen: true });
    expect((await balanceOf(t, fan)).frozen).toBe(true);

    const before = await transferCount(t);
    const held = await keyed(t, fan, {
      method: 'POST',
      url: '/credits/holds',
      payload: { amount: 5, purpose: 'call' },
    });
    expectProblem(held, 423, 'account_frozen');
    const release = await keyed(t, fan, { method: 'POST', url: `/credits/holds/${pending.id}/release` });
    expectProblem(release, 423, 'account_frozen');
    const granted = await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/grants',
      payload: { userId: fan.id, amount: 5, source: 'refund', reason: 'x' },
    });
    expectProblem(granted, 423, 'account_frozen');
    expect(await transferCount(t)).toBe(before);

    await keyed(t, finance, {
      method: 'PUT',
      url: `/admin/credits/users/${fan.id}/frozen`,
      payload: { frozen: false, reason: 'Cleared' },
    });
    expect(await balanceOf(t, fan)).toMatchObject({ frozen: false, spendable: 90, held: 10 });
    expect(
      (await keyed(t, fan, { method: 'POST', url: `/credits/holds/${pending.id}/release` })).statusCode,
    ).toBe(200);
    expect(await auditRows('credits.freeze', fan.id)).toEqual([
      expect.objectContaining({ before: { frozen: false }, after: { frozen: true, reason: 'Fraud review' } }),
    ]);
    expect(await auditRows('credits.unfreeze', fan.id)).toHaveLength(1);
  });

  it('audits every grant, deduction and transfer with actor, target, amount and reason', async () => {
    const fan = await signUp(t, 'fan');
    const other = await signUp(t, 'fan');
    await grant(t, finance, fan, 100, { source: 'refund', reason: 'Ticket 1' });
    await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/deductions',
      payload: { userId: fan.id, amount: 10, reason: 'Ticket 2' },
    });
    await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/transfers',
      payload: { fromUserId: fan.id, toUserId: other.id, amount: 20, reason: 'Ticket 3' },
    });
    const [granted] = await auditRows('credits.grant', fan.id);
    expect(granted).toMatchObject({ actor_id: finance.id, target_type: 'user' });
    expect(granted?.after).toMatchObject({ amount: 100, source: 'refund', reason: 'Ticket 1' });
    expect((await auditRows('credits.deduct', fan.id))[0]?.after).toMatchObject({
      amount: 10,
      reason: 'Ticket 2',
    });
    expect((await auditRows('credits.transfer', fan.id))[0]?.after).toMatchObject({
      toUserId: other.id,
      amount: 20,
      reason: 'Ticket 3',
    });
  });
});

describe('idempotent replay', () => {
  it('answers a retried grant with its first result and header, moving credits once and auditing once', async () => {
    const fan = await signUp(t, 'fan');
    const key = newKey();
    const send = () =>
      keyed(t, finance, {
        method: 'POST',
        url: '/admin/credits/grants',
        key,
        payload: { userId: fan.id, amount: 25, source: 'refund', reason: 'Ticket 9' },
      });
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect((await balanceOf(t, fan)).spendable).toBe(25);
    expect(await auditRows('credits.grant', fan.id)).toHaveLength(1);
  });

  it('replays a hold with the same body, and refuses the key with another body (409)', async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 100);
    const key = newKey();
    const first = await keyed(t, fan, {
      method: 'POST',
      url: '/credits/holds',
      key,
      payload: { amount: 30, purpose: 'call' },
    });
    const again = await keyed(t, fan, {
      method: 'POST',
      url: '/credits/holds',
      key,
      payload: { amount: 30, purpose: 'call' },
    });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const other = await keyed(t, fan, {
      method: 'POST',
      url: '/credits/holds',
      key,
      payload: { amount: 31, purpose: 'call' },
    });
    expectProblem(other, 409, 'idempotency_key_reused');
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 70, held: 30 });
  });

  it('replays a release and a freeze with the header', async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 10);
    const { id } = await hold(t, fan, 10);
    const key = newKey();
    const first = await keyed(t, fan, { method: 'POST', url: `/credits/holds/${id}/release`, key });
    const second = await keyed(t, fan, { method: 'POST', url: `/credits/holds/${id}/release`, key });
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());

    const freezeKey = newKey();
    const freeze = () =>
      keyed(t, finance, {
        method: 'PUT',
        url: `/admin/credits/users/${fan.id}/frozen`,
        key: freezeKey,
        payload: { frozen: true, reason: 'Review' },
      });
    await freeze();
    const replayed = await freeze();
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(await auditRows('credits.freeze', fan.id)).toHaveLength(1);
  });

  it('replays a refused 402 as 402 even after the balance grew', async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 10);
    const key = newKey();
    const send = () =>
      keyed(t, fan, { method: 'POST', url: '/credits/holds', key, payload: { amount: 40, purpose: 'call' } });
    expectProblem(await send(), 402, 'insufficient_credits');
    await grant(t, finance, fan, 100);
    expectProblem(await send(), 402, 'insufficient_credits');
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 110, held: 0 });
  });

  it("keeps one user's keys apart from another's", async () => {
    const alice = await signUp(t, 'fan');
    const bob = await signUp(t, 'fan');
    await grant(t, finance, alice, 10);
    await grant(t, finance, bob, 10);
    const key = newKey();
    const payload = { amount: 5, purpose: 'call' };
    const first = await keyed(t, alice, { method: 'POST', url: '/credits/holds', key, payload });
    const second = await keyed(t, bob, { method: 'POST', url: '/credits/holds', key, payload });
    expect(second.statusCode).toBe(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.json().id).not.toBe(first.json().id);
    expect(second.json().ownerId).toBe(bob.id);
  });
});

describe('API reference', () => {
  const routes = [
    ['get', '/credits/balance', 'credits:own'],
    ['get', '/credits/transactions', 'credits:own'],
    ['post', '/credits/holds', 'credits:own'],
    ['get', '/credits/holds/{holdId}', 'credits:own'],
    ['post', '/credits/holds/{holdId}/release', 'credits:own'],
    ['get', '/admin/credits/users/{userId}/balance', 'credits:read'],
    ['get', '/admin/credits/users/{userId}/transactions', 'credits:read'],
    ['post', '/admin/credits/grants', 'credits:adjust'],
    ['post', '/admin/credits/deductions', 'credits:adjust'],
    ['post', '/admin/credits/transfers', 'credits:adjust'],
    ['post', '/admin/credits/holds/{holdId}/capture', 'credits:adjust'],
    ['post', '/admin/credits/holds/{holdId}/release', 'credits:adjust'],
    ['put', '/admin/credits/users/{userId}/frozen', 'credits:adjust'],
  ] as const;

  it('documents every credits route with a summary, its permission, its errors and the key it needs', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    for (const [method, path, permission] of routes) {
      const operation = document.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation.summary).toBeTruthy();
      expect(operation.description).toContain(`Requires permission \`${permission}\``);
      expect(operation.security).toBeDefined();
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '403']));
      const keyHeader = (operation.parameters ?? []).find(
        (parameter: { in: string; name: string }) =>
          parameter.in === 'header' && parameter.name === 'idempotency-key',
      );
      expect(Boolean(keyHeader), `${method} ${path} Idempotency-Key`).toBe(method !== 'get');
      if (keyHeader) expect(keyHeader.required).toBe(true);
    }
  });

  it('names the roles holding each permission and gives request examples', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    expect(document.paths['/admin/credits/grants'].post.description).toContain(
      '(roles: finance, superadmin)',
    );
    expect(document.paths['/credits/balance'].get.description).toContain('(roles: fan, creator, superadmin)');
    for (const path of ['/admin/credits/grants', '/admin/credits/transfers', '/credits/holds']) {
      const media = document.paths[path].post.requestBody.content['application/json'];
      expect(media.example ?? media.examples ?? media.schema.examples, path).toBeTruthy();
    }
  });
});
