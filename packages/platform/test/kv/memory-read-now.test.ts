// The memory store's read without a promise (getNow, which the session revocation check uses on
// every authenticated request) gives get()'s answer in every case: a value, nothing, an expired key,
// a lease set read as a value (an error), a closed store (an error); Redis offers no such read.
import { describe, expect, it } from 'vitest';
import { createKeyValueStore } from '../../src/kv/index.js';
import { readsNow } from '../../src/kv/memory.js';
import { createFakeClock } from '../../src/testing/clock.js';

describe('reading the memory store without a promise', () => {
  it('answers what get() answers, expiry and errors included', async () => {
    const clock = createFakeClock();
    const store = await createKeyValueStore({ clock });
    if (!readsNow(store)) throw new Error('the memory store reads without a promise');
    await store.set('k', 'v', { ttlMs: 1_000 });
    await store.leaseSet('leases', 'member', 1_000);
    const both = async (key: string) => {
      const now = (() => {
        try {
          return store.getNow(key);
        } catch (error) {
          return (error as Error).message;
        }
      })();
      const later = await store.get(key).catch((error: Error) => error.message);
      return [now, later];
    };

    expect(await both('k')).toEqual(['v', 'v']);
    expect(await both('missing')).toEqual([null, null]);
    const [wrongType, sameError] = await both('leases');
    expect(wrongType).toMatch(/lease set/);
    expect(sameError).toBe(wrongType);
    clock.advance(1_000);
    expect(await both('k')).toEqual([null, null]);
    await store.close();
    expect(await both('k')).toEqual(['key-value store is closed', 'key-value store is closed']);
  });

  it('is offered by the memory store, not by Redis', async () => {
    const memory = await createKeyValueStore();
    expect(readsNow(memory)).toBe(true);
    await memory.close();
    const url = process.env.REDIS_URL;
    if (url) {
      const redis = await createKeyValueStore({ url });
      expect(readsNow(redis)).toBe(false);
      await redis.close();
    }
  });
});
