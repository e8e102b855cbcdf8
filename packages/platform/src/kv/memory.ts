// Owns the in-process key-value store, the embedded default: Redis semantics (integer-only
// increments, TTL set only on creation, asynchronous pub/sub, lease sets that live as long as their
// longest lease) on a Map, timed by an injectable clock. Expired keys and leases are dropped when
// read, and expired keys also by a full sweep once writes since the last sweep reach the number of
// stored keys, so memory stays bounded at amortised O(1) per write without timers. Everything is in
// memory, so a value is also readable without a promise (getNow, the same answer as get()), which a
// caller on every request's path uses where the store offers it (readsNow()).
import { type Clock, systemClock } from '../time/clock.js';
import { assertName, assertTtl, type KeyValueStore, readManyKeys, type Subscription } from './types.js';

export interface MemoryStoreOptions {
  clock?: Clock;
  /** Receives what a subscriber's handler throws or rejects with. */
  onError: (error: unknown) => void;
}

/** A lease set: each member with the epoch ms at which its lease ends. */
type Leases = Map<string, number>;

interface Entry {
  value: string | Leases;
  /** Epoch ms at which the key is gone, null for no expiry; a lease set's is its longest lease's end. */
  expiresAt: number | null;
}

type LeaseEntry = Entry & { value: Leases };

/** What Redis answers as WRONGTYPE: a value read as a lease set, or the other way round. */
function wrongType(key: string, holds: 'a value' | 'a lease set'): Error {
  return new Error(`${key} holds ${holds}, not the kind of data asked for`);
}

function longestLease(leases: Leases): number {
  let longest = 0;
  for (const endsAt of leases.values()) longest = Math.max(longest, endsAt);
  return longest;
}

const INTEGER = /^-?(0|[1-9]\d*)$/;

/** The memory store's extra: get() without a promise. */
export interface SynchronousReads {
  /** What get() resolves with; throws what it would reject with. */
  getNow(key: string): string | null;
}

/** Whether `kv` answers get() without a promise too (the memory store does; Redis cannot). */
export function readsNow(kv: KeyValueStore): kv is KeyValueStore & SynchronousReads {
  return typeof (kv as Partial<SynchronousReads>).getNow === 'function';
}

export function createMemoryStore(options: MemoryStoreOptions): KeyValueStore & SynchronousReads {
  const clock = options.clock ?? systemClock;
  const entries = new Map<string, Entry>();
  const channels = new Map<string, Set<Subscription>>();
  let writesSinceSweep = 0;
  let closed = false;

  // The system clock is read without allocating a Date: getNow() runs on every authenticated request.
  const now = clock === systemClock ? Date.now : () => clock.now().getTime();

  function assertOpen(): void {
    if (closed) throw new Error('key-value store is closed');
  }

  /** The entry when it exists and has not expired; an expired one is removed on the way. */
  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry?.expiresAt != null && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function write(key: string, entry: Entry): void {
    entries.set(key, entry);
    writesSinceSweep += 1;
    if (writesSinceSweep < entries.size) return;
    writesSinceSweep = 0;
    const at = now();
    for (const [stored, { expiresAt }] of entries) {
      if (expiresAt !== null && expiresAt <= at) entries.delete(stored);
    }
  }

  const expiry = (ttlMs: number | undefined) => (ttlMs === undefined ? null : now() + ttlMs);

  /** The live value at `key`, null when there is none. */
  function liveValue(key: string): string | null {
    const value = live(key)?.value;
    if (value instanceof Map) throw wrongType(key, 'a lease set');
    return value ?? null;
  }

  /** The lease set at `key` with its expired leases dropped, undefined when there is none. */
  function leaseEntry(key: string): LeaseEntry | undefined {
    const entry = live(key);
    if (entry === undefined) return undefined;
    if (!(entry.value instanceof Map)) throw wrongType(key, 'a value');
    const at = now();
    for (const [member, endsAt] of entry.value) if (endsAt <= at) entry.value.delete(member);
    return entry as LeaseEntry;
  }

  return {
    kind: 'memory',

    async get(key) {
      assertOpen();
      return liveValue(key);
    },

    getNow(key) {
      assertOpen();
      return liveValue(key);
    },

    async set(key, value, { ttlMs, onlyIfAbsent = false } = {}) {
      assertOpen();
      assertTtl(ttlMs);
      if (onlyIfAbsent && live(key)) return false;
      write(key, { value, expiresAt: expiry(ttlMs) });
      return true;
    },

    async delete(key) {
      assertOpen();
      return live(key) !== undefined && entries.delete(key);
    },

    async increment(key, by = 1, { ttlMs } = {}) {
      assertOpen();
      assertTtl(ttlMs);
      if (!Number.isSafeInteger(by)) throw new RangeError(`increment must be a whole number, got ${by}`);
      const entry = live(key);
      const current = liveValue(key);
      if (current !== null && !INTEGER.test(current)) throw new Error(`value of ${key} is not an integer`);
      const next = Number(current ?? 0) + by;
      if (!Number.isSafeInteger(next)) throw new RangeError(`incrementing ${key} would overflow`);
      write(key, { value: String(next), expiresAt: entry ? entry.expiresAt : expiry(ttlMs) });
      return next;
    },

    async ttlMs(key) {
      assertOpen();
      const expiresAt = live(key)?.expiresAt;
      return expiresAt == null ? null : expiresAt - now();
    },

    async exists(key) {
      assertOpen();
      return live(key) !== undefined;
    },

    async publish(channel, message) {
      assertOpen();
      // Like Redis, the receivers are fixed now and hear the message on a later turn of the event
      // loop, after this call has resolved; a handler unsubscribed meanwhile is skipped, and each runs
      // in its own microtask so one failing cannot stop the others.
      const receivers = [...(channels.get(channel) ?? [])];
      if (receivers.length === 0) return;
      setImmediate(() => {
        for (const subscription of receivers) {
          Promise.resolve()
            .then(() => (subscription.active ? subscription.handler(message) : undefined))
            .catch(options.onError);
        }
      });
    },

    async subscribe(channel, handler) {
      assertOpen();
      const subscription: Subscription = { handler, active: true };
      const subscriptions = channels.get(channel) ?? new Set();
      channels.set(channel, subscriptions.add(subscription));
      return async () => {
        subscription.active = false;
        subscriptions.delete(subscription);
        if (subscriptions.size === 0 && channels.get(channel) === subscriptions) channels.delete(channel);
      };
    },

    async leaseSet(key, member, ttlMs) {
      assertOpen();
      assertName('key', key);
      assertName('member', member);
      assertTtl(ttlMs, true);
      const leases = leaseEntry(key)?.value ?? new Map();
      leases.set(member, now() + ttlMs);
      write(key, { value: leases, expiresAt: longestLease(leases) });
    },

    async leaseDrop(key, member) {
      assertOpen();
      assertName('key', key);
      assertName('member', member);
      const entry = leaseEntry(key);
      if (!entry?.value.delete(member)) return false;
      if (entry.value.size === 0) entries.delete(key);
      else entry.expiresAt = longestLease(entry.value);
      return true;
    },

    async readMany(request) {
      assertOpen();
      const keys = readManyKeys(request);
      return {
        values: keys.values.map(liveValue),
        leases: keys.leases.map((key) => [...(leaseEntry(key)?.value.keys() ?? [])]),
      };
    },

    // Pub/sub never leaves the process, so no message is ever lost and listeners never run.
    onSubscriptionsRestored: () => () => {},

    async ping() {
      assertOpen();
    },

    async close() {
      closed = true;
      entries.clear();
      for (const subscriptions of channels.values()) {
        for (const subscription of subscriptions) subscription.active = false;
      }
      channels.clear();
    },
  };
}
