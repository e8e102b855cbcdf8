// Redis lease sets and readMany against the server at REDIS_URL: readMany is one command (one round
// trip) however many keys it reads, seen through MONITOR; leases are timed by the Redis server's
// clock, not the client's; keys carry the store's prefix; expired members are removed on the server.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKeyValueStore, type KeyValueStore } from '../../src/kv/index.js';

const url = process.env.REDIS_URL;
const run = `kvlease:${randomUUID()}:`;
let stores = 0;
const DAY_MS = 86_400_000;

describe.skipIf(!url)('redis lease sets and readMany', () => {
  let admin: Redis;
  const opened: KeyValueStore[] = [];

  async function open() {
    const keyPrefix = `${run}${++stores}:`;
    const store = await createKeyValueStore({ url: url ?? '', keyPrefix, onError: () => {} });
    opened.push(store);
    return { store, keyPrefix };
  }
  /** The Redis server's clock, in epoch ms. */
  async function serverNow(): Promise<number> {
    const [seconds, micros] = await admin.time();
    return Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
  }

  beforeAll(() => {
    admin = new Redis(url ?? '');
  });
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${run}*`, count: 1_000 })) keys.push(...batch);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('reads 500 values and 500 lease sets with one command, the rest done by the script', async () => {
    const { store, keyPrefix } = await open();
    const users = Array.from({ length: 500 }, (_, index) => `user-${index}`);
    await Promise.all(users.map((user) => store.set(`status:${user}`, 'online')));
    await Promise.all(users.map((user) => store.leaseSet(`presence:${user}`, 'connection-1', 60_000)));
    // The first call on a connection sends the script itself (EVAL), later ones its hash (EVALSHA):
    // both count, as one command each.
    await store.readMany({ values: ['warm-up'] });

    const monitor = await admin.monitor();
    const sent: { command: string; fromScript: boolean }[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args.some((arg) => arg.startsWith(keyPrefix))) {
        sent.push({ command: args[0]?.toLowerCase() ?? '', fromScript: source === 'lua' });
      }
    });
    try {
      const read = await store.readMany({
        values: users.map((user) => `status:${user}`),
        leases: users.map((user) => `presence:${user}`),
      });
      expect(read.values.every((value) => value === 'online')).toBe(true);
      expect(read.leases.every((members) => members.join() === 'connection-1')).toBe(true);
      // A command sent after readMany returned: once MONITOR shows it, it has shown all before it.
      await admin.get(`${keyPrefix}marker`);
      await vi.waitFor(() => expect(sent.some(({ command }) => command === 'get')).toBe(true));
    } finally {
      monitor.disconnect();
    }
    const fromClient = sent.filter(({ fromScript, command }) => !fromScript && command !== 'get');
    expect(fromClient.map(({ command }) => command)).toEqual(['evalsha']);
    // Each of the 500 values and 500 sets was read on the server, inside that one command.
    expect(sent.filter(({ fromScript }) => fromScript).length).toBeGreaterThanOrEqual(1_000);
  });

  it('times leases by the Redis server clock, whatever the client clock says', async () => {
    const { store: ahead, keyPrefix } = await open();
    const behind = await createKeyValueStore({ url: url ?? '', keyPrefix, onError: () => {} });
    opened.push(behind);
    const before = await serverNow();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(before + DAY_MS);
    await ahead.leaseSet('room', 'a', 60_000);
    vi.setSystemTime(before - DAY_MS);
    // Two instances whose clocks are two days apart agree that the lease is live...
    expect((await behind.readMany({ leases: ['room'] })).leases).toEqual([['a']]);
    vi.useRealTimers();
    // ...because it ends 60 s after the server's now, not the writer's.
    const after = await serverNow();
    const endsAt = Number(await admin.zscore(`${keyPrefix}room`, 'a'));
    expect(endsAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(endsAt).toBeLessThanOrEqual(after + 60_000);
  });

  it('keeps values and lease sets under the store prefix, the sets as sorted sets expiring with them', async () => {
    const { store, keyPrefix } = await open();
    await admin.set(`${keyPrefix}greeting`, 'hello');
    await store.leaseSet('room', 'a', 60_000);
    expect(await admin.type(`${keyPrefix}room`)).toBe('zset');
    const remaining = await admin.pttl(`${keyPrefix}room`);
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(60_000);
    expect(await store.readMany({ values: ['greeting'], leases: ['room'] })).toEqual({
      values: ['hello'],
      leases: [['a']],
    });
  });

  it('removes expired members from the server when reading or renewing the set', async () => {
    const { store, keyPrefix } = await open();
    await store.leaseSet('room', 'brief', 50);
    await store.leaseSet('room', 'lasting', 60_000);
    await vi.waitFor(async () => {
      expect((await store.readMany({ leases: ['room'] })).leases).toEqual([['lasting']]);
    });
    expect(await admin.zrange(`${keyPrefix}room`, 0, -1)).toEqual(['lasting']);
    await store.leaseSet('other-room', 'brief', 50);
    await store.leaseSet('other-room', 'lasting', 60_000);
    await vi.waitFor(async () =>
      expect(await serverNow()).toBeGreaterThan(
        Number(await admin.zscore(`${keyPrefix}other-room`, 'brief')),
      ),
    );
    await store.leaseSet('other-room', 'lasting', 60_000);
    expect(await admin.zrange(`${keyPrefix}other-room`, 0, -1)).toEqual(['lasting']);
  });
});
