// Expiring credits (issue 14, "Expiry"): the scheduled sweep, run through the app's own job runner
// with the fake clock, moves what is left of expired lots to the expiry account as ledger transfers
// (never before their expiry), spending takes the soonest-expiring credits first, the owner is told
// through the mail outbox and the log names only the user id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairlyDb } from '../../src/db.js';
import { SYSTEM_ACCOUNTS } from '../../src/modules/credits/ledger.js';
import { CREDIT_EXPIRY_QUEUE } from '../../src/modules/credits/sweeps.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  balanceOf,
  buildSweepTestApp,
  DAY,
  expiredAmounts,
  fromNow,
  MINUTE,
  runJob,
  type SweepTestApp,
  systemCall,
} from './sweep-support.js';

let s: SweepTestApp;
let t: PairlyTestApp;

beforeAll(async () => {
  s = await buildSweepTestApp();
  t = s.t;
});
afterAll(async () => {
  await t?.close();
});

async function grant(user: TestUser, amount: number, expiresInMs?: number): Promise<void> {
  await s.credits.add(systemCall(), {
    userId: user.id,
    amount,
    source: expiresInMs ? 'promotion' : 'purchase',
    ...(expiresInMs && { expiresAt: fromNow(t, expiresInMs) }),
  });
}

async function spend(user: TestUser, amount: number): Promise<void> {
  await s.credits.deduct(systemCall(), { userId: user.id, amount, reason: 'spent in a test' });
}

async function expiryAccountBalance(): Promise<number> {
  const row = await pairlyDb(t.db)
    .selectFrom('credit_accounts')
    .select('balance')
    .where('id', '=', SYSTEM_ACCOUNTS.expiry)
    .executeTakeFirstOrThrow();
  return row.balance;
}

async function mailsTo(user: TestUser) {
  return pairlyDb(t.db)
    .selectFrom('mail_outbox')
    .select(['subject', 'body'])
    .where('recipient', '=', user.email)
    .where('subject', 'like', '%expired%')
    .orderBy('id')
    .execute();
}

describe('issue 14: the expiry sweep', () => {
  it('moves expired credits to the expiry account after their expiry and not before', async () => {
    const fan = await signUp(t, 'fan');
    await grant(fan, 10, DAY);
    await grant(fan, 5);
    const expiryBefore = await expiryAccountBalance();

    t.clock.advance(DAY - MINUTE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await balanceOf(t, fan.id)).toBe(15);
    expect(await expiredAmounts(t, fan.id)).toEqual([]);

    t.clock.advance(2 * MINUTE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await balanceOf(t, fan.id)).toBe(5);
    expect(await expiredAmounts(t, fan.id)).toEqual([10]);
    expect(await expiryAccountBalance()).toBe(expiryBefore + 10);
    expect((await s.credits.balance(fan.id)).expiring).toEqual([]);

    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await expiredAmounts(t, fan.id)).toEqual([10]);
    expect(await balanceOf(t, fan.id)).toBe(5);
  });

  it('tells the owner through the mail outbox once, and logs the amount under the user id only', async () => {
    const fan = await signUp(t, 'fan');
    await grant(fan, 7, DAY);
    t.clock.advance(DAY + MINUTE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);

    const mails = await mailsTo(fan);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.body).toContain('7 credits');
    const lines = t.logs.lines.filter((line) => line.event === 'credits_expired' && line.userId === fan.id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', amount: 7, lots: 1 });
    expect(JSON.stringify(lines[0])).not.toContain(fan.email);
  });

  it('expires only what is left of a partly spent lot', async () => {
    const fan = await signUp(t, 'fan');
    await grant(fan, 10, DAY);
    await grant(fan, 5);
    await spend(fan, 4);
    expect((await s.credits.balance(fan.id)).expiring).toEqual([{ amount: 6, expiresAt: fromNow(t, DAY) }]);

    t.clock.advance(DAY + MINUTE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await expiredAmounts(t, fan.id)).toEqual([6]);
    expect(await balanceOf(t, fan.id)).toBe(5);
  });

  it('spends the soonest-expiring credits first, so the later lot is what expires', async () => {
    const fan = await signUp(t, 'fan');
    const later = fromNow(t, 2 * DAY);
    await grant(fan, 10, 2 * DAY);
    await grant(fan, 10, DAY);
    await grant(fan, 5);
    await spend(fan, 12);
    expect((await s.credits.balance(fan.id)).expiring).toEqual([{ amount: 8, expiresAt: later }]);

    t.clock.advance(DAY + MINUTE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await expiredAmounts(t, fan.id)).toEqual([]);
    expect(await balanceOf(t, fan.id)).toBe(13);

    t.clock.advance(DAY);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await expiredAmounts(t, fan.id)).toEqual([8]);
    expect(await balanceOf(t, fan.id)).toBe(5);
  });

  it('leaves a frozen account alone until it is unfrozen', async () => {
    const fan = await signUp(t, 'fan');
    await grant(fan, 9, DAY);
    await s.credits.setFrozen(systemCall(), { userId: fan.id, frozen: true });
    t.clock.advance(DAY + MINUTE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await balanceOf(t, fan.id)).toBe(9);

    await s.credits.setFrozen(systemCall(), { userId: fan.id, frozen: false });
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await expiredAmounts(t, fan.id)).toEqual([9]);
    expect(await balanceOf(t, fan.id)).toBe(0);
  });

  it('expires a lot once when the sweep and a spend reach it at the same time', async () => {
    const fans = await Promise.all([signUp(t, 'fan'), signUp(t, 'fan'), signUp(t, 'fan')]);
    for (const fan of fans) {
      await grant(fan, 10, DAY);
      await grant(fan, 3);
    }
    t.clock.advance(DAY + MINUTE);
    await Promise.all([runJob(t, CREDIT_EXPIRY_QUEUE), ...fans.map((fan) => spend(fan, 3))]);

    for (const fan of fans) {
      expect(await expiredAmounts(t, fan.id)).toEqual([10]);
      expect(await balanceOf(t, fan.id)).toBe(0);
    }
  });

  it('expires every due lot of an account with more lots than one transaction takes', async () => {
    const fan = await signUp(t, 'fan');
    for (let lot = 0; lot < 105; lot++) await grant(fan, 1, DAY + lot);
    t.clock.advance(DAY + MINUTE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await balanceOf(t, fan.id)).toBe(0);
    expect(await expiredAmounts(t, fan.id)).toHaveLength(105);
  });
});
