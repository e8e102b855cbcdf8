// The memory store keeps the rate-limit contract and, without an explicit time, decides on its clock.
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from '../../src/ratelimit/memory-store.js';
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
