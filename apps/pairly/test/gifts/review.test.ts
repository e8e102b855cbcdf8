// Gifts held for review (issue 14): the amount leaves the sender's spendable balance for their held
// account; staff with `gifts:review` (finance, admin) list the queue and approve (the recipient gets
// the credits and is told) or reject (the credits go back to the sender, into the lots they came
// from). A gift is resolved once: a second decision is a 409, a replay of the first returns it again.
// Fans and creators cannot see the queue or decide; every decision is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { ledgerChecker } from '../credits/ledger-invariants.js';
import { newKey, type PairlyTestApp, type TestUser } from '../support/pairly-client.js';
import {
  advance,
  auditActions,
  balances,
  buildGiftTestApp,
  count,
  decide,
  fund,
  type Member,
  member,
  QUIET_RULES,
  sendGift,
  staff,
} from './support.js';

let t: PairlyTestApp;
let finance: TestUser;
let admin: TestUser;

beforeAll(async () => {
  // Every new account's gifts are held: the account-age rule asks for review.
  t = await buildGiftTestApp({ ...QUIET_RULES, accountAge: { minHours: 24, outcome: 'review' } });
  [finance, admin] = [await staff(t, 'finance'), await staff(t, 'admin')];
});
afterAll(async () => t?.close());

async function heldGift(amount = 100): Promise<{ alice: Member; bob: Member; giftId: string }> {
  const [alice, bob] = [await member(t), await member(t)];
  await fund(t, alice, 1_000);
  const held = await sendGift(t, alice, { recipientId: bob.id, amount, note: 'held one' });
  expect(held.statusCode, held.body).toBe(202);
  return { alice, bob, giftId: held.json().id };
}

const queue = async (reviewer: TestUser, status = 'pending_review') =>
  (
    await t.app.inject({
      method: 'GET',
      url: `/admin/gifts?status=${status}&limit=100`,
      headers: reviewer.headers,
    })
  ).json().items as Array<{ id: string; reviewReasons: Array<{ rule: string }> }>;
const received = async (user: Member) =>
  (await t.app.inject({ method: 'GET', url: '/gifts?direction=received', headers: user.headers })).json()
    .items;
const mailsTo = (user: Member) =>
  t.db
    .executeSql('select subject, body from mail_outbox where recipient = $1', [user.email])
    .then((r) => r.rows);

describe('reviewing held gifts', () => {
  it('keeps a held gift from the recipient until finance approves it, then delivers it once', async () => {
    const { alice, bob, giftId } = await heldGift();
    expect(await received(bob)).toEqual([]);
    expect(await mailsTo(bob)).toEqual([]);
    const pending = (await queue(finance)).find((gift) => gift.id === giftId);
    expect(pending?.reviewReasons.map((reason) => reason.rule)).toEqual(['account_age']);

    const key = newKey();
    const approved = await decide(t, finance, giftId, 'approve', key);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ id: giftId, status: 'approved', reviewedBy: finance.id });
    expect(approved.json().deliveredAt).not.toBeNull();
    expect(await balances(t, alice)).toEqual({ spendable: 900, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 100, held: 0 });
    expect(await received(bob)).toEqual([
      expect.objectContaining({ id: giftId, note: 'held one', status: 'approved' }),
    ]);
    expect(await mailsTo(bob)).toEqual([
      expect.objectContaining({
        subject: 'You received a gift of 100 credits',
        body: expect.stringContaining('held one'),
      }),
    ]);
    expect((await queue(finance)).map((gift) => gift.id)).not.toContain(giftId);
    expect(await auditActions(t, finance.id)).toContainEqual({
      action: 'gift.approved',
      target_type: 'gift',
      target_id: giftId,
      after: { status: 'approved', note: null },
    });

    const replay = await decide(t, finance, giftId, 'approve', key);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(approved.json());
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expectProblem(await decide(t, finance, giftId, 'approve'), 409, 'gift_already_resolved');
    expectProblem(await decide(t, admin, giftId, 'reject'), 409, 'gift_already_resolved');
    expect(await balances(t, alice)).toEqual({ spendable: 900, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 100, held: 0 });
    expect(await mailsTo(bob)).toHaveLength(1);
  });

  it('gives a rejected gift back to the sender, into the expiring credits it came from, and tells the sender', async () => {
    const [alice, bob] = [await member(t), await member(t)];
    const expiresAt = new Date(t.clock.now().getTime() + 7 * 86_400_000);
    await t.db.executeSql(
      `insert into credit_accounts (id, owner_id, kind, created_at) values (gen_random_uuid(), $1, 'spendable', $2)`,
      [alice.id, t.clock.now()],
    );
    await t.db.executeSql(
      `select credits_post(jsonb_build_array(jsonb_build_object(
         'debit', '00000000-0000-4000-8000-000000000002'::uuid,
         'credit', (select id from credit_accounts where owner_id = $1 and kind = 'spendable'),
         'amount', 80, 'kind', 'promotion', 'expiresAt', $2::timestamptz)), null, $3)`,
      [alice.id, expiresAt, t.clock.now()],
    );
    const held = await sendGift(t, alice, { recipientId: bob.id, amount: 50 });
    expect(held.statusCode, held.body).toBe(202);
    const lotRemaining = () =>
      count(
        t,
        `select sum(remaining)::int as n from credit_lots l join credit_accounts a on a.id = l.account_id where a.owner_id = $1`,
        [alice.id],
      );
    expect(await lotRemaining()).toBe(30);

    const rejected = await keyedReject(held.json().id, 'Looks like a farmed account.');
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      deliveredAt: null,
      reviewNote: 'Looks like a farmed account.',
    });
    expect(await balances(t, alice)).toEqual({ spendable: 80, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 0, held: 0 });
    expect(await lotRemaining()).toBe(80);
    expect(await received(bob)).toEqual([]);
    expect(await mailsTo(bob)).toEqual([]);
    expect(await mailsTo(alice)).toEqual([
      expect.objectContaining({ subject: 'Your gift was not delivered' }),
    ]);
    expect(await auditActions(t, admin.id)).toContainEqual(
      expect.objectContaining({ action: 'gift.rejected', target_id: held.json().id }),
    );
    expectProblem(await decide(t, finance, held.json().id, 'approve'), 409, 'gift_already_resolved');
  });

  function keyedReject(giftId: string, note: string) {
    return t.app.inject({
      method: 'POST',
      url: `/admin/gifts/${giftId}/reject`,
      headers: { ...admin.headers, 'idempotency-key': newKey() },
      payload: { note },
    });
  }

  it('resolves a gift once when an approval and a rejection race', async () => {
    const { alice, bob, giftId } = await heldGift(70);
    const answers = await Promise.all([
      decide(t, finance, giftId, 'approve'),
      decide(t, admin, giftId, 'reject'),
      decide(t, finance, giftId, 'approve'),
    ]);
    const statuses = answers.map((answer) => answer.statusCode).sort();
    expect(statuses).toEqual([200, 409, 409]);
    const winner = answers.find((answer) => answer.statusCode === 200)?.json().status;
    const moved = await count(
      t,
      "select count(*)::int as n from credit_transfers where memo ->> 'giftId' = $1",
      [giftId],
    );
    expect(moved).toBe(2); // the hold, and one resolution
    expect(await balances(t, alice)).toEqual({ spendable: winner === 'approved' ? 930 : 1_000, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: winner === 'approved' ? 70 : 0, held: 0 });
  });
});

describe('who may review', () => {
  it('refuses fans and creators the review queue and the decisions (403), and the gift stays held', async () => {
    const { alice, bob, giftId } = await heldGift(20);
    const creator = await member(t, 'creator');
    for (const user of [alice, bob, creator]) {
      const list = await t.app.inject({ method: 'GET', url: '/admin/gifts', headers: user.headers });
      expectProblem(list, 403, 'permission_denied');
      expectProblem(await decide(t, user, giftId, 'approve'), 403, 'permission_denied');
      expectProblem(await decide(t, user, giftId, 'reject'), 403, 'permission_denied');
    }
    expect((await queue(admin)).map((gift) => gift.id)).toContain(giftId);
    expect(await balances(t, alice)).toEqual({ spendable: 980, held: 20 });
  });

  it('answers 404 for an unknown gift, and refuses staff a decision on their own gift', async () => {
    expectProblem(
      await decide(t, finance, '00000000-0000-4000-8000-00000000dead', 'approve'),
      404,
      'gift_not_found',
    );
    expectProblem(await decide(t, finance, 'not-a-uuid', 'approve'), 400, undefined, '/params/giftId');
    const superadmin = await staff(t, 'superadmin');
    const bob = await member(t);
    await fund(t, superadmin, 50);
    const held = await sendGift(t, superadmin, { recipientId: bob.id, amount: 10 });
    expect(held.statusCode, held.body).toBe(202);
    expectProblem(await decide(t, superadmin, held.json().id, 'approve'), 403, 'gift_review_own');
    expect(await balances(t, bob)).toEqual({ spendable: 0, held: 0 });
  });
});

describe('staff on their own gifts', () => {
  it('refuses finance and admin a decision on a gift sent to them or sent by them before they became staff', async () => {
    const [alice, carol, bob] = [await member(t), await member(t), await member(t)];
    await fund(t, alice, 100);
    await fund(t, carol, 100);
    const toFinance = await sendGift(t, alice, { recipientId: finance.id, amount: 10 });
    const toAdmin = await sendGift(t, alice, { recipientId: admin.id, amount: 20 });
    const byCarol = await sendGift(t, carol, { recipientId: bob.id, amount: 30 });
    for (const held of [toFinance, toAdmin, byCarol]) expect(held.statusCode, held.body).toBe(202);
    await t.db.executeSql("update auth_users set role = 'admin' where id = $1", [carol.id]);
    await advance(t, 0, [carol]); // signed in again, now as admin

    const ownGifts: Array<[TestUser, string]> = [
      [finance, toFinance.json().id],
      [admin, toAdmin.json().id],
      [carol, byCarol.json().id],
    ];
    for (const [reviewer, giftId] of ownGifts) {
      for (const decision of ['approve', 'reject'] as const) {
        expectProblem(await decide(t, reviewer, giftId, decision), 403, 'gift_review_own');
      }
    }
    const pending = (await queue(admin)).map((gift) => gift.id);
    for (const [, giftId] of ownGifts) expect(pending).toContain(giftId);
    expect(await balances(t, alice)).toEqual({ spendable: 70, held: 30 });
    expect(await balances(t, carol)).toEqual({ spendable: 70, held: 30 });
    for (const recipient of [finance, admin, bob]) {
      expect(await balances(t, recipient)).toEqual({ spendable: 0, held: 0 });
    }
    // Another staff member may decide: the refusal is about the reviewer, not the gift.
    expect((await decide(t, admin, toFinance.json().id, 'approve')).statusCode).toBe(200);
    expect((await decide(t, finance, toAdmin.json().id, 'reject')).statusCode).toBe(200);
    expect((await decide(t, finance, byCarol.json().id, 'reject')).statusCode).toBe(200);
    expect(await balances(t, finance)).toEqual({ spendable: 10, held: 0 });
    expect(await balances(t, alice)).toEqual({ spendable: 90, held: 0 });
    expect(await balances(t, carol)).toEqual({ spendable: 100, held: 0 });
  });
});

describe('a decision on a frozen account', () => {
  const setFrozen = (user: Member, frozen: boolean) =>
    t.db.executeSql('update credit_accounts set frozen = $1 where owner_id = $2', [frozen, user.id]);

  it('leaves the gift held (423), and the same request succeeds once the account is unfrozen', async () => {
    const { alice, bob, giftId } = await heldGift(40);
    await fund(t, bob, 1); // opens bob's account, so the freeze reaches it
    await setFrozen(bob, true);
    const key = newKey();
    expectProblem(await decide(t, finance, giftId, 'approve', key), 423, 'account_frozen');
    expectProblem(await decide(t, finance, giftId, 'approve', key), 423, 'account_frozen');
    expect((await queue(finance)).map((gift) => gift.id)).toContain(giftId);
    expect(await balances(t, alice)).toEqual({ spendable: 960, held: 40 });

    await setFrozen(bob, false);
    const approved = await decide(t, finance, giftId, 'approve', key);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.headers['idempotent-replayed']).toBeUndefined();
    expect(approved.json()).toMatchObject({ id: giftId, status: 'approved' });
    expect(await balances(t, alice)).toEqual({ spendable: 960, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 41, held: 0 });
  });

  it('lets a rejection refused while the sender was frozen be made again with the same key', async () => {
    const { alice, giftId } = await heldGift(25);
    await setFrozen(alice, true);
    const key = newKey();
    expectProblem(await decide(t, admin, giftId, 'reject', key), 423, 'account_frozen');
    await setFrozen(alice, false);
    const rejected = await decide(t, admin, giftId, 'reject', key);
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ id: giftId, status: 'rejected' });
    expect(await balances(t, alice)).toEqual({ spendable: 1_000, held: 0 });
  });
});

describe('the ledger', () => {
  it('matches every gift: one move per delivered gift, a hold and one resolution per reviewed one, and stays sound', async () => {
    for (const gift of await queue(admin)) {
      expect((await decide(t, admin, gift.id, 'reject')).statusCode).toBe(200);
    }
    const { rows } = await t.db.executeSql(
      `select g.id, g.status, string_agg(t.kind, ',' order by t.id) as kinds,
              bool_and(t.amount = g.amount) as amounts_match
       from gifts g join credit_transfers t on t.memo ->> 'giftId' = g.id::text
       group by g.id, g.status`,
    );
    const expected: Record<string, string> = {
      sent: 'gift',
      approved: 'gift_hold,gift',
      rejected: 'gift_hold,gift_return',
    };
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows as Array<{ status: string; kinds: string; amounts_match: boolean }>) {
      expect(row.kinds, JSON.stringify(row)).toBe(expected[row.status]);
      expect(row.amounts_match).toBe(true);
    }
    await ledgerChecker(t.db).assertSound();
  });
});
