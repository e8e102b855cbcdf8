// Owns the in-process rate-limit store: the embedded default and the fallback while Redis is down.
// One TAT per key in a Map, timed by an injectable clock. A TAT in the past decides like a fresh key,
// so a full sweep drops those once writes since the last sweep reach the number of keys: memory stays
// bounded at amortised O(1) per request, without timers.
import { type Clock, systemClock } from '../time/clock.js';
import { decide } from './gcra.js';
import { type RateLimitStore, storageKey } from './store.js';

export function createMemoryRateLimitStore(options: { clock?: Clock } = {}): RateLimitStore {
  const clock = options.clock ?? systemClock;
  const tats = new Map<string, number>();
  let writesSinceSweep = 0;

  function sweep(nowUs: number): void {
    writesSinceSweep = 0;
    for (const [key, tatUs] of tats) {
      if (tatUs <= nowUs) tats.delete(key);
    }
  }

  return {
    async consume(key, policy, nowMs = clock.now().getTime()) {
      const nowUs = Math.round(nowMs * 1000);
      const id = storageKey(policy, key);
      const { newTatUs, ...decision } = decide({
        tatUs: tats.get(id) ?? null,
        nowUs,
        limit: policy.limit,
        periodMs: policy.periodMs,
      });
      if (decision.allowed) {
        tats.set(id, newTatUs);
        writesSinceSweep += 1;
        if (writesSinceSweep >= tats.size) sweep(nowUs);
      }
      return decision;
    },
  };
}
