// Owns the Redis key-value store (REDIS_URL) on ioredis: one connection for commands and a second,
// opened on the first subscribe, for pub/sub. Commands fail fast while Redis is unreachable (no
// offline queue, 2 s timeouts) and reconnection happens in the background; an unreachable server at
// start-up rejects within seconds and leaves no reconnect loop behind.
import { Redis } from 'ioredis';
import { assertTtl, type KeyValueStore, type Subscription } from './types.js';

export interface RedisStoreOptions {
  url: string;
  /** Prepended to every key and channel so several stores can share one Redis. */
  keyPrefix?: string;
  /** Receives what no caller can: a subscriber's handler failing, a connection lost after start-up. */
  onError: (error: unknown) => void;
}

interface Channel {
  subscriptions: Set<Subscription>;
  /** Settles when Redis has confirmed the SUBSCRIBE. */
  subscribed: Promise<unknown>;
}

// INCRBY and, when that created the key, PEXPIRE, as one atomic step.
const INCREMENT_SCRIPT = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if value == tonumber(ARGV[1]) and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value`;

type ScriptedRedis = Redis & { kvIncrement(key: string, by: number, ttlMs: number): Promise<number> };

/** The URL as it may appear in an error message: the password masked. */
function printable(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}

/**
 * Opens a connection, or rejects naming the cause. Until the first connect succeeds the client does
 * not retry, so a failed start leaves no reconnect timer behind; afterwards it reconnects with backoff.
 */
async function connect(url: string, onError: (error: unknown) => void, keyPrefix = ''): Promise<Redis> {
  let connected = false;
  const client = new Redis(url, {
    keyPrefix,
    lazyConnect: true,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    maxRetriesPerRequest: 1,
    // While disconnected, reject at once instead of queueing until the connection returns.
    enableOfflineQueue: false,
    retryStrategy: (attempt) => (connected ? Math.min(attempt * 50, 2_000) : null),
    // CLIENT SETINFO runs before the ready check and would double the time a server that accepts
    // but never answers takes to fail; the wait for such a server to close is cut the same way.
    disableClientInfo: true,
    disconnectTimeout: 500,
  });
  let cause: unknown;
  const remember = (error: unknown) => {
    cause = error;
  };
  client.on('error', remember);
  try {
    await client.connect();
  } catch (error) {
    const reason = cause ?? error;
    throw new Error(
      `cannot connect to Redis at ${printable(url)}: ${reason instanceof Error ? reason.message : reason}`,
      { cause: reason },
    );
  } finally {
    client.off('error', remember);
  }
  connected = true;
  client.on('error', onError);
  return client;
}

async function shutDown(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

export async function createRedisStore(options: RedisStoreOptions): Promise<KeyValueStore> {
  const { url, keyPrefix = '', onError } = options;
  const client = (await connect(url, onError, keyPrefix)) as ScriptedRedis;
  client.defineCommand('kvIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });

  const channels = new Map<string, Channel>();
  let subscriber: Promise<Redis> | undefined;
  let closed = false;

  function deliver(name: string, message: string): void {
    for (const subscription of channels.get(name)?.subscriptions ?? []) {
      Promise.resolve()
        .then(() => (subscription.active ? subscription.handler(message) : undefined))
        .catch(onError);
    }
  }

  function openSubscriber(): Promise<Redis> {
    subscriber ??= connect(url, onError)
      .then((connection) => connection.on('message', deliver))
      .catch((error: unknown) => {
        subscriber = undefined;
        throw error;
      });
    return subscriber;
  }

  return {
    kind: 'redis',

    get: (key) => client.get(key),

    async set(key, value, { ttlMs, onlyIfAbsent = false } = {}) {
      assertTtl(ttlMs);
      let reply: string | null;
      if (ttlMs === undefined) {
        reply = onlyIfAbsent ? await client.set(key, value, 'NX') : await client.set(key, value);
      } else {
        reply = onlyIfAbsent
          ? await client.set(key, value, 'PX', ttlMs, 'NX')
          : await client.set(key, value, 'PX', ttlMs);
      }
      return reply === 'OK';
    },

    delete: async (key) => (await client.del(key)) === 1,

    async increment(key, by = 1, { ttlMs } = {}) {
      // Checked here because the script would already have incremented when PEXPIRE rejected it.
      assertTtl(ttlMs);
      return client.kvIncrement(key, by, ttlMs ?? 0);
    },

    async ttlMs(key) {
      const remaining = await client.pttl(key);
      return remaining < 0 ? null : remaining;
    },

    exists: async (key) => (await client.exists(key)) === 1,

    async publish(channel, message) {
      await client.publish(keyPrefix + channel, message);
    },

    async subscribe(channel, handler) {
      if (closed) throw new Error('key-value store is closed');
      const name = keyPrefix + channel;
      let entry = channels.get(name);
      if (!entry) {
        entry = { subscriptions: new Set(), subscribed: openSubscriber().then((s) => s.subscribe(name)) };
        channels.set(name, entry);
      }
      const subscription: Subscription = { handler, active: true };
      entry.subscriptions.add(subscription);
      try {
        await entry.subscribed;
      } catch (error) {
        if (channels.get(name) === entry) channels.delete(name);
        throw error;
      }
      const subscribed = entry;
      return async () => {
        if (!subscription.active) return;
        subscription.active = false;
        subscribed.subscriptions.delete(subscription);
        if (subscribed.subscriptions.size > 0 || channels.get(name) !== subscribed) return;
        channels.delete(name);
        await (await openSubscriber()).unsubscribe(name);
      };
    },

    async ping() {
      await client.ping();
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const { subscriptions } of channels.values()) {
        for (const subscription of subscriptions) subscription.active = false;
      }
      channels.clear();
      const connections = [client, await subscriber?.catch(() => undefined)];
      await Promise.all(connections.flatMap((connection) => (connection ? [shutDown(connection)] : [])));
    },
  };
}
