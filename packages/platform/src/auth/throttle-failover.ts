// Owns the attempt throttles of an app (passwords, second-factor codes) and how they behave while
// Redis is unreachable: an attempt that Redis fails or does not answer in time is reserved in an
// in-process store instead, so sign-in keeps working and is never answered with a 500. That store
// knows nothing of the attempts made before the outage, so it is conservative rather than fresh: no
// attempt is free there, each one leaves the escalating lock at once (1 s, 2 s, 4 s, …). An outage
// is reported once; while it lasts at most one reservation per probe interval tries Redis, and the
// first that succeeds switches back. Attempts made in memory are not replayed into Redis.

import { createFailoverSwitch, type FailoverSwitch } from '../kv/failover-switch.js';
import { createMemoryStore } from '../kv/memory.js';
import type { KeyValueStore } from '../kv/types.js';
import type { Logger } from '../log/index.js';
import type { Clock } from '../time/clock.js';
import { type AttemptThrottle, createAttemptThrottle, type LoginThrottleSettings } from './login-throttle.js';

/** How the throttles wait on Redis and probe it during an outage; defaults 1 s and 1 s. */
export interface ThrottleFailoverSettings {
  timeoutMs?: number;
  probeIntervalMs?: number;
}

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
  failover: ThrottleFailoverSettings = {},
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
    name: 'sign-in throttle store',
    timeoutMs: failover.timeoutMs ?? 1_000,
    probeIntervalMs: failover.probeIntervalMs ?? 1_000,
    now: () => clock.now().getTime(),
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
