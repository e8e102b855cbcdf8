// The behaviour every rate-limit store must show, run against memory and Redis: exact burst counts,
// no double burst across a minute boundary, smooth refill, separate budgets per client and policy.
// Time is passed explicitly, so both stores see the same instants.
import { describe, expect, it } from 'vitest';
import { definePolicy } from '../../src/ratelimit/policies.js';
import type { Decision, RateLimitStore } from '../../src/ratelimit/store.js';

/** A fixed instant on a minute boundary. */
export const MINUTE = Date.parse('2026-01-01T00:01:00.000Z');
export const perMinute = definePolicy('contract', 60, 60_000);

export async function burst(
  store: RateLimitStore,
  key: string,
  count: number,
  atMs: number,
): Promise<Decision[]> {
  const decisions: Decision[] = [];
  for (let i = 0; i < count; i += 1) decisions.push(await store.consume(key, perMinute, atMs));
  return decisions;
}

const allowedIn = (decisions: Decision[]) => decisions.filter((decision) => decision.allowed).length;

export function defineRateLimitStoreContract(name: string, open: () => RateLimitStore): void {
  describe(`${name} rate-limit store contract`, () => {
    it('admits exactly 60 of 100 simultaneous requests at 60/min, counting down the remaining', async () => {
      const decisions = await burst(open(), 'burst', 100, MINUTE);
      expect(allowedIn(decisions)).toBe(60);
      expect(decisions.slice(0, 60).every((decision) => decision.allowed)).toBe(true);
      expect(decisions[0]).toEqual({ allowed: true, remaining: 59, resetAfterMs: 1_000, retryAfterMs: 0 });
      expect(decisions[59]).toEqual({ allowed: true, remaining: 0, resetAfterMs: 60_000, retryAfterMs: 0 });
      expect(decisions[60]).toEqual({
        allowed: false,
        remaining: 0,
        resetAfterMs: 60_000,
        retryAfterMs: 1_000,
      });
    });

    it('refuses most of a second burst just after a minute boundary, where a fixed window admits all', async () => {
      const store = open();
      const times = (startMs: number) => Array.from({ length: 60 }, (_, i) => startMs + i * 10);
      const first = times(MINUTE - 600);
      const second = times(MINUTE);
      const decisions = [];
      for (const at of [...first, ...second]) decisions.push(await store.consume('edge', perMinute, at));
      // A fixed-window counter keyed by the minute resets at the boundary.
      const windows = new Map<number, number>();
      const fixedWindow = [...first, ...second].filter((at) => {
        const window = Math.floor(at / 60_000);
        const count = (windows.get(window) ?? 0) + 1;
        windows.set(window, count);
        return count <= 60;
      });
      expect(fixedWindow).toHaveLength(120);
      expect(allowedIn(decisions.slice(0, 60))).toBe(60);
      expect(allowedIn(decisions.slice(60))).toBe(1);
    });

    it('refills one request per interval, and the whole limit after a period', async () => {
      const store = open();
      await burst(store, 'refill', 60, MINUTE);
      expect((await store.consume('refill', perMinute, MINUTE + 999)).allowed).toBe(false);
      expect(await store.consume('refill', perMinute, MINUTE + 1_000)).toMatchObject({
        allowed: true,
        remaining: 0,
      });
      expect((await store.consume('refill', perMinute, MINUTE + 1_000)).allowed).toBe(false);
      expect(allowedIn(await burst(store, 'refill', 100, MINUTE + 61_000))).toBe(60);
    });

    it('keeps separate budgets per client and per policy', async () => {
      const store = open();
      const other = definePolicy('contract-other', 60, 60_000);
      await burst(store, 'alice', 60, MINUTE);
      expect((await store.consume('alice', perMinute, MINUTE)).allowed).toBe(false);
      expect(await store.consume('bob', perMinute, MINUTE)).toMatchObject({ allowed: true, remaining: 59 });
      expect(await store.consume('alice', other, MINUTE)).toMatchObject({ allowed: true, remaining: 59 });
    });

    it('admits exactly the limit when the period does not divide into whole milliseconds', async () => {
      const store = open();
      const seven = definePolicy('contract-seven', 7, 60_000);
      const decisions = [];
      for (let i = 0; i < 10; i += 1) decisions.push(await store.consume('odd', seven, MINUTE));
      expect(allowedIn(decisions)).toBe(7);
      expect(decisions[7]?.retryAfterMs).toBe(8_572);
      expect((await store.consume('odd', seven, MINUTE + 8_571)).allowed).toBe(false);
      expect((await store.consume('odd', seven, MINUTE + 8_572)).allowed).toBe(true);
    });
  });
}
