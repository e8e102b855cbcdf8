// While the shared store fails, decisions come from memory at once (still limited), the outage is
// reported once, Redis is tried at most once per probe interval, and the first success switches back;
// then the same against a real redis-server killed and restarted, and one frozen by SIGSTOP.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { createFailoverRateLimitStore } from '../../src/ratelimit/failover-store.js';
import { createMemoryRateLimitStore } from '../../src/ratelimit/memory-store.js';
import { defaultPolicies } from '../../src/ratelimit/policies.js';
import { createRedisRateLimitStore } from '../../src/ratelimit/redis-store.js';
import type { Decision, RateLimitStore } from '../../src/ratelimit/store.js';
import { createFakeClock } from '../../src/testing/clock.js';
import { hasRedisServer, startOwnRedis } from '../../src/testing/own-services.js';

const auth = defaultPolicies.auth;

/** A primary that fails, hangs or answers as told, counting the calls it receives. */
function scriptedPrimary() {
  const healthy = createMemoryRateLimitStore();
  const primary = {
    mode: 'up' as 'up' | 'down' | 'hang',
    calls: 0,
    consume(key, policy, nowMs) {
      primary.calls += 1;
      if (primary.mode === 'down') return Promise.reject(new Error('connection refused'));
      if (primary.mode === 'hang') return new Promise<Decision>(() => {});
      return healthy.consume(key, policy, nowMs);
    },
  } satisfies RateLimitStore & Record<string, unknown>;
  return primary;
}

function failover(primary: RateLimitStore, clock = createFakeClock()) {
  const events: string[] = [];
  const store = createFailoverRateLimitStore({
    primary,
    fallback: createMemoryRateLimitStore({ clock }),
    clock,
    probeIntervalMs: 1_000,
    timeoutMs: 50,
    onOutage: (error) => events.push(`outage: ${(error as Error).message}`),
    onRecovery: () => events.push('recovery'),
  });
  return { store, events, clock };
}

describe('failover rate-limit store', () => {
  it('keeps limiting in memory during an outage, reports it once and probes at most once a second', async () => {
    const primary = scriptedPrimary();
    const { store, events, clock } = failover(primary);
    primary.mode = 'down';
    const decisions: Decision[] = [];
    for (let i = 0; i < 30; i += 1) decisions.push(await store.consume('client', auth));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(auth.limit);
    expect(events).toEqual(['outage: connection refused']);
    expect(primary.calls).toBe(1);
    clock.advance(1_000);
    await store.consume('client', auth);
    await store.consume('client', auth);
    expect(primary.calls).toBe(2);
    expect(store.status()).toEqual({ degraded: true, outages: 1, fallbackDecisions: 32 });
  });

  it('switches back on the first probe that succeeds, and counts a later outage as a new one', async () => {
    const primary = scriptedPrimary();
    const { store, events, clock } = failover(primary);
    primary.mode = 'down';
    await store.consume('client', auth);
    primary.mode = 'up';
    await store.consume('client', auth);
    expect(events).toEqual(['outage: connection refused']);
    clock.advance(1_000);
    expect(await store.consume('client', auth)).toMatchObject({ allowed: true, remaining: auth.limit - 1 });
    expect(events).toEqual(['outage: connection refused', 'recovery']);
    expect(store.status()).toMatchObject({ degraded: false, fallbackDecisions: 2 });
    primary.mode = 'down';
    await store.consume('client', auth);
    expect(store.status()).toMatchObject({ degraded: true, outages: 2 });
  });

  it('does not wait longer than its timeout for a primary that never answers', async () => {
    const primary = scriptedPrimary();
    const { store, events } = failover(primary);
    primary.mode = 'hang';
    // The primary never settles: an answer at all, with this event, shows the timeout cut it off.
    expect(await store.consume('client', auth)).toMatchObject({ allowed: true });
    expect(events).toEqual(['outage: rate-limit store gave no answer within 50 ms']);
  });

  it('sends calls that arrive while a probe is under way straight to memory', async () => {
    const primary = scriptedPrimary();
    const { store, clock } = failover(primary);
    primary.mode = 'down';
    await store.consume('client', auth);
    clock.advance(1_000);
    primary.mode = 'hang';
    const probe = store.consume('client', auth);
    await Promise.all(Array.from({ length: 5 }, () => store.consume('client', auth)));
    expect(primary.calls).toBe(2);
    await probe;
  });

  it('item 26: starts an outage where the primary left each client, not with a whole budget', async () => {
    const primary = scriptedPrimary();
    const { store } = failover(primary);
    for (let i = 0; i < auth.limit; i += 1) expect((await store.consume('spent', auth)).allowed).toBe(true);
    expect((await store.consume('spent', auth)).allowed).toBe(false);
    for (let i = 0; i < 4; i += 1) await store.consume('partly', auth);
    primary.mode = 'down';
    expect(await store.consume('spent', auth)).toMatchObject({ allowed: false, remaining: 0 });
    const partly: Decision[] = [];
    for (let i = 0; i < auth.limit; i += 1) partly.push(await store.consume('partly', auth));
    expect(partly.filter((decision) => decision.allowed)).toHaveLength(auth.limit - 4);
    // A client the primary was never asked about starts as a new client would.
    expect(await store.consume('new', auth)).toMatchObject({ allowed: true, remaining: auth.limit - 1 });
  });
});

/** A client set up as production should: fail fast while disconnected, reconnect in the background. */
async function connect(port: number, options: { commandTimeout?: number } = {}): Promise<Redis> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => 50,
    ...options,
  });
  client.on('error', () => {}); // reconnect failures while the server is down
  await client.connect();
  return client;
}

function failoverTo(client: Redis, events: string[]) {
  return createFailoverRateLimitStore({
    primary: createRedisRateLimitStore(client),
    fallback: createMemoryRateLimitStore(),
    probeIntervalMs: 200,
    onOutage: () => events.push('outage'),
    onRecovery: () => events.push('recovery'),
  });
}

/**
 * Consumes `count` times, 30 ms apart, and counts the allowed decisions. A call that hung on the
 * dead server would never return and the test would fail on its own timeout: no elapsed time is
 * asserted on a machine whose load we do not control.
 */
async function calls(store: RateLimitStore, key: string, count: number) {
  const decisions: Decision[] = [];
  for (let i = 0; i < count; i += 1) {
    decisions.push(await store.consume(key, auth));
    await sleep(30);
  }
  return { allowed: decisions.filter((decision) => decision.allowed).length };
}

describe.skipIf(!hasRedisServer)('failover between a real redis-server and memory', () => {
  it('answers without hanging while Redis is dead, reports the outage once and returns to Redis', async () => {
    const redis = await startOwnRedis();
    const client = await connect(redis.port, { commandTimeout: 100 });
    const events: string[] = [];
    const store = failoverTo(client, events);
    try {
      expect(await store.consume('alice', auth)).toMatchObject({ allowed: true, remaining: 9 });
      expect(await client.exists('ratelimit:auth:alice')).toBe(1);

      await redis.kill();
      const { allowed } = await calls(store, 'bob', 30);
      expect(allowed).toBe(auth.limit);
      expect(events).toEqual(['outage']);

      await redis.restart();
      await vi.waitFor(
        async () => {
          await store.consume('carol', auth);
          expect(events).toEqual(['outage', 'recovery']);
        },
        { timeout: 5_000, interval: 50 },
      );
      await store.consume('dave', auth);
      expect(await client.exists('ratelimit:auth:dave')).toBe(1);
      expect(store.status()).toMatchObject({ degraded: false, outages: 1 });
    } finally {
      client.disconnect();
      await redis.close();
    }
  });

  it('bounds the wait on a frozen Redis itself, even when the client has no command timeout', async () => {
    const redis = await startOwnRedis();
    const client = await connect(redis.port);
    const events: string[] = [];
    const store = failoverTo(client, events);
    try {
      await store.consume('alice', auth);
      redis.pause();
      // A frozen server never answers: every call returning shows the store's own cut-off.
      const { allowed } = await calls(store, 'bob', 30);
      expect(allowed).toBe(auth.limit);
      expect(events).toEqual(['outage']);
      redis.resume();
      await vi.waitFor(
        async () => {
          await store.consume('carol', auth);
          expect(events).toEqual(['outage', 'recovery']);
        },
        { timeout: 5_000, interval: 50 },
      );
    } finally {
      client.disconnect();
      await redis.close();
    }
  });
});
