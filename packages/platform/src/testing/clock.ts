// Owns the fake clock for tests: time moves only when a test says so.
import type { Clock } from '../time/clock.js';

export interface FakeClock extends Clock {
  advance(milliseconds: number): void;
  set(instant: Date | string): void;
}

export function createFakeClock(start: Date | string = '2026-01-01T00:00:00.000Z'): FakeClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance(milliseconds) {
      current += milliseconds;
    },
    set(instant) {
      current = new Date(instant).getTime();
    },
  };
}
