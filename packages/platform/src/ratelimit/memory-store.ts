// Owns the in-process rate-limit store: the embedded default and the fallback while Redis is down.
// One TAT per key in a Map, timed by an injectable clock. A TAT in the past decides like a fresh key,
// so a full sweep drops those once writes since the last sweep reach the number of keys: memory stays
// bounded at amortised O(1) per request, without timers. As a fallback it also mirrors every answer
// Redis gives (mirror()), so an outage starts each client where Redis left it, not with a whole
// budget; the Map is kept in write order and capped (maxKeys), the least recently written key going
// first, so a flood of distinct clients cannot grow it without bound. Everything happens in memory,
// so it also answers without a promise (consumeNow), which the request path uses.
import { type Clock, systemClock } from '../time/clock.js';
import { decide } from './gcra.js';
import type { RateLimitPolicy } from './policies.js';
import { type Decision, type RateLimitStore, storageKey } from './store.js';

export interface MemoryRateLimitStoreOptions {
  clock?: Clock;
  /** Most keys kept; default 100 000 (a few MB). */
  maxKeys?: number;
}

export interface MemoryRateLimitStore extends RateLimitStore {
  consumeNow(key: string, policy: RateLimitPolicy, nowMs?: number): Decision;
  /**
   * Takes `decision`, made by another store for `key` under `policy`, as this store's state: the
   * key's budget is whole again `resetAfterMs` from now (relative, so clock skew does not matter).
   */
  mirror(key: string, policy: RateLimitPolicy, decision: Decision, nowMs?: number): void;
}

export function createMemoryRateLimitStore(options: MemoryRateLimitStoreOptions = {}): MemoryRateLimitStore {
  const clock = options.clock ?? systemClock;
  // The system clock is read without allocating a Date: this runs several times per request.
  const nowMs = clock === systemClock ? Date.now : () => clock.now().getTime();
  const maxKeys = options.maxKeys ?? 100_000;
  const tats = new Map<string, number>();
  let writesSinceSweep = 0;

  function sweep(nowUs: number): void {
    writesSinceSweep = 0;
    for (const [key, tatUs] of tats) {
      if (tatUs <= nowUs) tats.delete(key);
    }
  }

  function write(id: string, tatUs: number, nowUs: number): void {
    tats.delete(id);
    tats.set(id, tatUs);
    writesSinceSweep += 1;
    if (writesSinceSweep >= tats.size) sweep(nowUs);
    if (tats.size > maxKeys) tats.delete(tats.keys().next().value as string);
  }

  const store: MemoryRateLimitStore = {
    consume: async (key, policy, nowMs) => store.consumeNow(key, policy, nowMs),

    consumeNow(key, policy, atMs = nowMs()) {
      const nowUs = Math.round(atMs * 1000);
      const id = storageKey(policy, key);
      const { allowed, newTatUs, remaining, resetAfterMs, retryAfterMs } = decide({
        tatUs: tats.get(id) ?? null,
        nowUs,
        limit: policy.limit,
        periodMs: policy.periodMs,
      });
      if (allowed) write(id, newTatUs, nowUs);
      return { allowed, remaining, resetAfterMs, retryAfterMs };
    },

    mirror(key, policy, decision, atMs = nowMs()) {
      const nowUs = Math.round(atMs * 1000);
      write(storageKey(policy, key), nowUs + decision.resetAfterMs * 1000, nowUs);
    },
  };
  return store;
}
