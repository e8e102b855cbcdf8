// Owns the limiter's behaviour while Redis is unreachable: a call that Redis fails or does not answer
// in time is decided by the in-memory store, so requests stay limited and never hang on a dead server.
// An outage is reported once; while it lasts at most one call per probe interval tries Redis, and the
// first that succeeds switches back. Every answer the primary gives is mirrored into the fallback, so
// a client that spent its budget in Redis starts the outage with the budget it had left there, not a
// whole one; a client this instance never asked Redis about starts as a new client would.
import { createFailoverSwitch } from '../kv/failover-switch.js';
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

export function createFailoverRateLimitStore(options: FailoverOptions): FailoverRateLimitStore {
  const { primary, fallback, onOutage, onRecovery, timeoutMs = 100, probeIntervalMs = 1_000 } = options;
  const clock = options.clock ?? systemClock;
  const breaker = createFailoverSwitch({
    name: 'rate-limit store',
    timeoutMs,
    probeIntervalMs,
    now: () => clock.now().getTime(),
    onOutage,
    onRecovery,
  });

  return {
    consume: (key, policy, nowMs) =>
      breaker.run(
        async () => {
          const decision = await primary.consume(key, policy, nowMs);
          fallback.mirror(key, policy, decision, nowMs);
          return decision;
        },
        () => fallback.consume(key, policy, nowMs),
      ),

    status() {
      const { degraded, outages, fallbackRuns } = breaker.status();
      return { degraded, outages, fallbackDecisions: fallbackRuns };
    },
  };
}
