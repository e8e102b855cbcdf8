// Owns the key-value contract suite: every promise of KeyValueStore, run unchanged against each
// backend so the memory store and Redis cannot drift apart: values, expiry, counters, lease sets,
// readMany and pub/sub. Losing and restoring a subscriber connection is Redis's alone, tested with it. Expiry uses short real TTLs because
// Redis keeps its own time; each `create()` must return a store isolated from every other one.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type KeyValueStore, READ_MANY_MAX_KEYS } from '../kv/types.js';

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

    /** The live members of the lease set at `key`, sorted: the contract promises no order. */
    async function members(store: KeyValueStore, key: string): Promise<string[]> {
      const { leases } = await store.readMany({ leases: [key] });
      return (leases[0] ?? []).sort();
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

    describe('lease sets', () => {
      it('holds each member once, however often its lease is renewed', async () => {
        const store = await open();
        await store.leaseSet('room', 'b', 60_000);
        await store.leaseSet('room', 'a', 60_000);
        await store.leaseSet('room', 'b', 60_000);
        expect(await members(store, 'room')).toEqual(['a', 'b']);
        expect(await members(store, 'other-room')).toEqual([]);
      });

      it('ends each lease after its own TTL, and a renewal before it keeps the member', async () => {
        const store = await open();
        await store.leaseSet('room', 'brief', 100);
        await store.leaseSet('room', 'renewed', 100);
        await store.leaseSet('room', 'renewed', 60_000);
        await store.leaseSet('room', 'lasting', 60_000);
        await vi.waitFor(
          async () => expect(await members(store, 'room')).toEqual(['lasting', 'renewed']),
          eventually,
        );
      });

      it('keeps the set exactly as long as its longest lease, and drops it with the last one', async () => {
        const store = await open();
        await store.leaseSet('room', 'long', 60_000);
        await store.leaseSet('room', 'short', 1_000);
        expect(await store.ttlMs('room')).toBeGreaterThan(1_000);
        await store.leaseSet('room', 'long', 1_000);
        const remaining = await store.ttlMs('room');
        expect(remaining).toBeGreaterThan(0);
        expect(remaining).toBeLessThanOrEqual(1_000);
        await vi.waitFor(async () => expect(await store.exists('room')).toBe(false), {
          ...eventually,
          timeout: 5_000,
        });
        expect(await members(store, 'room')).toEqual([]);
      });

      it('drops a lease at once, true only for a live one, and the set with its last lease', async () => {
        const store = await open();
        await store.leaseSet('room', 'a', 60_000);
        await store.leaseSet('room', 'b', 30_000);
        expect(await store.leaseDrop('room', 'a')).toBe(true);
        expect(await store.leaseDrop('room', 'a')).toBe(false);
        expect(await store.leaseDrop('room', 'never')).toBe(false);
        expect(await store.leaseDrop('no-room', 'a')).toBe(false);
        expect(await members(store, 'room')).toEqual(['b']);
        // Dropping the longest lease shortens the set's life to the longest one left.
        expect(await store.ttlMs('room')).toBeLessThanOrEqual(30_000);
        expect(await store.leaseDrop('room', 'b')).toBe(true);
        expect(await store.exists('room')).toBe(false);
      });

      it('answers false when dropping a lease that already ran out', async () => {
        const store = await open();
        await store.leaseSet('room', 'brief', 50);
        await store.leaseSet('room', 'lasting', 60_000);
        await vi.waitFor(async () => expect(await members(store, 'room')).toEqual(['lasting']), eventually);
        expect(await store.leaseDrop('room', 'brief')).toBe(false);
        expect(await store.leaseDrop('room', 'lasting')).toBe(true);
      });

      it('is removed by delete and replaced by set, like any key', async () => {
        const store = await open();
        await store.leaseSet('room', 'a', 60_000);
        expect(await store.exists('room')).toBe(true);
        expect(await store.delete('room')).toBe(true);
        expect(await members(store, 'room')).toEqual([]);
        await store.leaseSet('room', 'a', 60_000);
        await store.set('room', 'plain');
        expect(await store.get('room')).toBe('plain');
      });

      it('refuses to read a lease set as a value or a value as a lease set', async () => {
        const store = await open();
        await store.leaseSet('room', 'a', 60_000);
        await store.set('plain', 'v');
        await expect(store.get('room')).rejects.toThrow();
        await expect(store.increment('room')).rejects.toThrow();
        await expect(store.readMany({ values: ['room'] })).rejects.toThrow();
        await expect(store.leaseSet('plain', 'a', 60_000)).rejects.toThrow();
        await expect(store.leaseDrop('plain', 'a')).rejects.toThrow();
        await expect(store.readMany({ leases: ['plain'] })).rejects.toThrow();
        expect(await store.get('plain')).toBe('v');
        expect(await members(store, 'room')).toEqual(['a']);
      });

      it('rejects a bad TTL, an empty key or an empty member with a RangeError, changing nothing', async () => {
        const store = await open();
        for (const ttlMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expect(store.leaseSet('room', 'a', ttlMs)).rejects.toThrow(RangeError);
        }
        await expect(store.leaseSet('room', 'a', undefined as unknown as number)).rejects.toThrow(RangeError);
        await expect(store.leaseSet('', 'a', 1_000)).rejects.toThrow(RangeError);
        await expect(store.leaseSet('room', '', 1_000)).rejects.toThrow(RangeError);
        await expect(store.leaseDrop('', 'a')).rejects.toThrow(RangeError);
        await expect(store.leaseDrop('room', '')).rejects.toThrow(RangeError);
        expect(await store.exists('room')).toBe(false);
      });

      it('keeps the lease sets of stores with different key prefixes apart', async () => {
        const [first, second] = [await open(), await open()];
        await first.leaseSet('room', 'a', 60_000);
        expect(await members(second, 'room')).toEqual([]);
        expect(await second.leaseDrop('room', 'a')).toBe(false);
        expect(await members(first, 'room')).toEqual(['a']);
      });
    });

    describe('readMany', () => {
      it('answers values and lease members in the order asked, null and [] for what is missing', async () => {
        const store = await open();
        await store.set('a', 'one');
        await store.set('b', 'two');
        await store.leaseSet('room-1', 'x', 60_000);
        await store.leaseSet('room-2', 'y', 60_000);
        const read = await store.readMany({
          values: ['b', 'missing', 'a', 'b'],
          leases: ['room-2', 'none', 'room-1'],
        });
        expect(read).toEqual({ values: ['two', null, 'one', 'two'], leases: [['y'], [], ['x']] });
        expect(await store.readMany({ values: ['a'] })).toEqual({ values: ['one'], leases: [] });
      });

      it('answers an empty request with empty lists', async () => {
        const store = await open();
        expect(await store.readMany({})).toEqual({ values: [], leases: [] });
        expect(await store.readMany({ values: [], leases: [] })).toEqual({ values: [], leases: [] });
      });

      it('does not answer an expired value', async () => {
        const store = await open();
        await store.set('brief', 'v', { ttlMs: 50 });
        await vi.waitFor(
          async () => expect((await store.readMany({ values: ['brief'] })).values).toEqual([null]),
          eventually,
        );
      });

      it('reads 1,000 values and 1,000 lease sets in one call', async () => {
        const store = await open();
        const keys = Array.from({ length: 1_000 }, (_, index) => `key-${index}`);
        await Promise.all(keys.map((key) => store.set(`value:${key}`, key)));
        await Promise.all(keys.map((key) => store.leaseSet(`lease:${key}`, key, 60_000)));
        const read = await store.readMany({
          values: keys.map((key) => `value:${key}`),
          leases: keys.map((key) => `lease:${key}`),
        });
        expect(read.values).toEqual(keys);
        expect(read.leases).toEqual(keys.map((key) => [key]));
      });

      it(`rejects an empty key or more than ${READ_MANY_MAX_KEYS} keys with a RangeError`, async () => {
        const store = await open();
        await expect(store.readMany({ values: ['a', ''] })).rejects.toThrow(RangeError);
        await expect(store.readMany({ leases: [''] })).rejects.toThrow(RangeError);
        const half = Array.from({ length: READ_MANY_MAX_KEYS / 2 }, (_, index) => `k${index}`);
        await expect(store.readMany({ values: half, leases: [...half, 'one-more'] })).rejects.toThrow(
          RangeError,
        );
        const read = await store.readMany({ values: half, leases: half });
        expect(read.values).toHaveLength(READ_MANY_MAX_KEYS / 2);
      });
    });

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
