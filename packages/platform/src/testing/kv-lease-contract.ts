// Owns the part of the key-value contract about lease sets and readMany: members held once, leases
// renewed and dropped, expiry by the backend's own clock, and values and lease sets read together
// in one call. Called by defineKeyValueContract, so both backends run it unchanged.
import { describe, expect, it, vi } from 'vitest';
import { type KeyValueStore, READ_MANY_MAX_KEYS } from '../kv/types.js';

const eventually = { timeout: 2_000, interval: 5 };

export function defineLeaseContract(open: () => Promise<KeyValueStore>): void {
  /** The live members of the lease set at `key`, sorted: the contract promises no order. */
  async function members(store: KeyValueStore, key: string): Promise<string[]> {
    const { leases } = await store.readMany({ leases: [key] });
    return (leases[0] ?? []).sort();
  }

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
}
