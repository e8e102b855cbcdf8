// The memory store keeps the rate-limit contract, decides on its clock without an explicit time, takes
// over the state Redis decided (the failover's mirror) and stays within its key cap.
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from '../../src/ratelimit/memory-store.js';
import { definePolicy } from '../../src/ratelimit/policies.js';
import { createFakeClock } from '../../src/testing/clock.js';
import { burst, defineRateLimitStoreContract, MINUTE, perMinute } from './store-contract.js';

defineRateLimitStoreContract('memory', () => createMemoryRateLimitStore());

describe('memory rate-limit store on a fake clock', () => {
  it('refills as its clock moves', async () => {
    const clock = createFakeClock(new Date(MINUTE));
    const store = createMemoryRateLimitStore({ clock });
    await burst(store, 'client', 60, MINUTE);
    expect((await store.consume('client', perMinute)).allowed).toBe(false);
    clock.advance(1_000);
    expect(await store.consume('client', perMinute)).toMatchObject({ allowed: true, remaining: 0 });
    clock.advance(60_000);
    expect(await store.consume('client', perMinute)).toMatchObject({ allowed: true, remaining: 59 });
  });
});

describe('memory rate-limit store as a mirror of Redis', () => {
  const onePerMinute = definePolicy('one', 1, 60_000);

  it('item 26: takes the state another store decided, relative to its own clock', async () => {
    const clock = createFakeClock(new Date(MINUTE));
    const store = createMemoryRateLimitStore({ clock });
    // Redis said: 2 of 60 left, whole again in 58 s.
    store.mirror('client', perMinute, { allowed: true, remaining: 2, resetAfterMs: 58_000, retryAfterMs: 0 });
    const decisions = await burst(store, 'client', 3, MINUTE);
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, false]);
  });

  it('keeps at most maxKeys keys, the least recently written going first', async () => {
    const store = createMemoryRateLimitStore({ maxKeys: 2 });
    for (const key of ['a', 'b', 'c'])
      expect((await store.consume(key, onePerMinute, MINUTE)).allowed).toBe(true);
    expect((await store.consume('c', onePerMinute, MINUTE)).allowed).toBe(false);
    expect((await store.consume('a', onePerMinute, MINUTE)).allowed).toBe(true);
  });
});
