// Owns the circuit breaker around a remote dependency (Stripe now, Razorpay later): after
// `failureThreshold` consecutive outages it stops calling the dependency for `openMs`, answering at
// once with a CircuitOpenError that says when to come back; then one trial call goes through
// (half-open) and its outcome closes or re-opens the circuit. Only errors `isFailure` names count as
// outages: a dependency that answers "not found" is up. Time comes from the injected Clock only (no
// timers): the open period ends when a call or a state read finds it has passed. It never retries:
// the caller decides what a failed call means.
import type { Clock } from '../time/clock.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Names the dependency in errors (e.g. `stripe`). */
  name: string;
  clock: Clock;
  /** Consecutive outages that open the circuit; default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call; default 30 s. */
  openMs?: number;
  /** Whether an error is an outage; default every error. Errors that are not still reach the caller. */
  isFailure?: (error: unknown) => boolean;
  /** Called at every change of state (for a gauge or a log line). */
  onStateChange?: (state: CircuitState) => void;
}

export interface CircuitBreaker {
  /** Runs `work` unless the circuit is open (or half-open with its trial in flight): then CircuitOpenError. */
  run<T>(work: () => Promise<T>): Promise<T>;
  state(): CircuitState;
  /** Seconds until a call may go through again: 0 when closed, at least 1 otherwise. */
  retryAfterSeconds(): number;
}

/** The circuit refused a call without making it. */
export class CircuitOpenError extends Error {
  readonly breaker: string;
  readonly retryAfterSeconds: number;

  constructor(breaker: string, retryAfterSeconds: number) {
    super(`${breaker} is unavailable (circuit open); retry in ${retryAfterSeconds} s`);
    this.name = 'CircuitOpenError';
    this.breaker = breaker;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const {
    name,
    clock,
    failureThreshold = 5,
    openMs = 30_000,
    isFailure = () => true,
    onStateChange,
  } = options;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
    throw new Error('circuit breaker: failureThreshold must be a whole number from 1');
  }
  if (!Number.isFinite(openMs) || openMs <= 0) throw new Error('circuit breaker: openMs must be positive');

  let current: CircuitState = 'closed';
  let consecutiveFailures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const moveTo = (next: CircuitState) => {
    if (next === current) return;
    current = next;
    onStateChange?.(next);
  };

  const open = () => {
    openedAt = clock.now().getTime();
    consecutiveFailures = 0;
    moveTo('open');
  };

  /** The state, after letting an open period that has passed end. */
  const observe = (): CircuitState => {
    if (current === 'open' && clock.now().getTime() - openedAt >= openMs) moveTo('half_open');
    return current;
  };

  const retryAfterSeconds = (): number => {
    const state = observe();
    if (state === 'closed') return 0;
    if (state === 'half_open') return 1;
    return Math.max(1, Math.ceil((openedAt + openMs - clock.now().getTime()) / 1000));
  };

  const settle = (trial: boolean, outage: boolean) => {
    if (trial) {
      trialInFlight = false;
      if (outage) open();
      else moveTo('closed');
      return;
    }
    // A call admitted while closed that settles after the circuit opened says nothing new.
    if (current !== 'closed') return;
    if (!outage) {
      consecutiveFailures = 0;
      return;
    }
    consecutiveFailures += 1;
    if (consecutiveFailures >= failureThreshold) open();
  };

  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      const state = observe();
      const trial = state === 'half_open';
      if (state === 'open' || (trial && trialInFlight)) throw new CircuitOpenError(name, retryAfterSeconds());
      if (trial) trialInFlight = true;
      let result: T;
      try {
        result = await work();
      } catch (error) {
        settle(trial, isFailure(error));
        throw error;
      }
      settle(trial, false);
      return result;
    },
    state: observe,
    retryAfterSeconds,
  };
}
