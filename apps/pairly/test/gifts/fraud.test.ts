// Gift fraud rules (issue 14), judged before any money moves: a young sender account, velocity, many
// recipients in a short time, and a recipient linked to the sender by device (same address and
// browser) or address. A rule that fires refuses the gift (403 `gift_refused`, the same answer for
// every rule, nothing moves; the rule is audited and logged for staff) or holds it for review (202,
// the amount held from the sender, the recipient not told; the sender is not told which rule).
// Each rule is shown firing with its defaults or, where that takes many gifts, a lowered threshold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_GIFT_RULES, type GiftFacts, judgeGift } from '../../src/modules/gifts/fraud.js';
import { expectProblem } from '../credits/http-support.js';
import type { PairlyTestApp } from '../support/pairly-client.js';
import {
  advance,
  auditActions,
  balances,
  buildGiftTestApp,
  count,
  fund,
  type Member,
  member,
  QUIET_RULES,
  sendGift,
} from './support.js';

const HOUR = 3_600_000;
/** What a gift's sender sees of a held gift: the gift and their balance, never why it was held. */
const RECEIPT_FIELDS = [
  'amount',
  'balanceAfter',
  'createdAt',
  'deliveredAt',
  'id',
  'note',
  'recipientId',
  'senderId',
  'status',
];
/** Words that would tell the sender which rule decided (and so where the recipient signs in from). */
const RULE_WORDS = /linked|device|address|browser|signed in|velocity|account_age|spread|reason|rule/i;
const mailsTo = (t: PairlyTestApp, user: Member) =>
  count(t, 'select count(*)::int as n from mail_outbox where recipient = $1', [user.email]);

describe('with the default rules', () => {
  let t: PairlyTestApp;
  beforeAll(async () => {
    t = await buildGiftTestApp({});
  });
  afterAll(async () => t?.close());

  it('holds a gift from an account younger than 24 hours for review, and delivers once it is older', async () => {
    const [alice, bob] = [await member(t), await member(t)];
    await fund(t, alice, 500);
    const held = await sendGift(t, alice, { recipientId: bob.id, amount: 200 });
    expect(held.statusCode, held.body).toBe(202);
    expect(held.json()).toMatchObject({ status: 'pending_review', deliveredAt: null, balanceAfter: 300 });
    expect(await balances(t, alice)).toEqual({ spendable: 300, held: 200 });
    expect(await balances(t, bob)).toEqual({ spendable: 0, held: 0 });
    expect(await mailsTo(t, bob)).toBe(0);
    expect(await auditActions(t, alice.id)).toEqual([
      expect.objectContaining({
        action: 'gift.held',
        target_id: held.json().id,
        after: expect.objectContaining({
          findings: [expect.objectContaining({ rule: 'account_age', outcome: 'review' })],
        }),
      }),
    ]);

    await advance(t, 24 * HOUR, [alice]);
    const sent = await sendGift(t, alice, { recipientId: bob.id, amount: 50 });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(await balances(t, bob)).toEqual({ spendable: 50, held: 0 });
  });

  it('holds a gift to a user signed in from the same address and browser like any held gift, naming no rule to the sender', async () => {
    const alice = await member(t, 'fan', { address: '203.0.113.7', userAgent: 'SharedPhone/1.0' });
    const bob = await member(t, 'fan', { address: '203.0.113.7', userAgent: 'SharedPhone/1.0' });
    await fund(t, alice, 500);
    await advance(t, 25 * HOUR, [alice]);
    const held = await sendGift(t, alice, { recipientId: bob.id, amount: 100 });
    expect(held.statusCode, held.body).toBe(202);
    expect(Object.keys(held.json()).sort()).toEqual(RECEIPT_FIELDS);
    expect(held.json()).toMatchObject({ status: 'pending_review', deliveredAt: null, balanceAfter: 400 });
    const sentList = await t.app.inject({
      method: 'GET',
      url: '/gifts?direction=sent',
      headers: alice.headers,
    });
    for (const seenBySender of [held.body, sentList.body]) expect(seenBySender).not.toMatch(RULE_WORDS);
    expect(await balances(t, alice)).toEqual({ spendable: 400, held: 100 });
    expect(await balances(t, bob)).toEqual({ spendable: 0, held: 0 });
    expect(await auditActions(t, alice.id)).toEqual([
      expect.objectContaining({
        action: 'gift.held',
        target_id: held.json().id,
        after: expect.objectContaining({
          findings: [
            expect.objectContaining({ rule: 'linked_device', outcome: 'review' }),
            expect.objectContaining({ rule: 'linked_address', outcome: 'review' }),
          ],
        }),
      }),
    ]);
  });

  it('holds a gift to a user signed in from the same address with another browser', async () => {
    const alice = await member(t, 'fan', { address: '203.0.113.8', userAgent: 'Laptop/2.0' });
    const bob = await member(t, 'fan', { address: '203.0.113.8', userAgent: 'Tablet/3.0' });
    await fund(t, alice, 500);
    await advance(t, 25 * HOUR, [alice]);
    const held = await sendGift(t, alice, { recipientId: bob.id, amount: 100 });
    expect(held.statusCode, held.body).toBe(202);
    expect((await auditActions(t, alice.id)).at(-1)?.after).toMatchObject({
      findings: [{ rule: 'linked_address', outcome: 'review' }],
    });
    expect(await balances(t, alice)).toEqual({ spendable: 400, held: 100 });
  });
});

describe('velocity: more than 3 gifts in 10 minutes', () => {
  let t: PairlyTestApp;
  beforeAll(async () => {
    t = await buildGiftTestApp({
      ...QUIET_RULES,
      velocity: { maxGifts: 3, windowMinutes: 10, outcome: 'refuse' },
    });
  });
  afterAll(async () => t?.close());

  it('refuses the fourth gift within 10 minutes and allows it once the first has left the window', async () => {
    const [alice, bob] = [await member(t), await member(t)];
    await fund(t, alice, 100);
    for (let i = 0; i < 3; i++) {
      expect((await sendGift(t, alice, { recipientId: bob.id, amount: 1 })).statusCode).toBe(201);
      t.clock.advance(60_000);
    }
    expectProblem(await sendGift(t, alice, { recipientId: bob.id, amount: 1 }), 403, 'gift_refused');
    expect(await balances(t, alice)).toEqual({ spendable: 97, held: 0 });
    await advance(t, 8 * 60_000, [alice]);
    expect((await sendGift(t, alice, { recipientId: bob.id, amount: 1 })).statusCode).toBe(201);
  });
});

describe('recipient spread: gifts to more than 2 people in an hour', () => {
  let t: PairlyTestApp;
  beforeAll(async () => {
    t = await buildGiftTestApp({
      ...QUIET_RULES,
      recipientSpread: { maxRecipients: 2, windowMinutes: 60, outcome: 'review' },
    });
  });
  afterAll(async () => t?.close());

  it('holds the gift to a third person for review; gifts to the first two are delivered', async () => {
    const alice = await member(t);
    const [bob, carol, dave] = [await member(t), await member(t), await member(t)];
    await fund(t, alice, 100);
    expect((await sendGift(t, alice, { recipientId: bob.id, amount: 10 })).statusCode).toBe(201);
    expect((await sendGift(t, alice, { recipientId: carol.id, amount: 10 })).statusCode).toBe(201);
    expect((await sendGift(t, alice, { recipientId: bob.id, amount: 10 })).statusCode).toBe(201);
    const held = await sendGift(t, alice, { recipientId: dave.id, amount: 10 });
    expect(held.statusCode, held.body).toBe(202);
    expect((await auditActions(t, alice.id)).at(-1)?.after).toMatchObject({
      findings: [{ rule: 'recipient_spread', outcome: 'review' }],
    });
    expect(await balances(t, alice)).toEqual({ spendable: 60, held: 10 });
    expect(await balances(t, dave)).toEqual({ spendable: 0, held: 0 });
  });
});

describe('refusals by a fraud rule: one answer for every rule', () => {
  let t: PairlyTestApp;
  beforeAll(async () => {
    t = await buildGiftTestApp({
      ...QUIET_RULES,
      velocity: { maxGifts: 1, windowMinutes: 10, outcome: 'refuse' },
      linked: { sameDevice: 'refuse', sameAddress: 'allow' },
    });
  });
  afterAll(async () => t?.close());

  /** The problem as the sender reads it, without what differs per request. */
  const seenBySender = (response: Awaited<ReturnType<typeof sendGift>>) => {
    const { instance: _instance, requestId: _requestId, ...problem } = response.json();
    return problem;
  };

  it('answers a refusal for a shared device exactly as one for velocity, and keeps the rule for staff', async () => {
    const alice = await member(t, 'fan', { address: '203.0.113.9', userAgent: 'SharedPhone/2.0' });
    const bob = await member(t, 'fan', { address: '203.0.113.9', userAgent: 'SharedPhone/2.0' });
    const carol = await member(t);
    await fund(t, alice, 100);

    const linked = await sendGift(t, alice, { recipientId: bob.id, amount: 5 });
    expectProblem(linked, 403, 'gift_refused');
    expect((await sendGift(t, alice, { recipientId: carol.id, amount: 5 })).statusCode).toBe(201);
    const tooFast = await sendGift(t, alice, { recipientId: carol.id, amount: 5 });
    expectProblem(tooFast, 403, 'gift_refused');

    expect(seenBySender(linked)).toEqual(seenBySender(tooFast));
    expect(linked.json().detail).toBe('This gift cannot be sent.');
    expect(linked.body).not.toMatch(RULE_WORDS);
    expect(await balances(t, alice)).toEqual({ spendable: 95, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 0, held: 0 });

    const refusals = (await auditActions(t, alice.id)).filter((row) => row.action === 'gift.refused');
    expect(refusals.map((row) => [row.target_id, (row.after as { rule: string }).rule])).toEqual([
      [bob.id, 'linked_device'],
      [carol.id, 'velocity'],
    ]);
    const logged = t.logs.lines.filter((line) => line.event === 'gift_refused' && line.senderId === alice.id);
    expect(logged.map((line) => [line.recipientId, line.rule])).toEqual([
      [bob.id, 'linked_device'],
      [carol.id, 'velocity'],
    ]);
  });
});

describe('judging (pure)', () => {
  const facts: GiftFacts = {
    now: new Date('2026-01-02T00:00:00Z'),
    amount: 10,
    senderCreatedAt: new Date('2025-01-01T00:00:00Z'),
    today: { amount: 0, count: 0 },
    recentGifts: 0,
    recentRecipients: 1,
    linked: { device: false, address: false },
  };

  it('allows a gift no rule fires on, and the strictest outcome of the rules that fire decides', () => {
    expect(judgeGift(facts, DEFAULT_GIFT_RULES)).toEqual({ outcome: 'allow', findings: [] });
    const young = { ...facts, senderCreatedAt: new Date('2026-01-01T12:00:00Z') };
    expect(judgeGift(young, DEFAULT_GIFT_RULES).outcome).toBe('review');
    const youngAndFast = { ...young, recentGifts: DEFAULT_GIFT_RULES.velocity.maxGifts };
    const verdict = judgeGift(youngAndFast, DEFAULT_GIFT_RULES);
    expect(verdict.outcome).toBe('refuse');
    expect(verdict.findings.map((finding) => finding.rule)).toEqual(['account_age', 'velocity']);
  });

  it('never fires a rule whose outcome is allow', () => {
    const linked = { ...facts, linked: { device: true, address: true } };
    expect(judgeGift(linked, DEFAULT_GIFT_RULES).findings.map((f) => f.rule)).toEqual([
      'linked_device',
      'linked_address',
    ]);
    const rules = {
      ...DEFAULT_GIFT_RULES,
      linked: { lookbackDays: 30, sameDevice: 'allow', sameAddress: 'allow' },
    } as const;
    expect(judgeGift(linked, rules)).toEqual({ outcome: 'allow', findings: [] });
  });
});
