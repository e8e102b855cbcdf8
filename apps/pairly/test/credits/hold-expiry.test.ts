// Forgotten holds (issue 14, holds): a pending hold past its expiry is released by the scheduled
// sweep exactly once, the full amount back where it came from and expiring credits back in their
// lots; a hold resolved by someone else first is skipped; a hold without an expiry is never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairlyDb } from '../../src/db.js';
import { createExpirySweep } from '../../src/modules/credits/expiry.js';
import { CREDIT_EXPIRY_QUEUE } from '../../src/modules/credits/sweeps.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  balanceOf,
  buildSweepTestApp,
  DAY,
  expiredAmounts,
  fromNow,
  HOUR,
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

async function fanWith(credits: number, expiresInMs?: number): Promise<TestUser> {
  const fan = await signUp(t, 'fan');
  await s.credits.add(systemCall(), {
    userId: fan.id,
    amount: credits,
    source: 'purchase',
    ...(expiresInMs && { expiresAt: fromNow(t, expiresInMs) }),
  });
  return fan;
}

async function hold(fan: TestUser, amount: number, expiresInMs?: number): Promise<string> {
  const held = await s.holds.hold(systemCall(), {
    userId: fan.id,
    amount,
    purpose: 'call',
    ...(expiresInMs && { expiresAt: fromNow(t, expiresInMs) }),
  });
  return held.body.id;
}

/** Transfers that gave (some of) the hold back to its owner. */
async function givenBack(holdId: string): Promise<number[]> {
  const rows = await pairlyDb(t.db)
    .selectFrom('credit_transfers')
    .select(['amount', 'memo'])
    .where('kind', '=', 'hold_release')
    .orderBy('id')
    .execute();
  const memoOf = (memo: unknown) =>
    (typeof memo === 'string' ? JSON.parse(memo) : memo) as { holdId?: string } | null;
  return rows.filter((row) => memoOf(row.memo)?.holdId === holdId).map((row) => row.amount);
}

/** A sweep of its own (as on another instance), on the app's database, clock and log. */
const holdSweep = () =>
  createExpirySweep({
    db: t.db,
    clock: t.clock,
    logger: t.app.platform.logger,
    mailer: { send: () => Promise.reject(new Error('releasing a hold sends no mail')) },
    holds: s.holds,
  });

describe('issue 14: forgotten holds', () => {
  it('releases a hold past its expiry once, giving the owner the whole amount back', async () => {
    const fan = await fanWith(20);
    const forgotten = await hold(fan, 15, 10 * MINUTE);
    const open = await hold(fan, 2);

    t.clock.advance(9 * MINUTE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect((await s.holds.get(forgotten, null)).status).toBe('pending');
    expect(await balanceOf(t, fan.id)).toBe(3);

    t.clock.advance(2 * MINUTE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await s.holds.get(forgotten, null)).toMatchObject({ status: 'released', captured: 0 });
    expect(await givenBack(forgotten)).toEqual([15]);
    expect(await balanceOf(t, fan.id)).toBe(18);
    expect(await balanceOf(t, fan.id, 'held')).toBe(2);
    expect((await s.holds.get(open, null)).status).toBe('pending');
    const lines = t.logs.lines.filter(
      (line) => line.event === 'credit_hold_expired' && line.holdId === forgotten,
    );
    expect(lines).toEqual([expect.objectContaining({ userId: fan.id, amount: 15 })]);
  });

  it('gives held expiring credits back to their lots', async () => {
    const fan = await fanWith(10, DAY);
    const expiresAt = fromNow(t, DAY);
    const forgotten = await hold(fan, 6, HOUR);
    expect((await s.credits.balance(fan.id)).expiring).toEqual([{ amount: 4, expiresAt }]);

    t.clock.advance(2 * HOUR);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect((await s.holds.get(forgotten, null)).status).toBe('released');
    expect((await s.credits.balance(fan.id)).expiring).toEqual([{ amount: 10, expiresAt }]);
  });

  it('expires, in the same run, credits given back to a lot that expired while they were held', async () => {
    const fan = await fanWith(10, HOUR);
    await hold(fan, 10, 2 * HOUR);

    t.clock.advance(3 * HOUR);
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await balanceOf(t, fan.id, 'held')).toBe(0);
    expect(await expiredAmounts(t, fan.id)).toEqual([10]);
    expect(await balanceOf(t, fan.id)).toBe(0);
  });

  it('skips a hold its owner captured first, moving nothing twice', async () => {
    const fan = await fanWith(20);
    const creator = await signUp(t, 'creator');
    const holdId = await hold(fan, 10, MINUTE);
    t.clock.advance(2 * MINUTE);
    // The owner's capture wins the race the sweep would otherwise have run.
    await s.holds.capture(systemCall(), {
      holdId,
      ownerId: null,
      amount: 4,
      to: { userId: creator.id, account: 'earnings' },
    });
    expect(await holdSweep().releaseExpiredHold(holdId)).toBe('skipped');
    await runJob(t, CREDIT_EXPIRY_QUEUE);
    expect(await s.holds.get(holdId, null)).toMatchObject({ status: 'captured', captured: 4 });
    expect(await givenBack(holdId)).toEqual([6]);
    expect(await balanceOf(t, fan.id)).toBe(16);
    expect(await balanceOf(t, fan.id, 'held')).toBe(0);
  });

  it('releases each hold once when several sweeps run at the same time', async () => {
    const fan = await fanWith(30);
    const holdIds = [await hold(fan, 10, MINUTE), await hold(fan, 10, MINUTE), await hold(fan, 10, MINUTE)];
    t.clock.advance(2 * MINUTE);
    const sweeps = [holdSweep(), holdSweep(), holdSweep()];

    const summaries = await Promise.all(sweeps.map((sweep) => sweep.releaseForgottenHolds()));
    expect(summaries.reduce((sum, summary) => sum + summary.released, 0)).toBe(3);
    for (const holdId of holdIds) expect(await givenBack(holdId)).toEqual([10]);
    expect(await balanceOf(t, fan.id)).toBe(30);
  });
});
