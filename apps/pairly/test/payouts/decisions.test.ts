// Finance decides payouts: approving a manual payout leaves it processing until finance confirms it
// paid (the hold is captured to the payouts account) or failed (given back); rejecting gives the
// hold back with a reason. Each decision is audited, happens once (a second one is a 409), never on
// one's own payout, and only with payouts:decide (finance, superadmin): an admin may read, not decide;
// readonly staff may do neither.
import { type Database, withTransaction } from '@app/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PairlySchema, pairlyDb } from '../../src/db.js';
import { createHolds } from '../../src/modules/credits/holds.js';
import { createCreditsService } from '../../src/modules/credits/service.js';
import { expectProblem } from '../credits/http-support.js';
import { ledgerChecker } from '../credits/ledger-invariants.js';
import { buildPairlyTestApp, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  approve,
  auditRows,
  decide,
  earn,
  holdOf,
  paidOut,
  payoutBalance,
  requestPayout,
  staffPayout,
} from './support.js';

let t: PairlyTestApp;
let finance: TestUser;
let fan: TestUser;
let admin: TestUser;
let readonly: TestUser;

beforeAll(async () => {
  t = await buildPairlyTestApp({}, { env: { PAYOUT_MINIMUM_CREDITS: '100' } });
  [finance, fan, admin, readonly] = await Promise.all([
    signUp(t, 'finance'),
    signUp(t, 'fan'),
    signUp(t, 'admin'),
    signUp(t, 'readonly'),
  ]);
});
afterAll(async () => t?.close());

async function creatorWith(earnings: number): Promise<TestUser> {
  const creator = await signUp(t, 'creator');
  await earn(t, finance, fan, creator, earnings);
  return creator;
}

describe('the manual provider', () => {
  it('approves into processing, then finance confirms it paid: the hold is captured once', async () => {
    const creator = await creatorWith(1000);
    const payout = await requestPayout(t, creator, 400);
    const before = await paidOut(t);
    const approved = await approve(t, finance, payout.id);
    expect(approved).toMatchObject({
      status: 'processing',
      providerPayoutId: `manual_${payout.id}`,
      provider: 'manual',
    });
    expect(await auditRows(t, 'payouts.approve', payout.id)).toEqual([
      expect.objectContaining({
        actor_id: finance.id,
        target_type: 'payout',
        before: { status: 'requested' },
      }),
    ]);
    // A second approval, a rejection and the creator's cancel are all too late now.
    expectProblem(await decide(t, finance, payout.id, 'approve'), 409, 'payout_state_conflict');
    expectProblem(
      await decide(t, finance, payout.id, 'reject', { reason: 'late' }),
      409,
      'payout_state_conflict',
    );
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/payouts/${payout.id}/cancel`,
      headers: creator.headers,
    });
    expectProblem(cancel, 409, 'payout_state_conflict');

    const confirm = { outcome: 'paid', reference: 'WIRE-0042', note: 'paid by wire' };
    const [first, second] = await Promise.all([
      decide(t, finance, payout.id, 'confirm', confirm),
      decide(t, finance, payout.id, 'confirm', confirm),
    ]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 409]);
    const paid = await staffPayout(t, finance, payout.id);
    expect(paid).toMatchObject({ status: 'paid', reference: 'WIRE-0042', settledBy: finance.id });
    expect(await holdOf(t, paid.holdId as string)).toMatchObject({
      status: 'captured',
      captured: 400,
      captures: 1,
      releases: 0,
    });
    expect(await paidOut(t)).toBe(before + 400);
    expect(await payoutBalance(t, creator)).toMatchObject({ available: 600, heldForPayouts: 0 });
    expect(await auditRows(t, 'payouts.confirm', payout.id)).toHaveLength(1);
    // Failed after paid changes nothing.
    expectProblem(
      await decide(t, finance, payout.id, 'confirm', { outcome: 'failed', reference: 'x' }),
      409,
      'payout_state_conflict',
    );
    expect(await paidOut(t)).toBe(before + 400);
    await ledgerChecker(t.db).assertSound();
  });

  it('confirmed failed gives the hold back to earnings', async () => {
    const creator = await creatorWith(500);
    const payout = await requestPayout(t, creator, 300);
    await approve(t, finance, payout.id);
    const failed = await decide(t, finance, payout.id, 'confirm', {
      outcome: 'failed',
      reference: 'BOUNCE-7',
      note: 'account closed',
    });
    expect(failed.statusCode, failed.body).toBe(200);
    expect(failed.json()).toMatchObject({ status: 'failed', failureReason: 'account closed' });
    expect(await holdOf(t, failed.json().holdId)).toMatchObject({
      status: 'released',
      captures: 0,
      releases: 1,
    });
    expect(await payoutBalance(t, creator)).toMatchObject({ available: 500, heldForPayouts: 0 });
    await ledgerChecker(t.db).assertSound();
  });
});

describe('rejecting', () => {
  it('gives the hold back once, with the reason audited; a second decision is a 409', async () => {
    const creator = await creatorWith(800);
    const payout = await requestPayout(t, creator, 500);
    const rejected = await decide(t, finance, payout.id, 'reject', { reason: 'Earnings under review' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      decisionReason: 'Earnings under review',
      decidedBy: finance.id,
    });
    expectProblem(
      await decide(t, finance, payout.id, 'reject', { reason: 'again' }),
      409,
      'payout_state_conflict',
    );
    expectProblem(await decide(t, finance, payout.id, 'approve'), 409, 'payout_state_conflict');
    expect(await holdOf(t, rejected.json().holdId)).toMatchObject({ status: 'released', releases: 1 });
    expect(await payoutBalance(t, creator)).toMatchObject({ available: 800, heldForPayouts: 0 });
    const [row] = await auditRows(t, 'payouts.reject', payout.id);
    expect(row?.actor_id).toBe(finance.id);
    expect(row?.after).toMatchObject({ status: 'rejected', reason: 'Earnings under review', credits: 500 });
    const mine = await t.app.inject({
      method: 'GET',
      url: `/payouts/${payout.id}`,
      headers: creator.headers,
    });
    expect(mine.json()).toMatchObject({ status: 'rejected', decisionReason: 'Earnings under review' });
    await ledgerChecker(t.db).assertSound();
  });

  it('needs a reason (400 naming it)', async () => {
    const creator = await creatorWith(300);
    const payout = await requestPayout(t, creator, 200);
    expectProblem(await decide(t, finance, payout.id, 'reject', {}), 400, undefined, '/body/reason');
    expectProblem(
      await decide(t, finance, payout.id, 'reject', { reason: '   ' }),
      400,
      undefined,
      '/body/reason',
    );
    expectProblem(
      await decide(t, finance, payout.id, 'confirm', { outcome: 'maybe', reference: 'x' }),
      400,
      undefined,
      '/body/outcome',
    );
  });
});

describe('who decides', () => {
  it('an admin reads payouts but cannot decide; readonly can do neither; a fan neither', async () => {
    const creator = await creatorWith(300);
    const payout = await requestPayout(t, creator, 200);
    const list = await t.app.inject({
      method: 'GET',
      url: `/admin/payouts?creatorId=${creator.id}`,
      headers: admin.headers,
    });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((item: { id: string }) => item.id)).toEqual([payout.id]);
    const byStatus = await t.app.inject({
      method: 'GET',
      url: '/admin/payouts?status=requested',
      headers: finance.headers,
    });
    expect(byStatus.json().items.every((item: { status: string }) => item.status === 'requested')).toBe(true);
    for (const action of ['approve', 'reject', 'confirm'] as const) {
      const body =
        action === 'reject'
          ? { reason: 'no' }
          : action === 'confirm'
            ? { outcome: 'paid', reference: 'r' }
            : undefined;
      expectProblem(await decide(t, admin, payout.id, action, body), 403, 'permission_denied');
      expectProblem(await decide(t, readonly, payout.id, action, body), 403, 'permission_denied');
      expectProblem(await decide(t, creator, payout.id, action, body), 403, 'permission_denied');
    }
    for (const user of [readonly, fan, creator]) {
      const read = await t.app.inject({ method: 'GET', url: '/admin/payouts', headers: user.headers });
      expectProblem(read, 403, 'permission_denied');
    }
    expect((await staffPayout(t, finance, payout.id)).status).toBe('requested');
    expect(await auditRows(t, 'payouts.approve', payout.id)).toHaveLength(0);
  });

  it("staff cannot release or capture a payout's hold through the credits routes (403)", async () => {
    const creator = await creatorWith(600);
    const payout = await requestPayout(t, creator, 300);
    const holdId = (await staffPayout(t, finance, payout.id)).holdId as string;
    const key = () => ({ ...finance.headers, 'idempotency-key': crypto.randomUUID() });
    const release = await t.app.inject({
      method: 'POST',
      url: `/admin/credits/holds/${holdId}/release`,
      headers: key(),
      payload: { reason: 'Give it back' },
    });
    expectProblem(release, 403, 'hold_placed_elsewhere');
    const capture = await t.app.inject({
      method: 'POST',
      url: `/admin/credits/holds/${holdId}/capture`,
      headers: key(),
      payload: { amount: 300, to: { system: 'payouts' }, reason: 'Paid out by hand' },
    });
    expectProblem(capture, 403, 'hold_placed_elsewhere');
    expect(await holdOf(t, holdId)).toMatchObject({ status: 'pending', captures: 0, releases: 0 });
    expect(await payoutBalance(t, creator)).toMatchObject({ available: 300, heldForPayouts: 300 });
    // The payout still resolves its own hold.
    expect((await approve(t, finance, payout.id)).status).toBe('processing');
  });

  it("no other part of the service resolves a payout's hold inside its own transaction (403)", async () => {
    const creator = await creatorWith(600);
    const payout = await requestPayout(t, creator, 300);
    const holdId = (await staffPayout(t, finance, payout.id)).holdId as string;
    const holds = createHolds(pairlyDb(t.db), createCreditsService(t.db, t.clock), t.clock, 1_000_000);
    const refusal = await withTransaction(t.db as Database<PairlySchema>, (trx) =>
      holds.releaseWithin(trx, { holdId, ownerId: null, resolvedBy: 'system:calls' }),
    ).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'hold_placed_elsewhere' });
    expect(await holdOf(t, holdId)).toMatchObject({ status: 'pending', releases: 0 });
    expect((await approve(t, finance, payout.id)).status).toBe('processing');
  });

  it('nobody approves, rejects or confirms their own payout', async () => {
    // A superadmin holds every permission, payouts:request included.
    const superadmin = await signUp(t, 'superadmin');
    await earn(t, finance, fan, superadmin, 400);
    const payout = await requestPayout(t, superadmin, 300);
    expectProblem(await decide(t, superadmin, payout.id, 'approve'), 403, 'payout_self_approval');
    expectProblem(
      await decide(t, superadmin, payout.id, 'reject', { reason: 'mine' }),
      403,
      'payout_self_approval',
    );
    expect((await staffPayout(t, finance, payout.id)).status).toBe('requested');
    // Another member of staff with the permission may.
    expect((await approve(t, finance, payout.id)).status).toBe('processing');
    expectProblem(
      await decide(t, superadmin, payout.id, 'confirm', { outcome: 'paid', reference: 'self' }),
      403,
      'payout_self_approval',
    );
    const unknown = await decide(t, finance, '00000000-0000-4000-8000-0000000000ff', 'approve');
    expectProblem(unknown, 404, 'payout_not_found');
  });
});
