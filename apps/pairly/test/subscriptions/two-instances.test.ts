// Two app instances on one database (as a deployment behind a load balancer runs): renewal jobs sent
// to both at once, plus a renewal run of a third worker, charge each due period once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PairlyTestApp } from '../support/pairly-client.js';
import {
  balanceOf,
  buildSubscriptionTestApp,
  cast,
  chargesOf,
  moveTo,
  renewalWorker,
  runRenewals,
  subscribed,
} from './support.js';

let first: PairlyTestApp;
let second: PairlyTestApp;
beforeAll(async () => {
  first = await buildSubscriptionTestApp();
  second = await buildSubscriptionTestApp({}, { peerOf: first });
});
afterAll(async () => {
  await second.close();
  await first.close();
});

it('charges each period once when both instances run the renewal job at the same time', async () => {
  first.clock.set('2026-05-10T08:00:00.000Z');
  const casts = await Promise.all([cast(first, 100), cast(first, 100)]);
  const subs = await Promise.all(casts.map(({ fan, creator }) => subscribed(first, fan, creator.id)));
  await moveTo(
    first,
    '2026-06-10T08:00:00.000Z',
    casts.flatMap(({ fan, creator }) => [fan, creator]),
  );
  await Promise.all([
    runRenewals(first, second),
    runRenewals(second, first),
    renewalWorker(first).renewDue(),
  ]);
  for (const [index, { fan, creator }] of casts.entries()) {
    expect((await balanceOf(first, fan)).spendable).toBe(800);
    expect((await balanceOf(second, creator)).earnings).toBe(160);
    expect(await chargesOf(first, subs[index]?.id as string)).toEqual([0, 1]);
  }
}, 120_000);
