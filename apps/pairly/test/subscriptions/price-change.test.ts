// A creator's price change: an increase applies from the first renewal at least priceNoticeDays
// (7) after the change (a sooner renewal keeps the old price one more period), a decrease from the
// next renewal; subscribers are told by mail with the date. No price any more: subscriptions end at
// their period end, uncharged, and cannot be resumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PairlyTestApp } from '../support/pairly-client.js';
import {
  act,
  balanceOf,
  buildSubscriptionTestApp,
  cast,
  changePrice,
  chargesOf,
  DAY,
  mails,
  moveTo,
  mySubscription,
  runRenewals,
  subscribed,
} from './support.js';

let t: PairlyTestApp;
beforeAll(async () => {
  t = await buildSubscriptionTestApp();
});
afterAll(() => t.close());

describe('price changes', () => {
  it('charge an increase from the first renewal after the notice, and mail the subscriber', async () => {
    t.clock.set('2026-01-01T00:00:00.000Z');
    const { fan, creator } = await cast(t, 100);
    const sub = await subscribed(t, fan, creator.id);
    // Five days before the renewal on Feb 1: less than the 7 days' notice.
    await moveTo(t, '2026-01-27T00:00:00.000Z', [fan, creator]);
    await changePrice(t, creator, 150);
    expect(await mySubscription(t, fan, sub.id)).toMatchObject({
      price: 100,
      nextPrice: 150,
      nextPriceFrom: '2026-02-03T00:00:00.000Z',
    });
    const notice = (await mails(t, fan)).find((m) => m.subject.includes('changed their subscription price'));
    expect(notice?.body).toContain('from 100 to 150 credits, from your renewal on 2026-03-01');

    await moveTo(t, '2026-02-01T00:00:00.000Z', [fan]);
    await runRenewals(t);
    expect(await mySubscription(t, fan, sub.id)).toMatchObject({ price: 100, nextPrice: 150 });
    expect((await balanceOf(t, fan)).spendable).toBe(800);
    await moveTo(t, '2026-03-01T00:00:00.000Z', [fan]);
    await runRenewals(t);
    expect(await mySubscription(t, fan, sub.id)).toMatchObject({
      price: 150,
      nextPrice: null,
      nextPriceFrom: null,
    });
    expect((await balanceOf(t, fan)).spendable).toBe(650);
  });

  it('charge a decrease from the next renewal', async () => {
    t.clock.set('2026-01-01T00:00:00.000Z');
    const { fan, creator } = await cast(t, 100);
    const sub = await subscribed(t, fan, creator.id);
    await moveTo(t, '2026-01-31T00:00:00.000Z', [fan, creator]);
    await changePrice(t, creator, 60);
    await moveTo(t, '2026-02-01T00:00:00.000Z', [fan]);
    await runRenewals(t);
    expect(await mySubscription(t, fan, sub.id)).toMatchObject({ price: 60, nextPrice: null });
    expect((await balanceOf(t, fan)).spendable).toBe(840);
  });

  it('end subscriptions at their period end when the creator stops offering them', async () => {
    t.clock.set('2026-01-01T00:00:00.000Z');
    const { fan, creator } = await cast(t, 100);
    const sub = await subscribed(t, fan, creator.id);
    await moveTo(t, 10 * DAY, [fan, creator]);
    await changePrice(t, creator, null);
    expect(await mySubscription(t, fan, sub.id)).toMatchObject({
      status: 'active',
      cancelAtPeriodEnd: true,
      endReason: 'not_offered',
      accessUntil: '2026-02-01T00:00:00.000Z',
    });
    expect((await mails(t, fan)).some((m) => m.subject.includes('no longer offers subscriptions'))).toBe(
      true,
    );
    const resumed = await act(t, fan, sub.id, 'resume');
    expect(resumed.statusCode).toBe(409);
    expect(resumed.json().code).toBe('subscriptions_not_offered');
    await moveTo(t, '2026-02-01T00:00:00.000Z', [fan]);
    await runRenewals(t);
    expect((await mySubscription(t, fan, sub.id)).status).toBe('ended');
    expect(await chargesOf(t, sub.id)).toEqual([0]);
    expect((await balanceOf(t, fan)).spendable).toBe(900);
  });
});
