// Owns the Redis key-value store (REDIS_URL) on ioredis: one connection for commands and a second,
// opened on the first subscribe, for pub/sub. Commands fail fast while Redis is unreachable (no
// offline queue, 2 s timeouts) and reconnection happens in the background; an unreachable server at
// start-up rejects within seconds and leaves no reconnect loop behind. After the subscriber connection
// comes back, this store (not ioredis) subscribes again to every channel in use and only then tells
// the onSubscriptionsRestored listeners, which refetch what was published while it was down.
// Lease sets and readMany live in redis-leases.ts.
import { Redis, type RedisOptions } from 'ioredis';
import { redisLeaseOperations } from './redis-leases.js';
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
async function connect(
  url: string,
  onError: (error: unknown) => void,
  extra: Pick<RedisOptions, 'keyPrefix' | 'connectionName' | 'autoResubscribe'> = {},
): Promise<Redis> {
  let connected = false;
  const client = new Redis(url, {
    ...extra,
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
  const client = (await connect(url, onError, { keyPrefix })) as ScriptedRedis;
  client.defineCommand('kvIncrement', { numberOfKeys: 1, lua: INCREMENT_SCRIPT });

  const channels = new Map<string, Channel>();
  const restoredListeners = new Set<() => void>();
  let subscriber: Promise<Redis> | undefined;
  let closed = false;

  function deliver(name: string, message: string): void {
    for (const subscription of channels.get(name)?.subscriptions ?? []) {
      Promise.resolve()
        .then(() => (subscription.active ? subscription.handler(message) : undefined))
        .catch(onError);
    }
  }

  /**
   * Runs on every 'ready' after the first, that is after a reconnect. A restore that fails drops the
   * connection, so the next reconnect tries again.
   */
  async function restoreSubscriptions(connection: Redis): Promise<void> {
    try {
      const names = [...channels.keys()];
      if (names.length > 0) await connection.subscribe(...names);
    } catch (error) {
      onError(error);
      if (!closed && connection.status === 'ready') connection.disconnect(true);
      return;
    }
    if (closed) return;
    for (const listener of [...restoredListeners]) {
      try {
        listener();
      } catch (error) {
        onError(error);
      }
    }
  }

  function openSubscriber(): Promise<Redis> {
    // The name lets an operator (and a test) find this connection in CLIENT LIST; SETNAME takes no spaces.
    const connectionName = `kv-subscriber:${keyPrefix}`.replace(/[^!-~]/g, '_');
    subscriber ??= connect(url, onError, { connectionName, autoResubscribe: false })
      .then((connection) =>
        connection.on('message', deliver).on('ready', () => void restoreSubscriptions(connection)),
      )
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

    ...redisLeaseOperations(client),

    onSubscriptionsRestored(listener) {
      // Wrapped so that adding one function twice makes two registrations, each removed on its own.
      const registered = () => listener();
      restoredListeners.add(registered);
      return () => void restoredListeners.delete(registered);
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
