// The ban list on the key-value store: bans take effect, end on time or when lifted, a shorter ban
// never cuts a longer one, every instance (and a restarted one) sees them, and list() shows exactly
// the bans in force, even when many are issued at once. Memory on a fake clock, then Redis.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyValueStore, type KeyValueStore } from '../../src/kv/index.js';
import { createBanList } from '../../src/ratelimit/bans.js';
import { createFakeClock } from '../../src/testing/clock.js';

const HOUR = 3_600_000;

describe('ban list on the memory store', () => {
  async function setUp() {
    const clock = createFakeClock('2026-01-01T00:00:00.000Z');
    const kv = await createKeyValueStore({ clock });
    return { clock, kv, bans: createBanList(kv, { clock }) };
  }

  it('bans a client until the given time, then lets it back', async () => {
    const { clock, bans } = await setUp();
    const ban = await bans.ban('203.0.113.7', { durationMs: HOUR, reason: 'flood' });
    expect(ban).toEqual({ until: new Date('2026-01-01T01:00:00.000Z'), reason: 'flood' });
    expect(await bans.isBanned('203.0.113.7')).toEqual(ban);
    expect(await bans.isBanned('203.0.113.8')).toBeNull();
    clock.advance(HOUR - 1);
    expect(await bans.isBanned('203.0.113.7')).toEqual(ban);
    clock.advance(1);
    expect(await bans.isBanned('203.0.113.7')).toBeNull();
    expect(await bans.list()).toEqual([]);
  });

  it('lifts a ban at once, and says whether there was one', async () => {
    const { bans } = await setUp();
    await bans.ban('user:42', { durationMs: HOUR, reason: 'abuse' });
    expect(await bans.lift('user:42')).toBe(true);
    expect(await bans.isBanned('user:42')).toBeNull();
    expect(await bans.list()).toEqual([]);
    expect(await bans.lift('user:42')).toBe(false);
  });

  it('keeps a longer ban in force when a shorter one is issued, and extends a shorter one', async () => {
    const { bans } = await setUp();
    const week = await bans.ban('client', { durationMs: 7 * 24 * HOUR, reason: 'by an admin' });
    expect(await bans.ban('client', { durationMs: HOUR, reason: 'flood' })).toEqual(week);
    expect(await bans.isBanned('client')).toEqual(week);
    const month = await bans.ban('client', { durationMs: 30 * 24 * HOUR, reason: 'repeat offender' });
    expect(await bans.isBanned('client')).toEqual(month);
  });

  it('lists the bans in force, soonest to end first, leaving out those that ended', async () => {
    const { clock, bans } = await setUp();
    for (let i = 1; i <= 40; i += 1)
      await bans.ban(`client-${i}`, { durationMs: i * 60_000, reason: `r${i}` });
    const listed = await bans.list();
    expect(listed.map((ban) => ban.client)).toEqual(Array.from({ length: 40 }, (_, i) => `client-${i + 1}`));
    expect(listed[0]).toEqual({
      client: 'client-1',
      until: new Date('2026-01-01T00:01:00.000Z'),
      reason: 'r1',
    });
    clock.advance(30 * 60_000);
    expect((await bans.list()).map((ban) => ban.client)).toEqual(
      Array.from({ length: 10 }, (_, i) => `client-${i + 31}`),
    );
  });

  it('loses no ban from the list when instances ban many clients at the same moment', async () => {
    const { clock, kv } = await setUp();
    const instances = [createBanList(kv, { clock }), createBanList(kv, { clock })];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        instances[i % 2]!.ban(`bot-${i}`, { durationMs: HOUR, reason: 'flood' }),
      ),
    );
    expect(await instances[0]!.list()).toHaveLength(100);
  });

  it('is seen by a ban list created later on the same store, as after a restart', async () => {
    const { clock, kv, bans } = await setUp();
    const ban = await bans.ban('client', { durationMs: HOUR, reason: 'flood' });
    const restarted = createBanList(kv, { clock });
    expect(await restarted.isBanned('client')).toEqual(ban);
    expect(await restarted.list()).toEqual([{ client: 'client', ...ban }]);
  });

  it('refuses a duration that is not a positive whole number of milliseconds', async () => {
    const { bans } = await setUp();
    await expect(bans.ban('client', { durationMs: 0, reason: 'x' })).rejects.toThrow(RangeError);
    await expect(bans.ban('client', { durationMs: 1.5, reason: 'x' })).rejects.toThrow(RangeError);
    expect(await bans.isBanned('client')).toBeNull();
  });
});

const url = process.env.REDIS_URL;

describe.skipIf(!url)('ban list on Redis', () => {
  const keyPrefix = `bantest:${randomUUID()}:`;
  const stores: KeyValueStore[] = [];
  const open = async () => {
    const kv = await createKeyValueStore({ url: url ?? '', keyPrefix, onError: () => {} });
    stores.push(kv);
    return kv;
  };
  afterAll(async () => {
    await Promise.all(stores.map((kv) => kv.close()));
    const admin = new Redis(url ?? '');
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${keyPrefix}*`, count: 1_000 })) keys.push(...batch);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('is shared by instances on separate connections and survives a restart', async () => {
    const first = createBanList(await open());
    const ban = await first.ban('203.0.113.7', { durationMs: HOUR, reason: 'flood' });
    const second = createBanList(await open());
    expect(await second.isBanned('203.0.113.7')).toEqual(ban);
    expect(await second.list()).toEqual([{ client: '203.0.113.7', ...ban }]);
    expect(await second.lift('203.0.113.7')).toBe(true);
    expect(await first.isBanned('203.0.113.7')).toBeNull();
  });

  it('ends a ban when its time is up', async () => {
    const bans = createBanList(await open());
    await bans.ban('short', { durationMs: 150, reason: 'test' });
    expect(await bans.isBanned('short')).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await bans.isBanned('short')).toBeNull();
    expect(await bans.list()).toEqual([]);
  });

  it('loses no ban from the list when instances ban many clients at the same moment', async () => {
    const instances = [createBanList(await open()), createBanList(await open())];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        instances[i % 2]!.ban(`bot-${i}`, { durationMs: HOUR, reason: 'flood' }),
      ),
    );
    expect(await instances[0]!.list()).toHaveLength(100);
  });
});
