// The GCRA decision on its own: weighted requests, a stored state from a higher limit, and the rates
// it refuses to run.
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/ratelimit/gcra.js';

const nowUs = Date.parse('2026-01-01T00:00:00.000Z') * 1000;
const rate = { limit: 60, periodMs: 60_000 };

describe('decide', () => {
  it('charges a weighted request its cost and refuses one that does not fit', () => {
    const first = decide({ tatUs: null, nowUs, ...rate, cost: 50 });
    expect(first).toMatchObject({ allowed: true, remaining: 10, resetAfterMs: 50_000 });
    const second = decide({ tatUs: first.newTatUs, nowUs, ...rate, cost: 11 });
    expect(second).toMatchObject({ allowed: false, remaining: 10, retryAfterMs: 1_000 });
    expect(second.newTatUs).toBe(first.newTatUs);
  });

  it('treats a state from the past like a client never seen', () => {
    const stale = decide({ tatUs: nowUs - 5_000_000, nowUs, ...rate });
    expect(stale).toEqual(decide({ tatUs: null, nowUs, ...rate }));
  });

  it('reports no remaining requests, not a negative count, after the policy was tightened', () => {
    const underOldPolicy = decide({ tatUs: null, nowUs, limit: 100, periodMs: 120_000, cost: 100 });
    expect(decide({ tatUs: underOldPolicy.newTatUs, nowUs, ...rate })).toMatchObject({
      allowed: false,
      remaining: 0,
    });
  });

  it('refuses rates and costs no store can honour', () => {
    expect(() => decide({ tatUs: null, nowUs, limit: 0, periodMs: 1_000 })).toThrow(/limit/);
    expect(() => decide({ tatUs: null, nowUs, limit: 1.5, periodMs: 1_000 })).toThrow(/limit/);
    expect(() => decide({ tatUs: null, nowUs, limit: 10, periodMs: 0 })).toThrow(/periodMs/);
    expect(() => decide({ tatUs: null, nowUs, limit: 2_000, periodMs: 1 })).toThrow(/too fast/);
    expect(() => decide({ tatUs: null, nowUs, ...rate, cost: 61 })).toThrow(/cost/);
    expect(() => decide({ tatUs: null, nowUs, ...rate, cost: 0 })).toThrow(/cost/);
  });
});
