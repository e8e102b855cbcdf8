// How closely the GCRA store tracks an exact sliding log (every admitted request's time kept, a request
// admitted while fewer than `limit` lie in the last period). Both see the same seeded arrivals, and
// the counts admitted over the whole run are compared. The two enforce the same long-run rate but
// shape bursts differently: the log frees a slot exactly one period after it was used, GCRA frees
// one every period/limit. So the comparison is made where limiting matters, a client sending far
// above its limit for hours (GCRA's one extra burst at the start is included), and a client under
// its limit must never be refused by either. Near the limit, with clumped arrivals, GCRA admits more
// than the log (it does not hold a whole period against a burst); the Redis store decides
// identically to this memory store (redis-store.test.ts), so this holds for both.
import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from '../../src/ratelimit/memory-store.js';
import { MINUTE, perMinute } from './store-contract.js';

/** mulberry32: a small seeded generator, so every run sees the same arrivals. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Arrival times in whole ms of a Poisson process at `perMinute` requests a minute, for `hours`. */
function arrivals(seed: number, perMinuteRate: number, hours: number): number[] {
  const next = random(seed);
  const times: number[] = [];
  for (let at = 0; at < hours * 3_600_000; ) {
    at += (-Math.log(1 - next()) * 60_000) / perMinuteRate;
    times.push(MINUTE + Math.floor(at));
  }
  return times;
}

function slidingLog(limit: number, periodMs: number): (atMs: number) => boolean {
  const admitted: number[] = [];
  let oldest = 0;
  return (atMs) => {
    while (oldest < admitted.length && admitted[oldest]! <= atMs - periodMs) oldest += 1;
    if (admitted.length - oldest >= limit) return false;
    admitted.push(atMs);
    return true;
  };
}

async function compare(times: number[]): Promise<{ gcra: number; log: number }> {
  const store = createMemoryRateLimitStore();
  const log = slidingLog(perMinute.limit, perMinute.periodMs);
  let gcra = 0;
  let logged = 0;
  for (const at of times) {
    if ((await store.consume('client', perMinute, at)).allowed) gcra += 1;
    if (log(at)) logged += 1;
  }
  return { gcra, log: logged };
}

describe('GCRA against an exact sliding log at 60/min', () => {
  it.each([1, 2, 3, 4, 5])(
    'admits within 1%% of the log for a client at 4x its limit for 12 h (seed %i)',
    async (seed) => {
      const { gcra, log } = await compare(arrivals(seed, 240, 12));
      expect(log).toBeGreaterThan(40_000);
      expect(Math.abs(gcra - log) / log).toBeLessThan(0.01);
    },
  );

  it('refuses neither a client at half its limit', async () => {
    const times = arrivals(7, 30, 12);
    expect(await compare(times)).toEqual({ gcra: times.length, log: times.length });
  });
});
