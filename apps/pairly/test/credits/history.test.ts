// A user's credits history: every movement of each of their accounts, newest first, its amount
// signed from that account with the balance right after it and the other side named; a cursor
// that walks every entry exactly once (new movements arriving meanwhile included); and the kind,
// account and time-window filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPairlyTestApp,
  keyed,
  type PairlyTestApp,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';
import { grant, hold } from './http-support.js';

let t: PairlyTestApp;
let finance: TestUser;

beforeAll(async () => {
  t = await buildPairlyTestApp();
  finance = await signUp(t, 'finance');
});
afterAll(async () => t?.close());

interface Entry {
  id: number;
  kind: string;
  amount: number;
  account: string;
  balanceAfter: number;
  counterparty: string;
  memo: Record<string, unknown> | null;
  createdAt: string;
}

async function page(user: TestUser, query = '') {
  const response = await t.app.inject({
    method: 'GET',
    url: `/credits/transactions${query ? `?${query}` : ''}`,
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { items: Entry[]; nextCursor: string | null };
}

/** Every entry, following the cursor `limit` at a time. */
async function walk(user: TestUser, limit: number, filters = '') {
  const seen: Entry[] = [];
  let cursor: string | null = null;
  do {
    const query = [`limit=${limit}`, filters, cursor ? `cursor=${cursor}` : ''].filter(Boolean).join('&');
    const next = await page(user, query);
    expect(next.items.length).toBeLessThanOrEqual(limit);
    seen.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor);
  return seen;
}

const view = (entry: Entry) => [
  entry.kind,
  entry.account,
  entry.amount,
  entry.balanceAfter,
  entry.counterparty,
];

describe('credits history', () => {
  it('is empty for a user who never had credits', async () => {
    expect(await page(await signUp(t, 'fan'))).toEqual({ items: [], nextCursor: null });
  });

  it('shows each movement from the account it touched, newest first, with the other side', async () => {
    const fan = await signUp(t, 'fan');
    const creator = await signUp(t, 'creator');
    await grant(t, finance, fan, 100);
    const { id } = await hold(t, fan, 30);
    await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/transfers',
      payload: { fromUserId: fan.id, toUserId: creator.id, amount: 20, to: 'earnings', reason: 'x' },
    });
    await keyed(t, finance, {
      method: 'POST',
      url: `/admin/credits/holds/${id}/capture`,
      payload: { amount: 10, to: { system: 'platform_fees' }, reason: 'x' },
    });

    const { items } = await page(fan);
    expect(items.map(view)).toEqual([
      ['hold_release', 'spendable', 20, 70, fan.id],
      ['hold_release', 'held', -20, 0, fan.id],
      ['hold_capture', 'held', -10, 20, 'system:platform_fees'],
      ['transfer', 'spendable', -20, 50, creator.id],
      ['hold', 'held', 30, 30, fan.id],
      ['hold', 'spendable', -30, 70, fan.id],
      ['purchase', 'spendable', 100, 100, 'system:purchases'],
    ]);
    expect(items[0]?.memo).toEqual({ holdId: id });
    expect(items.at(-1)?.memo).toBeNull();
    expect(items.every((entry) => entry.createdAt === t.clock.now().toISOString())).toBe(true);
    expect((await page(creator)).items.map(view)).toEqual([['transfer', 'earnings', 20, 20, fan.id]]);
  });

  it('walks every entry exactly once with the cursor, whatever the page size', async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 1000);
    for (let n = 1; n <= 6; n++) await hold(t, fan, n);
    const all = (await page(fan, 'limit=100')).items;
    expect(all).toHaveLength(13);
    for (const limit of [1, 2, 3, 5]) expect(await walk(fan, limit)).toEqual(all);
  });

  it('continues where it stopped when new movements arrive between pages', async () => {
    const fan = await signUp(t, 'fan');
    await grant(t, finance, fan, 10);
    await grant(t, finance, fan, 20);
    await grant(t, finance, fan, 30);
    const first = await page(fan, 'limit=2');
    expect(first.items.map((entry) => entry.amount)).toEqual([30, 20]);
    await grant(t, finance, fan, 40);
    const second = await page(fan, `limit=2&cursor=${first.nextCursor}`);
    expect(second).toEqual({ items: [expect.objectContaining({ amount: 10 })], nextCursor: null });
  });

  it('filters by kind, by account and by a time window (since inclusive, until exclusive)', async () => {
    const fan = await signUp(t, 'fan');
    const start = t.clock.now();
    await grant(t, finance, fan, 100);
    t.clock.advance(60_000);
    const middle = t.clock.now();
    await grant(t, finance, fan, 50, { source: 'refund' });
    await hold(t, fan, 25);
    t.clock.advance(60_000);
    const end = t.clock.now();
    await grant(t, finance, fan, 5, { source: 'promotion' });

    const kinds = async (query: string) => (await page(fan, query)).items.map((entry) => entry.kind);
    expect(await kinds('kind=refund')).toEqual(['refund']);
    expect(await kinds('account=held')).toEqual(['hold']);
    expect(await kinds('account=earnings')).toEqual([]);
    expect(await kinds(`since=${middle.toISOString()}&until=${end.toISOString()}`)).toEqual([
      'hold',
      'hold',
      'refund',
    ]);
    expect(await kinds(`until=${middle.toISOString()}`)).toEqual(['purchase']);
    expect(await kinds(`since=${end.toISOString()}`)).toEqual(['promotion']);
    expect(await kinds(`since=${start.toISOString()}&kind=hold&account=spendable`)).toEqual(['hold']);
    expect((await walk(fan, 1, 'account=spendable')).map((entry) => entry.kind)).toEqual([
      'promotion',
      'hold',
      'refund',
      'purchase',
    ]);
  });

  it('shows credits that expired as a movement to system:expiry', async () => {
    const fan = await signUp(t, 'fan');
    const soon = new Date(t.clock.now().getTime() + 60_000).toISOString();
    await grant(t, finance, fan, 100, { source: 'promotion', expiresAt: soon });
    await grant(t, finance, fan, 50);
    t.clock.advance(120_000);
    await hold(t, fan, 10);
    const { items } = await page(fan, 'account=spendable');
    expect(items.map(view)).toEqual([
      ['hold', 'spendable', -10, 40, fan.id],
      ['expiry', 'spendable', -100, 50, 'system:expiry'],
      ['purchase', 'spendable', 50, 150, 'system:purchases'],
      ['promotion', 'spendable', 100, 100, 'system:promotions'],
    ]);
    expect(items[1]?.memo).toEqual({ lotId: expect.any(Number) });
  });

  it("lets staff list a user's history with the same filters", async () => {
    const creator = await signUp(t, 'creator');
    await grant(t, finance, creator, 9, { reason: 'Welcome bonus' });
    const response = await t.app.inject({
      method: 'GET',
      url: `/admin/credits/users/${creator.id}/transactions?account=spendable&limit=1`,
      headers: finance.headers,
    });
    expect(response.json()).toEqual({
      items: [expect.objectContaining({ amount: 9, memo: { reason: 'Welcome bonus' } })],
      nextCursor: null,
    });
  });
});
