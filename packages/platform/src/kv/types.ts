// The key-value and pub/sub contract shared by the Redis implementation (REDIS_URL) and the
// in-process memory implementation (embedded default). One contract test suite runs against both,
// so code written against this interface behaves the same on either. Besides plain values it keeps
// lease sets (members that each stay for their own TTL, as presence needs) and tells subscribers when
// a lost pub/sub connection came back. The argument rules and the subscription record are shared by
// both implementations. A key holds either a value or a lease set: reading one as the other fails.

export interface SetOptions {
  /** Expire the key after this many milliseconds. */
  ttlMs?: number;
  /** Only set when the key does not exist yet (SET NX). */
  onlyIfAbsent?: boolean;
}

export type MessageHandler = (message: string) => void;

export interface KeyValueStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  /** Returns false when `onlyIfAbsent` was set and the key already existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Returns true when a key was removed. */
  delete(key: string): Promise<boolean>;
  /** Atomically adds `by` (default 1) and returns the new value; a TTL applies only when the key is created. */
  increment(key: string, by?: number, options?: { ttlMs?: number }): Promise<number>;
  /** Remaining time to live in ms, null when the key has no expiry or does not exist. */
  ttlMs(key: string): Promise<number | null>;
  exists(key: string): Promise<boolean>;
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is active; the returned function unsubscribes. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  /** Adds or renews `member`'s lease in the set at `key` for ttlMs; the set lives as long as its longest lease. */
  leaseSet(key: string, member: string, ttlMs: number): Promise<void>;
  /** Ends a member's lease at once; true when it held a live one. */
  leaseDrop(key: string, member: string): Promise<boolean>;
  /** In ONE round trip: the values of the `values` keys and the live (unexpired) members of the `leases` sets, in the order asked. */
  readMany(request: { values?: readonly string[]; leases?: readonly string[] }): Promise<{
    values: (string | null)[];
    leases: string[][];
  }>;
  /** Calls `listener` after the subscriber connection was lost and its subscriptions restored (messages published meanwhile were lost: listeners refetch from the source of truth). Memory never loses them. Returns a function that removes the listener. */
  onSubscriptionsRestored(listener: () => void): () => void;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One handler's subscription; inactive once unsubscribed, so in-flight messages are dropped. */
export interface Subscription {
  handler: MessageHandler;
  active: boolean;
}

/** Both backends refuse a bad TTL before touching any data; `required` refuses a missing one too. */
export function assertTtl(ttlMs: number | undefined, required = false): void {
  if (ttlMs === undefined ? required : !(Number.isSafeInteger(ttlMs) && ttlMs > 0)) {
    throw new RangeError(`ttlMs must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
}

/** A key or lease member must be a non-empty string. */
export function assertName(what: 'key' | 'member', name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new RangeError(`${what} must be a non-empty string, got ${JSON.stringify(name)}`);
  }
}

/** Most keys one readMany may ask for, values and lease sets together, so one call cannot stall Redis. */
export const READ_MANY_MAX_KEYS = 10_000;

/** The keys of a readMany request, checked: non-empty names, at most READ_MANY_MAX_KEYS in all. */
export function readManyKeys(request: { values?: readonly string[]; leases?: readonly string[] }): {
  values: readonly string[];
  leases: readonly string[];
} {
  const { values = [], leases = [] } = request;
  if (values.length + leases.length > READ_MANY_MAX_KEYS) {
    throw new RangeError(
      `readMany asks for ${values.length + leases.length} keys, at most ${READ_MANY_MAX_KEYS} allowed`,
    );
  }
  for (const key of values) assertName('key', key);
  for (const key of leases) assertName('key', key);
  return { values, leases };
}
