// Owns the attempt throttles of an app (passwords, second-factor codes) and how they behave while
// Redis is unreachable: an attempt that Redis fails or does not answer in time is reserved in an
// in-process store instead, so sign-in keeps working and is never answered with a 500. That store
// knows nothing of the attempts made before the outage, so it is conservative rather than fresh: no
// attempt is free there, each one leaves the escalating lock at once (1 s, 2 s, 4 s, …). An outage
// is reported once; while it lasts at most one reservation per probe interval tries Redis, and the
// first that succeeds switches back. Attempts made in memory are not replayed into Redis.

import { createMemoryStore } from '../kv/memory.js';
import type { KeyValueStore } from '../kv/types.js';
import type { Logger } from '../log/index.js';
import type { Clock } from '../time/clock.js';
import { type AttemptThrottle, createAttemptThrottle, type LoginThrottleSettings } from './login-throttle.js';

export interface FailoverSwitchOptions {
  /** Longest wait for the primary before deciding with the fallback; default 1 s. */
  timeoutMs?: number;
  /** Least time between two tries of the primary while it is down; default 1 s. */
  probeIntervalMs?: number;
  clock: Clock;
  /** Called once when an outage starts, with the error that revealed it. */
  onOutage(error: unknown): void;
  /** Called once when the primary answers again. */
  onRecovery(): void;
}

/** Runs work on a primary while it answers and on a fallback while it does not. */
export function createFailoverSwitch(options: FailoverSwitchOptions) {
  const { clock, onOutage, onRecovery, timeoutMs = 1_000, probeIntervalMs = 1_000 } = options;
  const now = () => clock.now().getTime();
  let degraded = false;
  let nextProbeAt = 0;

  function withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  return {
    get degraded() {
      return degraded;
    },
    async run<T>(primary: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
      const probe = degraded;
      if (!probe || now() >= nextProbeAt) {
        // Claimed before awaiting, so calls arriving meanwhile go straight to the fallback.
        if (probe) nextProbeAt = now() + probeIntervalMs;
        try {
          const result = await withTimeout(primary());
          // Only a probe ends an outage: a call sent before it began may still have succeeded.
          if (probe && degraded) {
            degraded = false;
            onRecovery();
          }
          return result;
        } catch (error) {
          if (!degraded) {
            degraded = true;
            nextProbeAt = now() + probeIntervalMs;
            onOutage(error);
          }
        }
      }
      return fallback();
    },
  };
}

type FailoverSwitch = ReturnType<typeof createFailoverSwitch>;

/** A throttle on the shared store that reserves in memory while that store is down. */
export function withFailover(primary: AttemptThrottle, fallback: AttemptThrottle, sw: FailoverSwitch) {
  return {
    reserve: (account, address) =>
      sw.run(
        async () => {
          const reservation = await primary.reserve(account, address);
          if (!reservation.granted) return reservation;
          // Forgiving a success is best effort: if Redis is gone by then, the attempt stays counted.
          return { ...reservation, succeeded: () => reservation.succeeded().catch(() => undefined) };
        },
        () => fallback.reserve(account, address),
      ),
    async clearAccount(account) {
      await fallback.clearAccount(account);
      // The reset itself is committed already; locks Redis keeps through an outage run out on their own.
      await sw.run(
        () => primary.clearAccount(account),
        async () => undefined,
      );
    },
  } satisfies AttemptThrottle;
}

export interface AttemptThrottles {
  password: AttemptThrottle;
  secondFactor: AttemptThrottle;
}

/** The throttles of one app: plain on the memory store, failing over to memory on Redis. */
export function createAttemptThrottles(
  deps: { kv: KeyValueStore; clock: Clock; logger: Logger },
  settings: LoginThrottleSettings = {},
  failover: Omit<FailoverSwitchOptions, 'clock' | 'onOutage' | 'onRecovery'> = {},
): AttemptThrottles {
  const { kv, clock, logger } = deps;
  const build = (store: KeyValueStore, conservative: boolean): AttemptThrottles => {
    const free = conservative ? { freeFailuresPerAddress: 0, freeFailuresPerAccount: 0 } : {};
    return {
      password: createAttemptThrottle(store, clock, { ...settings, ...free, namespace: 'login' }),
      secondFactor: createAttemptThrottle(store, clock, { ...settings, ...free, namespace: 'second-factor' }),
    };
  };
  if (kv.kind === 'memory') return build(kv, false);
  const primary = build(kv, false);
  const memory = createMemoryStore({ clock, onError: (error) => logger.error({ err: error }, 'kv error') });
  const fallback = build(memory, true);
  const sw = createFailoverSwitch({
    ...failover,
    clock,
    onOutage: (error) =>
      logger.error(
        { event: 'auth_throttle_redis_outage', err: error },
        'Redis is unreachable: sign-in attempts are counted in memory (no free attempts) until it returns',
      ),
    onRecovery: () =>
      logger.warn(
        { event: 'auth_throttle_redis_recovered' },
        'Redis answers again: sign-in attempts counted there',
      ),
  });
  return {
    password: withFailover(primary.password, fallback.password, sw),
    secondFactor: withFailover(primary.secondFactor, fallback.secondFactor, sw),
  };
}
