// Owns the per-connection WebSocket message limit: the GCRA of gcra.ts on one TAT held by the
// connection itself (no store, no key, no round trip); by default 20 messages per 10 s.
import { type Clock, systemClock } from '../time/clock.js';
import { decide, gcraParameters } from './gcra.js';
import type { Decision } from './store.js';

export interface MessageLimiterOptions {
  limit?: number;
  periodMs?: number;
  clock?: Clock;
}

export interface MessageLimiter {
  /** Counts one incoming message and answers whether to handle it. */
  take(): Decision;
}

export function createMessageLimiter(options: MessageLimiterOptions = {}): MessageLimiter {
  const { limit = 20, periodMs = 10_000, clock = systemClock } = options;
  gcraParameters(limit, periodMs); // a bad rate fails when the connection opens, not at its first message
  let tatUs: number | null = null;
  return {
    take() {
      const { newTatUs, ...decision } = decide({
        tatUs,
        nowUs: clock.now().getTime() * 1000,
        limit,
        periodMs,
      });
      tatUs = newTatUs;
      return decision;
    },
  };
}
