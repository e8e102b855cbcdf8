// Owns the Redis side of lease sets and of readMany. A lease set is a sorted set scored by the epoch
// ms at which each member's lease ends, always on the Redis SERVER's clock (TIME inside the scripts),
// so instances with skewed clocks agree on who is live. Expired members are removed lazily by
// leaseSet, leaseDrop and readMany, and the key itself is kept expiring with its longest lease.
// Each operation is one script: one command, one network round trip, atomic on the server.
import type { Redis } from 'ioredis';
import { assertName, assertTtl, type KeyValueStore, readManyKeys } from './types.js';

// Shared by the scripts. Integers are formatted with %.0f because Lua would print a large number
// in exponent notation, which ZADD tolerates but PEXPIRE rejects.
const LEASE_LIBRARY = `
local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
local function prune(key, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.0f', now))
end
-- Keeps the set exactly as long as its longest lease (Redis deletes a set left empty).
local function fit_expiry(key, now)
  local longest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if #longest == 2 then
    redis.call('PEXPIRE', key, string.format('%.0f', tonumber(longest[2]) - now))
  end
end
`;

// KEYS[1] the set, ARGV[1] the member, ARGV[2] the lease in ms.
const LEASE_SET_SCRIPT = `${LEASE_LIBRARY}
local now = now_ms()
prune(KEYS[1], now)
redis.call('ZADD', KEYS[1], string.format('%.0f', now + tonumber(ARGV[2])), ARGV[1])
fit_expiry(KEYS[1], now)`;

// KEYS[1] the set, ARGV[1] the member; 1 when the member held a live lease.
const LEASE_DROP_SCRIPT = `${LEASE_LIBRARY}
local now = now_ms()
local ends_at = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not ends_at then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
prune(KEYS[1], now)
fit_expiry(KEYS[1], now)
if tonumber(ends_at) > now then return 1 end
return 0`;

// KEYS: the value keys, then the lease sets; ARGV[1] how many value keys come first. A missing
// value is Lua false, which Redis answers as nil without cutting the array short.
const READ_MANY_SCRIPT = `${LEASE_LIBRARY}
local now = now_ms()
local split = tonumber(ARGV[1])
local values, leases = {}, {}
for i = 1, split do values[i] = redis.call('GET', KEYS[i]) end
for i = split + 1, #KEYS do
  prune(KEYS[i], now)
  leases[i - split] = redis.call('ZRANGE', KEYS[i], 0, -1)
end
return {values, leases}`;

type LeaseRedis = Redis & {
  kvLeaseSet(key: string, member: string, ttlMs: number): Promise<unknown>;
  kvLeaseDrop(key: string, member: string): Promise<number>;
  kvReadMany(
    keyCount: number,
    ...keysThenSplit: (string | number)[]
  ): Promise<[(string | null)[], string[][]]>;
};

type LeaseOperations = Pick<KeyValueStore, 'leaseSet' | 'leaseDrop' | 'readMany'>;

/** The lease and readMany operations on `redis`; the scripts' keys get its keyPrefix like any other key. */
export function redisLeaseOperations(redis: Redis): LeaseOperations {
  redis.defineCommand('kvLeaseSet', { numberOfKeys: 1, lua: LEASE_SET_SCRIPT });
  redis.defineCommand('kvLeaseDrop', { numberOfKeys: 1, lua: LEASE_DROP_SCRIPT });
  // The number of keys varies, so each call passes it first.
  redis.defineCommand('kvReadMany', { lua: READ_MANY_SCRIPT });
  const client = redis as LeaseRedis;

  return {
    async leaseSet(key, member, ttlMs) {
      assertName('key', key);
      assertName('member', member);
      assertTtl(ttlMs, true);
      await client.kvLeaseSet(key, member, ttlMs);
    },

    async leaseDrop(key, member) {
      assertName('key', key);
      assertName('member', member);
      return (await client.kvLeaseDrop(key, member)) === 1;
    },

    async readMany(request) {
      const { values, leases } = readManyKeys(request);
      if (values.length + leases.length === 0) return { values: [], leases: [] };
      const [valueReplies, leaseReplies] = await client.kvReadMany(
        values.length + leases.length,
        ...values,
        ...leases,
        values.length,
      );
      return { values: valueReplies, leases: leaseReplies };
    },
  };
}
