// The key-value and pub/sub contract shared by the Redis implementation (REDIS_URL) and the
// in-process memory implementation (embedded default). One contract test suite runs against both,
// so code written against this interface behaves the same on either. The TTL rule and the
// subscription record are shared by both implementations.

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
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One handler's subscription; inactive once unsubscribed, so in-flight messages are dropped. */
export interface Subscription {
  handler: MessageHandler;
  active: boolean;
}

/** Both backends refuse a bad TTL before touching any data. */
export function assertTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && !(Number.isSafeInteger(ttlMs) && ttlMs > 0)) {
    throw new RangeError(`ttlMs must be a positive whole number of milliseconds, got ${ttlMs}`);
  }
}
