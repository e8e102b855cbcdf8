// Daily gift limits (issue 14): per sender and UTC day, at most `dailyCount` gifts and `dailyAmount`
// credits; over a limit is a 429 naming it, with Retry-After until the next UTC midnight, audited,
// and nothing moves. Concurrent gifts of one sender are judged one at a time under a lock on the
// sender, so a race cannot pass a limit together. The fake clock starts at 2026-01-01T00:00Z.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let t: PairlyTestApp;

beforeAll(async () => {
  t = await buildGiftTestApp({ ...QUIET_RULES, dailyCount: 5, dailyAmount: 1_000 });
});
afterAll(async () => t?.close());

const giftsSentBy = (user: Member) =>
  count(t, 'select count(*)::int as n from gifts where sender_id = $1', [user.id]);

describe('daily gift limits', () => {
  it('allows five gifts a day, refuses the sixth with a 429 until the next UTC midnight, then allows again', async () => {
    const [alice, bob] = [await member(t), await member(t)];
    await fund(t, alice, 1_000);
    await advance(t, 6 * 3_600_000, [alice]); // 06:00Z: the limit resets in 18 hours
    for (let i = 0; i < 5; i++)
      expect((await sendGift(t, alice, { recipientId: bob.id, amount: 10 })).statusCode).toBe(201);

    const refused = await sendGift(t, alice, { recipientId: bob.id, amount: 10 });
    expectProblem(refused, 429, 'gift_daily_count_exceeded');
    expect(refused.json().detail).toContain('resets at 2026-01-02T00:00:00.000Z');
    expect(refused.headers['retry-after']).toBe(String(18 * 3_600));
    expect(await balances(t, alice)).toEqual({ spendable: 950, held: 0 });
    expect(await giftsSentBy(alice)).toBe(5);
    expect((await auditActions(t, alice.id)).at(-1)).toMatchObject({
      action: 'gift.refused',
      target_id: bob.id,
      after: { amount: 10, rule: 'daily_count' },
    });

    await advance(t, 18 * 3_600_000, [alice]);
    expect((await sendGift(t, alice, { recipientId: bob.id, amount: 10 })).statusCode).toBe(201);
    expect(await balances(t, alice)).toEqual({ spendable: 940, held: 0 });
  });

  it('allows gifts up to 1,000 credits a day and refuses one credit more', async () => {
    const [alice, bob] = [await member(t), await member(t)];
    await fund(t, alice, 5_000);
    expect((await sendGift(t, alice, { recipientId: bob.id, amount: 600 })).statusCode).toBe(201);
    expect((await sendGift(t, alice, { recipientId: bob.id, amount: 400 })).statusCode).toBe(201);
    const refused = await sendGift(t, alice, { recipientId: bob.id, amount: 1 });
    expectProblem(refused, 429, 'gift_daily_amount_exceeded');
    expectProblem(await sendGift(t, alice, { recipientId: (await member(t)).id, amount: 1 }), 429);
    expect(await balances(t, alice)).toEqual({ spendable: 4_000, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 1_000, held: 0 });
  });

  it('lets exactly five of twenty concurrent gifts through the count limit', async () => {
    const [alice, bob] = [await member(t), await member(t)];
    await fund(t, alice, 1_000);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => sendGift(t, alice, { recipientId: bob.id, amount: 7 })),
    );
    const statuses = answers.map((answer) => answer.statusCode).sort();
    expect(statuses).toEqual([...Array(5).fill(201), ...Array(15).fill(429)]);
    expect(await balances(t, alice)).toEqual({ spendable: 1_000 - 35, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 35, held: 0 });
    expect(await giftsSentBy(alice)).toBe(5);
  });

  it('lets exactly two of ten concurrent 400-credit gifts through the amount limit', async () => {
    const [alice, bob] = [await member(t), await member(t)];
    await fund(t, alice, 10_000);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => sendGift(t, alice, { recipientId: bob.id, amount: 400 })),
    );
    const refused = answers.filter((answer) => answer.statusCode === 429);
    expect(answers.filter((answer) => answer.statusCode === 201)).toHaveLength(2);
    expect(refused).toHaveLength(8);
    for (const answer of refused) expect(answer.json().code).toBe('gift_daily_amount_exceeded');
    expect(await balances(t, alice)).toEqual({ spendable: 9_200, held: 0 });
    expect(await giftsSentBy(alice)).toBe(2);
  });
});
