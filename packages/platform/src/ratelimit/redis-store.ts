// Owns the rate-limit store shared by every instance: the GCRA of gcra.ts as one Lua script (EVALSHA
// through ioredis defineCommand), so read, decide and write are atomic in one round trip. The clock is
// Redis's TIME, so instances with skewed clocks agree, and a key expires when its TAT passes.
import type { Redis } from 'ioredis';
import { gcraParameters } from './gcra.js';
import { type RateLimitStore, storageKey } from './store.js';

// Line for line the arithmetic of decide() in gcra.ts, on whole microseconds (exact in Lua's doubles).
// The TAT is written with %.0f because Redis may print a Lua number with too few digits.
const GCRA_SCRIPT = `
local interval, tolerance, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end
local tat = math.max(tonumber(redis.call('GET', KEYS[1])) or now, now)
local candidate = tat + cost
local allowed = candidate - now <= tolerance
if allowed then
  tat = candidate
  redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000))
end
local retry = 0
if not allowed then retry = math.ceil((candidate - now - tolerance) / 1000) end
local remaining = math.max(0, math.floor((tolerance - (tat - now)) / interval))
return { allowed and 1 or 0, remaining, math.ceil((tat - now) / 1000), retry }`;

type GcraReply = [allowed: number, remaining: number, resetAfterMs: number, retryAfterMs: number];

type ScriptedRedis = Redis & {
  rateLimitGcra(
    key: string,
    intervalUs: number,
    toleranceUs: number,
    costUs: number,
    nowUs: number | '',
  ): Promise<GcraReply>;
};

export interface RedisRateLimitStoreOptions {
  /** Prepended to every key (after the client's own keyPrefix); default `ratelimit:`. */
  keyPrefix?: string;
}

/**
 * `redis` should fail fast rather than queue while disconnected (`enableOfflineQueue: false`, a short
 * `commandTimeout`); the failover store bounds the wait either way.
 */
export function createRedisRateLimitStore(
  redis: Redis,
  options: RedisRateLimitStoreOptions = {},
): RateLimitStore {
  const keyPrefix = options.keyPrefix ?? 'ratelimit:';
  const client = redis as ScriptedRedis;
  client.defineCommand('rateLimitGcra', { numberOfKeys: 1, lua: GCRA_SCRIPT });

  return {
    async consume(key, policy, nowMs) {
      const { intervalUs, toleranceUs, costUs } = gcraParameters(policy.limit, policy.periodMs);
      const nowUs = nowMs === undefined ? '' : Math.round(nowMs * 1000);
      const [allowed, remaining, resetAfterMs, retryAfterMs] = await client.rateLimitGcra(
        keyPrefix + storageKey(policy, key),
        intervalUs,
        toleranceUs,
        costUs,
        nowUs,
      );
      return { allowed: allowed === 1, remaining, resetAfterMs, retryAfterMs };
    },
  };
}
