// Owns choosing and wiring the limiter's store for one server: memory when no REDIS_URL is set;
// otherwise a dedicated ioredis client that never queues or retries a command and times out fast,
// wrapped in the failover store (memory during an outage, one log line when it starts and one when
// it ends), with its state exported on the server's Prometheus registry.
import { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RateLimitSettings } from '../config/index.js';
import type { Logger } from '../log/index.js';
import type { Clock } from '../time/clock.js';
import { createFailoverRateLimitStore } from './failover-store.js';
import { createMemoryRateLimitStore } from './memory-store.js';
import { createRedisRateLimitStore } from './redis-store.js';
import type { RateLimitStore } from './store.js';

export interface LimiterStore {
  store: RateLimitStore;
  close(): Promise<void>;
}

export interface LimiterStoreOptions {
  redisUrl: string | undefined;
  settings: RateLimitSettings;
  logger: Logger;
  /** Times the in-memory decisions. */
  clock: Clock;
  registry: Registry;
}

/** Resolves once Redis is connected or the first attempt failed (then it keeps reconnecting). */
export async function createLimiterStore(options: LimiterStoreOptions): Promise<LimiterStore> {
  const { redisUrl, settings, logger, clock, registry } = options;
  const memory = createMemoryRateLimitStore({ clock });
  if (!redisUrl) return { store: memory, close: async () => undefined };

  const redis = new Redis(redisUrl, {
    keyPrefix: settings.keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: settings.redisTimeoutMs,
    connectTimeout: 1_000,
    // The limit and the ban counter of one request leave in one write.
    enableAutoPipelining: true,
    disableClientInfo: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  // Connection errors surface as failed commands, which the failover store reports once per outage.
  redis.on('error', () => undefined);
  // Waited for so the first requests do not count as an outage; a Redis down at start is one.
  await redis.connect().catch(() => undefined);

  const outages = new Counter({
    name: 'ratelimit_redis_outages_total',
    help: 'Times the rate limiter lost Redis and switched to in-memory decisions',
    registers: [registry],
  });
  const store = createFailoverRateLimitStore({
    primary: createRedisRateLimitStore(redis),
    fallback: memory,
    timeoutMs: settings.redisTimeoutMs,
    onOutage: (error) => {
      outages.inc();
      logger.error(
        { event: 'ratelimit_redis_outage', err: error },
        'rate limiter: Redis unreachable, limiting in memory per instance',
      );
    },
    onRecovery: () => logger.info({ event: 'ratelimit_redis_recovered' }, 'rate limiter: Redis is back'),
  });
  new Gauge({
    name: 'ratelimit_degraded',
    help: '1 while the rate limiter decides in memory because Redis is unreachable',
    registers: [registry],
    collect() {
      this.set(store.status().degraded ? 1 : 0);
    },
  });
  new Counter({
    name: 'ratelimit_fallback_decisions_total',
    help: 'Rate-limit decisions made in memory because Redis was unreachable',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(store.status().fallbackDecisions);
    },
  });
  return {
    store,
    async close() {
      redis.disconnect();
    },
  };
}
