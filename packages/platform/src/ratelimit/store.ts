// Owns the contract every rate-limit store keeps (memory, Redis, and the failover between them): one
// call counts one request of a client under a policy and answers whether it is admitted. A shared
// contract test runs the same sequence on each and expects identical decisions. A store deciding in
// memory also answers without a promise (consumeNow), which the request path prefers (take()).
import type { MaybePromise } from './maybe-async.js';
import type { RateLimitPolicy } from './policies.js';

export interface Decision {
  allowed: boolean;
  /** Requests still admissible right now. */
  remaining: number;
  /** Until the whole limit is available again. */
  resetAfterMs: number;
  /** Until a refused request would be admitted; 0 when it was. */
  retryAfterMs: number;
}

export interface RateLimitStore {
  /**
   * Counts one request of `key` (a client) under `policy`. `nowMs` is for tests and replays; without
   * it a store reads its own clock (Redis: the server's TIME, shared by every instance).
   */
  consume(key: string, policy: RateLimitPolicy, nowMs?: number): Promise<Decision>;
  /** consume() without a promise, on stores that decide in memory. */
  consumeNow?(key: string, policy: RateLimitPolicy, nowMs?: number): Decision;
}

/** Counts one request as consume() does, without a promise where the store can. */
export function take(store: RateLimitStore, key: string, policy: RateLimitPolicy): MaybePromise<Decision> {
  return store.consumeNow ? store.consumeNow(key, policy) : store.consume(key, policy);
}

/** One key per policy and client, so route classes never draw on each other's budget. */
export const storageKey = (policy: RateLimitPolicy, key: string): string => `${policy.name}:${key}`;
