// Owns the key-value contract suite: every promise of KeyValueStore, run unchanged against each
// backend so the memory store and Redis cannot drift apart: values, expiry, counters, lease sets,
// readMany and pub/sub. Losing and restoring a subscriber connection is Redis's alone, tested with it. Expiry uses short real TTLs because
// Redis keeps its own time; each `create()` must return a store isolated from every other one.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeyValueStore } from '../kv/types.js';
import { defineLeaseContract } from './kv-lease-contract.js';

const eventually = { timeout: 2_000, interval: 5 };

export function defineKeyValueContract(name: string, create: () => Promise<KeyValueStore>): void {
  describe(`key-value contract (${name})`, () => {
    const opened: KeyValueStore[] = [];
    const open = async () => {
      const store = await create();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    /** Subscribes and returns the messages received so far, kept up to date. */
    async function listen(store: KeyValueStore, channel: string) {
      const received: string[] = [];
      const unsubscribe = await store.subscribe(channel, (message) => {
        received.push(message);
      });
      return { received, unsubscribe };
    }

    describe('values', () => {
      it('reads null for a missing key and back what was set', async () => {
        const store = await open();
        expect(await store.get('missing')).toBeNull();
        expect(await store.set('greeting', 'hello')).toBe(true);
        expect(await store.get('greeting')).toBe('hello');
      });

      it('overwrites a value, and onlyIfAbsent never overwrites', async () => {
        const store = await open();
        await store.set('k', 'first');
        await store.set('k', 'second');
        expect(await store.get('k')).toBe('second');
        expect(await store.set('k', 'third', { onlyIfAbsent: true })).toBe(false);
        expect(await store.get('k')).toBe('second');
        expect(await store.set('fresh', 'one', { onlyIfAbsent: true })).toBe(true);
        expect(await store.get('fresh')).toBe('one');
      });

      it('deletes a key once, and exists follows', async () => {
        const store = await open();
        await store.set('k', 'v');
        expect(await store.exists('k')).toBe(true);
        expect(await store.delete('k')).toBe(true);
        expect(await store.delete('k')).toBe(false);
        expect(await store.exists('k')).toBe(false);
        expect(await store.get('k')).toBeNull();
      });

      it('keeps the values of stores with different key prefixes apart', async () => {
        const [first, second] = [await open(), await open()];
        await first.set('shared-name', 'first');
        expect(await second.get('shared-name')).toBeNull();
        expect(await second.exists('shared-name')).toBe(false);
        expect(await second.increment('shared-name')).toBe(1);
        expect(await first.get('shared-name')).toBe('first');
      });
    });

    describe('expiry', () => {
      it('expires a key after its TTL, then lets onlyIfAbsent set it again', async () => {
        const store = await open();
        await store.set('k', 'v', { ttlMs: 100 });
        expect(await store.get('k')).toBe('v');
        await vi.waitFor(async () => expect(await store.get('k')).toBeNull(), eventually);
        expect(await store.exists('k')).toBe(false);
        expect(await store.set('k', 'again', { onlyIfAbsent: true })).toBe(true);
      });

      it('reports the remaining TTL, and null without expiry or key', async () => {
        const store = await open();
        await store.set('lasting', 'v');
        await store.set('brief', 'v', { ttlMs: 1_000 });
        expect(await store.ttlMs('lasting')).toBeNull();
        expect(await store.ttlMs('missing')).toBeNull();
        const remaining = await store.ttlMs('brief');
        expect(remaining).toBeGreaterThan(0);
        expect(remaining).toBeLessThanOrEqual(1_000);
      });

      it('drops the TTL when a key is set again without one', async () => {
        const store = await open();
        await store.set('k', 'v', { ttlMs: 1_000 });
        await store.set('k', 'w');
        expect(await store.ttlMs('k')).toBeNull();
      });

      it('rejects a TTL that is not a positive whole number of milliseconds', async () => {
        const store = await open();
        await expect(store.set('k', 'v', { ttlMs: 0 })).rejects.toThrow();
        await expect(store.set('k', 'v', { ttlMs: 1.5 })).rejects.toThrow();
        await expect(store.increment('n', 1, { ttlMs: -5 })).rejects.toThrow();
        expect(await store.exists('k')).toBe(false);
        expect(await store.exists('n')).toBe(false);
      });
    });

    describe('increment', () => {
      it('adds 1 by default, or the given amount, which may be negative', async () => {
        const store = await open();
        expect(await store.increment('n')).toBe(1);
        expect(await store.increment('n')).toBe(2);
        expect(await store.increment('n', 10)).toBe(12);
        expect(await store.increment('n', -15)).toBe(-3);
        expect(await store.get('n')).toBe('-3');
        await store.set('m', '40');
        expect(await store.increment('m', 2)).toBe(42);
      });

      it('loses no update under 100 concurrent increments', async () => {
        const store = await open();
        const results = await Promise.all(Array.from({ length: 100 }, () => store.increment('n')));
        expect(new Set(results).size).toBe(100);
        expect(await store.get('n')).toBe('100');
      });

      it('applies a TTL only when it creates the key', async () => {
        const store = await open();
        // A second increment with a much longer TTL must leave the first one in place: no sleep
        // needed, so no race with the clock of either backend.
        await store.increment('n', 1, { ttlMs: 10_000 });
        await store.increment('n', 1, { ttlMs: 600_000 });
        const remaining = await store.ttlMs('n');
        expect(remaining).toBeGreaterThan(0);
        expect(remaining).toBeLessThanOrEqual(10_000);
        await store.set('plain', '5');
        await store.increment('plain', 1, { ttlMs: 200 });
        expect(await store.ttlMs('plain')).toBeNull();
      });

      it('starts again from the amount once the counter expired', async () => {
        const store = await open();
        await store.increment('n', 5, { ttlMs: 60 });
        await vi.waitFor(async () => expect(await store.exists('n')).toBe(false), eventually);
        expect(await store.increment('n', 5, { ttlMs: 60 })).toBe(5);
      });

      it('rejects a value that is not an integer, or an amount that is not whole, and changes nothing', async () => {
        const store = await open();
        await store.set('word', 'abc');
        await store.set('fraction', '1.5');
        await expect(store.increment('word')).rejects.toThrow();
        await expect(store.increment('fraction')).rejects.toThrow();
        await expect(store.increment('n', 1.5)).rejects.toThrow();
        expect(await store.get('word')).toBe('abc');
        expect(await store.get('fraction')).toBe('1.5');
        expect(await store.exists('n')).toBe(false);
      });
    });

    describe('publish and subscribe', () => {
      it('delivers messages in order to every subscriber of the channel', async () => {
        const store = await open();
        const [first, second] = [await listen(store, 'news'), await listen(store, 'news')];
        for (const message of ['a', 'b', 'c']) await store.publish('news', message);
        await vi.waitFor(() => expect(second.received).toEqual(['a', 'b', 'c']), eventually);
        expect(first.received).toEqual(['a', 'b', 'c']);
      });

      it('delivers after publish returns, never inside it', async () => {
        const store = await open();
        const { received } = await listen(store, 'news');
        const publishing = store.publish('news', 'later');
        expect(received).toEqual([]);
        await publishing;
        await vi.waitFor(() => expect(received).toEqual(['later']), eventually);
      });

      it('stops delivering to an unsubscribed handler only', async () => {
        const store = await open();
        const [leaving, staying] = [await listen(store, 'news'), await listen(store, 'news')];
        await leaving.unsubscribe();
        await store.publish('news', 'after');
        await vi.waitFor(() => expect(staying.received).toEqual(['after']), eventually);
        await staying.unsubscribe();
        await store.publish('news', 'nobody');
        await sleep(20);
        expect(leaving.received).toEqual([]);
        expect(staying.received).toEqual(['after']);
      });

      it('does not deliver messages of other channels', async () => {
        const store = await open();
        const { received } = await listen(store, 'news');
        await store.publish('sport', 'goal');
        await store.publish('news', 'marker');
        await vi.waitFor(() => expect(received).toEqual(['marker']), eventually);
      });

      it('keeps delivering to other handlers when one throws', async () => {
        const store = await open();
        await store.subscribe('news', () => {
          throw new Error('handler failed');
        });
        await store.subscribe('news', async () => {
          throw new Error('async handler failed');
        });
        const { received } = await listen(store, 'news');
        await store.publish('news', 'one');
        await store.publish('news', 'two');
        await vi.waitFor(() => expect(received).toEqual(['one', 'two']), eventually);
      });

      it('keeps the channels of stores with different key prefixes apart', async () => {
        const [first, second] = [await open(), await open()];
        const { received } = await listen(first, 'news');
        await second.publish('news', 'from the other store');
        await first.publish('news', 'marker');
        await vi.waitFor(() => expect(received).toEqual(['marker']), eventually);
      });
    });

    defineLeaseContract(open);

    describe('lifecycle', () => {
      it('lets a subscriptions-restored listener be added and removed', async () => {
        const store = await open();
        const remove = store.onSubscriptionsRestored(() => {});
        expect(typeof remove).toBe('function');
        remove();
        remove();
      });

      it('answers ping', async () => {
        const store = await open();
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('rejects use after close, and closes twice quietly', async () => {
        const store = await open();
        await store.close();
        await expect(store.get('k')).rejects.toThrow();
        await expect(store.subscribe('news', () => {})).rejects.toThrow();
        await expect(store.leaseSet('room', 'a', 1_000)).rejects.toThrow();
        await expect(store.readMany({ values: ['k'] })).rejects.toThrow();
        await store.close();
      });
    });
  });
}
