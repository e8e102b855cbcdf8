// The renewal job: each period is charged exactly once (the job run twice, two runs at once, two
// instances), at the renewal price, keeping the anchor day (Jan 31 -> Feb 28 -> Mar 31); a renewal
// short of credits goes past_due (mailed once) and is retried until the grace ends, succeeding
// after a top-up or lapsing (mailed); a cancelled subscription ends at its period end uncharged.
// (two-instances.test.ts runs the job on two app instances sharing a database.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PairlyTestApp, signUp } from '../support/pairly-client.js';
import {
  act,
  balanceOf,
  buildSubscriptionTestApp,
  cast,
  chargesOf,
  DAY,
  mails,
  makeProfile,
  moveTo,
  mySubscription,
  renewalWorker,
  runRenewals,
  subscribed,
  topUp,
} from './support.js';

let t: PairlyTestApp;
beforeAll(async () => {
  t = await buildSubscriptionTestApp();
});
afterAll(() => t.close());

describe('renewal', () => {
  it('charges each period once however often the job runs, keeping the anchor day', async () => {
    t.clock.set('2026-01-31T12:00:00.000Z');
    const { fan, creator } = await cast(t, 100);
    const sub = await subscribed(t, fan, creator.id);

    await moveTo(t, '2026-02-28T12:00:00.000Z', [fan, creator]);
    await runRenewals(t);
    await runRenewals(t);
    expect(await mySubscription(t, fan, sub.id)).toMatchObject({
      status: 'active',
      currentPeriodStart: '2026-02-28T12:00:00.000Z',
      currentPeriodEnd: '2026-03-31T12:00:00.000Z',
    });
    expect((await balanceOf(t, fan)).spendable).toBe(800);
    expect((await balanceOf(t, creator)).earnings).toBe(160);

    // Not due again before the period ends.
    await moveTo(t, '2026-03-31T11:59:59.000Z', [fan, creator]);
    await runRenewals(t);
    expect((await balanceOf(t, fan)).spendable).toBe(800);
    await moveTo(t, '2026-03-31T12:00:00.000Z', [fan, creator]);
    await runRenewals(t);
    expect((await mySubscription(t, fan, sub.id)).currentPeriodEnd).toBe('2026-04-30T12:00:00.000Z');
    expect((await balanceOf(t, fan)).spendable).toBe(700);
    expect(await chargesOf(t, sub.id)).toEqual([0, 1, 2]);
  });

  it('charges once when runs go at once (two workers, as two instances run it, and the job)', async () => {
    t.clock.set('2026-05-10T08:00:00.000Z');
    const casts = await Promise.all([cast(t, 100), cast(t, 100), cast(t, 100)]);
    const subs = await Promise.all(casts.map(({ fan, creator }) => subscribed(t, fan, creator.id)));
    await moveTo(
      t,
      '2026-06-10T08:00:00.000Z',
      casts.map((c) => c.fan),
    );
    const [one, two] = [renewalWorker(t), renewalWorker(t)];
    await Promise.all([one.renewDue(), two.renewDue(), one.renewDue()]);
    for (const sub of subs) expect(await chargesOf(t, sub.id)).toEqual([0, 1]);
    await moveTo(
      t,
      '2026-07-10T08:00:00.000Z',
      casts.map((c) => c.fan),
    );
    await Promise.all([runRenewals(t), renewalWorker(t).renewDue(), renewalWorker(t).renewDue()]);
    for (const [index, { fan }] of casts.entries()) {
      expect((await balanceOf(t, fan)).spendable).toBe(700);
      expect(await chargesOf(t, subs[index]?.id as string)).toEqual([0, 1, 2]);
    }
  });

  it('goes past_due when credits are short, keeps access, and renews after a top-up within the grace', async () => {
    t.clock.set('2026-03-01T00:00:00.000Z');
    const { fan, creator, finance } = await cast(t, 300, 300);
    const sub = await subscribed(t, fan, creator.id);
    await moveTo(t, '2026-04-01T00:00:00.000Z', [fan, creator, finance]);
    await runRenewals(t);
    await runRenewals(t);
    expect(await mySubscription(t, fan, sub.id)).toMatchObject({
      status: 'past_due',
      graceUntil: '2026-04-04T00:00:00.000Z',
      accessUntil: '2026-04-04T00:00:00.000Z',
    });
    const failed = (await mails(t, fan)).filter((m) => m.subject.includes('could not be renewed'));
    expect(failed).toHaveLength(1);

    await moveTo(t, 2 * DAY, [fan, finance]);
    await topUp(t, finance, fan, 300);
    await runRenewals(t);
    // The period runs from the previous period end, whenever it was paid.
    expect(await mySubscription(t, fan, sub.id)).toMatchObject({
      status: 'active',
      graceUntil: null,
      currentPeriodStart: '2026-04-01T00:00:00.000Z',
      currentPeriodEnd: '2026-05-01T00:00:00.000Z',
    });
    expect((await balanceOf(t, fan)).spendable).toBe(0);
    expect(await chargesOf(t, sub.id)).toEqual([0, 1]);
  });

  it('lapses once the grace is over, mails the fan, and charges nothing', async () => {
    t.clock.set('2026-03-01T00:00:00.000Z');
    const { fan, creator } = await cast(t, 300, 300);
    const sub = await subscribed(t, fan, creator.id);
    await moveTo(t, '2026-04-01T00:00:00.000Z', [fan]);
    await runRenewals(t);
    await moveTo(t, '2026-04-03T23:59:00.000Z', [fan]);
    await runRenewals(t);
    expect((await mySubscription(t, fan, sub.id)).status).toBe('past_due');
    await moveTo(t, '2026-04-04T00:00:00.000Z', [fan]);
    await runRenewals(t);
    expect(await mySubscription(t, fan, sub.id)).toMatchObject({
      status: 'lapsed',
      endReason: 'lapsed',
      endedAt: '2026-04-04T00:00:00.000Z',
      accessUntil: null,
    });
    expect((await mails(t, fan)).map((m) => m.subject)).toEqual(
      expect.arrayContaining([expect.stringContaining('has lapsed')]),
    );
    expect(await chargesOf(t, sub.id)).toEqual([0]);
    // A lapsed subscription is over: a new one may be taken out.
    const live = await t.app.inject({ method: 'GET', url: '/subscriptions', headers: fan.headers });
    expect(live.json().items).toEqual([]);
  });

  it('ends a cancelled subscription at its period end without charging; resume before the end keeps it renewing', async () => {
    t.clock.set('2026-08-15T10:00:00.000Z');
    const { fan, creator } = await cast(t, 100);
    const other = await signUp(t, 'creator');
    await makeProfile(t, other, 100);
    const cancelled = await subscribed(t, fan, creator.id);
    const resumed = await subscribed(t, fan, other.id);
    expect((await act(t, fan, cancelled.id, 'cancel')).statusCode).toBe(200);
    expect((await act(t, fan, resumed.id, 'cancel')).statusCode).toBe(200);
    await moveTo(t, 10 * DAY, [fan]);
    expect((await act(t, fan, resumed.id, 'resume')).statusCode).toBe(200);

    await moveTo(t, '2026-09-15T10:00:00.000Z', [fan]);
    await runRenewals(t);
    expect(await mySubscription(t, fan, cancelled.id)).toMatchObject({
      status: 'ended',
      endReason: 'cancelled',
      endedAt: '2026-09-15T10:00:00.000Z',
    });
    expect((await mySubscription(t, fan, resumed.id)).status).toBe('active');
    expect(await chargesOf(t, cancelled.id)).toEqual([0]);
    expect(await chargesOf(t, resumed.id)).toEqual([0, 1]);
    expect((await balanceOf(t, fan)).spendable).toBe(700);
    // Too late to resume an ended one.
    const late = await act(t, fan, cancelled.id, 'resume');
    expect(late.statusCode).toBe(409);
  });
});
