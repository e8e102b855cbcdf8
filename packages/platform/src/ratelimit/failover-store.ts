// Owns the limiter's behaviour while Redis is unreachable: a call that Redis fails or does not answer
// in time is decided by the in-memory store, so requests stay limited and never hang on a dead server.
// An outage is reported once; while it lasts at most one call per probe interval tries Redis, and the
// first that succeeds switches back. Every answer the primary gives is mirrored into the fallback, so
// a client that spent its budget in Redis starts the outage with the budget it had left there, not a
// whole one; a client this instance never asked Redis about starts as a new client would.
import { type Clock, systemClock } from '../time/clock.js';
import type { MemoryRateLimitStore } from './memory-store.js';
import type { RateLimitStore } from './store.js';

export interface FailoverOptions {
  /** The shared store (Redis). */
  primary: RateLimitStore;
  /** Decides while the primary is down (memory), from the state the primary's answers left in it. */
  fallback: MemoryRateLimitStore;
  /** Longest wait for the primary before deciding in memory; default 100 ms. */
  timeoutMs?: number;
  /** Least time between two tries of the primary while it is down; default 1 s. */
  probeIntervalMs?: number;
  /** Called once when an outage starts, with the error that revealed it. */
  onOutage: (error: unknown) => void;
  /** Called once when the primary answers again. */
  onRecovery: () => void;
  clock?: Clock;
}

export interface FailoverStatus {
  /** True while decisions come from memory. */
  degraded: boolean;
  /** Outages so far: a counter for metrics. */
  outages: number;
  /** Decisions made in memory because the primary was down: a counter for metrics. */
  fallbackDecisions: number;
}

export interface FailoverRateLimitStore extends RateLimitStore {
  status(): FailoverStatus;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`rate-limit store gave no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createFailoverRateLimitStore(options: FailoverOptions): FailoverRateLimitStore {
  const { primary, fallback, onOutage, onRecovery, timeoutMs = 100, probeIntervalMs = 1_000 } = options;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now().getTime();
  let degraded = false;
  let nextProbeAt = 0;
  let outages = 0;
  let fallbackDecisions = 0;

  return {
    async consume(key, policy, nowMs) {
      const probe = degraded;
      if (!probe || now() >= nextProbeAt) {
        // Claimed before awaiting, so calls arriving meanwhile go straight to memory.
        if (probe) nextProbeAt = now() + probeIntervalMs;
        try {
          const decision = await withTimeout(primary.consume(key, policy, nowMs), timeoutMs);
          fallback.mirror(key, policy, decision, nowMs);
          // Only a probe ends an outage: a call sent before it began may still have succeeded.
          if (probe && degraded) {
            degraded = false;
            onRecovery();
          }
          return decision;
        } catch (error) {
          if (!degraded) {
            degraded = true;
            nextProbeAt = now() + probeIntervalMs;
            outages += 1;
            onOutage(error);
          }
        }
      }
      fallbackDecisions += 1;
      return fallback.consume(key, policy, nowMs);
    },

    status: () => ({ degraded, outages, fallbackDecisions }),
  };
}
