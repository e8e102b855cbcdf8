// The Redis store against the server at REDIS_URL: the shared contract, decisions identical to the
// memory store's on the same long sequence, one limit shared by instances on separate connections,
// Redis's own clock when no time is given, and keys that expire when their state does.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from '../../src/ratelimit/memory-store.js';
import { definePolicy } from '../../src/ratelimit/policies.js';
import { createRedisRateLimitStore } from '../../src/ratelimit/redis-store.js';
import type { Decision } from '../../src/ratelimit/store.js';
import { defineRateLimitStoreContract, MINUTE, perMinute } from './store-contract.js';

const url = process.env.REDIS_URL;
const run = `ratelimit-test:${randomUUID()}:`;
let stores = 0;
const nextPrefix = () => `${run}${++stores}:`;

describe.skipIf(!url)('redis rate-limit store', () => {
  const clients: Redis[] = [];
  const connect = () => {
    const client = new Redis(url ?? '', {
      enableOfflineQueue: false,
      commandTimeout: 1_000,
      lazyConnect: true,
    });
    clients.push(client);
    return client;
  };
  let admin: Redis;

  beforeAll(async () => {
    admin = connect();
    await admin.connect();
  });
  afterAll(async () => {
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${run}*`, count: 1_000 })) keys.push(...batch);
    if (keys.length > 0) await admin.del(...keys);
    await Promise.all(clients.map((client) => client.quit()));
  });

  defineRateLimitStoreContract('redis', () => createRedisRateLimitStore(admin, { keyPrefix: nextPrefix() }));

  it('decides exactly like the memory store on the same sequence of clients, policies and times', async () => {
    const redis = createRedisRateLimitStore(admin, { keyPrefix: nextPrefix() });
    const memory = createMemoryRateLimitStore();
    const policies = [perMinute, definePolicy('seven', 7, 60_000), definePolicy('burst', 20, 10_000)];
    const fromRedis: Decision[] = [];
    const fromMemory: Decision[] = [];
    let at = MINUTE;
    for (let i = 0; i < 3_000; i += 1) {
      at += (i * 7_919) % 997; // irregular gaps from 0 to ~1 s, the same every run
      const policy = policies[i % 3]!;
      const client = `client-${(i * 31) % 4}`;
      fromRedis.push(await redis.consume(client, policy, at));
      fromMemory.push(await memory.consume(client, policy, at));
    }
    expect(fromRedis.filter((d) => d.allowed).length).toBeGreaterThan(100);
    expect(fromRedis.filter((d) => !d.allowed).length).toBeGreaterThan(100);
    expect(fromRedis).toEqual(fromMemory);
  });

  it('shares one limit between instances on separate connections, timed by the Redis clock', async () => {
    const keyPrefix = nextPrefix();
    const [first, second] = [connect(), connect()];
    await Promise.all([first.connect(), second.connect()]);
    const instances = [
      createRedisRateLimitStore(first, { keyPrefix }),
      createRedisRateLimitStore(second, { keyPrefix }),
    ];
    const decisions = await Promise.all(
      Array.from({ length: 100 }, (_, i) => instances[i % 2]!.consume('shared', perMinute)),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(60);
  });

  it('keeps a key only until its state has fully refilled', async () => {
    const keyPrefix = nextPrefix();
    const store = createRedisRateLimitStore(admin, { keyPrefix });
    await store.consume('ttl', perMinute);
    const key = `${keyPrefix}contract:ttl`;
    expect(await admin.pttl(key)).toBeGreaterThan(900);
    expect(await admin.pttl(key)).toBeLessThanOrEqual(1_000);
    for (let i = 0; i < 59; i += 1) await store.consume('ttl', perMinute);
    expect(await admin.pttl(key)).toBeGreaterThan(59_000);
    expect(await admin.pttl(key)).toBeLessThanOrEqual(60_000);
  });
});
