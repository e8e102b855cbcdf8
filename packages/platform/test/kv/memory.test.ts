// The memory store keeps the key-value contract, and on a fake clock expires keys and leases at
// exactly their TTL; handlers that fail are reported, not swallowed.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createKeyValueStore } from '../../src/kv/index.js';
import { createFakeClock } from '../../src/testing/clock.js';
import { defineKeyValueContract } from '../../src/testing/kv-contract.js';

defineKeyValueContract('memory', () => createKeyValueStore({ onError: () => {} }));

describe('memory key-value store on a fake clock', () => {
  it('keeps a key until the last millisecond of its TTL and drops it at the TTL', async () => {
    const clock = createFakeClock();
    const store = await createKeyValueStore({ clock });
    await store.set('k', 'v', { ttlMs: 1_000 });
    clock.advance(999);
    expect(await store.get('k')).toBe('v');
    expect(await store.ttlMs('k')).toBe(1);
    clock.advance(1);
    expect(await store.get('k')).toBeNull();
    expect(await store.ttlMs('k')).toBeNull();
    await store.close();
  });

  it('counts an increment TTL from the increment that created the key', async () => {
    const clock = createFakeClock();
    const store = await createKeyValueStore({ clock });
    expect(await store.increment('n', 1, { ttlMs: 60_000 })).toBe(1);
    clock.advance(59_000);
    expect(await store.increment('n', 1, { ttlMs: 60_000 })).toBe(2);
    expect(await store.ttlMs('n')).toBe(1_000);
    clock.advance(1_000);
    expect(await store.exists('n')).toBe(false);
    expect(await store.increment('n', 1, { ttlMs: 60_000 })).toBe(1);
    await store.close();
  });

  it('treats an expired key as absent for onlyIfAbsent and delete', async () => {
    const clock = createFakeClock();
    const store = await createKeyValueStore({ clock });
    await store.set('lock', 'owner-1', { ttlMs: 30_000 });
    expect(await store.set('lock', 'owner-2', { onlyIfAbsent: true })).toBe(false);
    clock.advance(30_000);
    expect(await store.delete('lock')).toBe(false);
    expect(await store.set('lock', 'owner-2', { onlyIfAbsent: true, ttlMs: 30_000 })).toBe(true);
    expect(await store.get('lock')).toBe('owner-2');
    await store.close();
  });
});

describe('memory lease sets on a fake clock', () => {
  async function leaseStore() {
    const clock = createFakeClock();
    const store = await createKeyValueStore({ clock });
    const members = async (key: string) => (await store.readMany({ leases: [key] })).leases[0];
    return { clock, store, members };
  }

  it('keeps a lease until the last millisecond of its TTL and ends it at the TTL', async () => {
    const { clock, store, members } = await leaseStore();
    await store.leaseSet('room', 'a', 1_000);
    clock.advance(999);
    expect(await members('room')).toEqual(['a']);
    expect(await store.ttlMs('room')).toBe(1);
    clock.advance(1);
    expect(await members('room')).toEqual([]);
    expect(await store.exists('room')).toBe(false);
    await store.close();
  });

  it('counts a renewed lease from the renewal', async () => {
    const { clock, store, members } = await leaseStore();
    await store.leaseSet('room', 'a', 1_000);
    clock.advance(600);
    await store.leaseSet('room', 'a', 1_000);
    clock.advance(600);
    expect(await members('room')).toEqual(['a']);
    expect(await store.ttlMs('room')).toBe(400);
    await store.close();
  });

  it('lives as long as its longest lease, which a drop or a shorter renewal shortens', async () => {
    const { clock, store, members } = await leaseStore();
    await store.leaseSet('room', 'a', 5_000);
    await store.leaseSet('room', 'b', 1_000);
    await store.leaseSet('room', 'c', 3_000);
    expect(await store.ttlMs('room')).toBe(5_000);
    expect(await store.leaseDrop('room', 'a')).toBe(true);
    expect(await store.ttlMs('room')).toBe(3_000);
    await store.leaseSet('room', 'c', 2_000);
    expect(await store.ttlMs('room')).toBe(2_000);
    clock.advance(1_000);
    expect(await members('room')).toEqual(['c']);
    clock.advance(1_000);
    expect(await store.exists('room')).toBe(false);
    await store.close();
  });

  it('answers false when dropping a lease that ran out, even before anything read the set', async () => {
    const { clock, store } = await leaseStore();
    await store.leaseSet('room', 'brief', 100);
    await store.leaseSet('room', 'lasting', 1_000);
    clock.advance(100);
    expect(await store.leaseDrop('room', 'brief')).toBe(false);
    expect(await store.leaseDrop('room', 'lasting')).toBe(true);
    await store.close();
  });
});

describe('memory key-value store handlers', () => {
  it('reports what a handler throws or rejects with, and still delivers to the rest', async () => {
    const errors: unknown[] = [];
    const store = await createKeyValueStore({ onError: (error) => errors.push(error) });
    const received: string[] = [];
    await store.subscribe('news', () => {
      throw new Error('sync failure');
    });
    await store.subscribe('news', async () => {
      throw new Error('async failure');
    });
    await store.subscribe('news', (message) => {
      received.push(message);
    });
    await store.publish('news', 'hello');
    await nextTurn();
    expect(received).toEqual(['hello']);
    expect(errors.map((error) => (error as Error).message).sort()).toEqual(['async failure', 'sync failure']);
    await store.close();
  });

  it('stops delivering when closed, even a message already published', async () => {
    const store = await createKeyValueStore();
    const received: string[] = [];
    await store.subscribe('news', (message) => {
      received.push(message);
    });
    await store.publish('news', 'in flight');
    await store.close();
    await nextTurn();
    expect(received).toEqual([]);
  });
});
