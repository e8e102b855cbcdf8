// Public surface of the key-value module and the choice of backend: Redis when a URL is configured,
// the in-process memory store otherwise.
import type { Clock } from '../time/clock.js';
import { createMemoryStore } from './memory.js';
import { createRedisStore } from './redis.js';
import type { KeyValueStore } from './types.js';

export type { KeyValueStore, MessageHandler, SetOptions } from './types.js';
export { READ_MANY_MAX_KEYS } from './types.js';

export interface KeyValueStoreOptions {
  url?: string;
  /** Prepended to Redis keys and channels. A memory store is private to its process, so it needs none. */
  keyPrefix?: string;
  /** Time for the memory store's expiries; Redis keeps its own time. */
  clock?: Clock;
  /**
   * Receives errors no caller can: a subscriber's handler throwing or rejecting, a Redis connection
   * lost after start-up. Defaults to a process warning.
   */
  onError?: (error: unknown) => void;
}

const warn = (error: unknown) => process.emitWarning(error instanceof Error ? error : String(error));

export async function createKeyValueStore(options: KeyValueStoreOptions = {}): Promise<KeyValueStore> {
  const { url, keyPrefix, clock, onError = warn } = options;
  if (url) return createRedisStore({ url, keyPrefix, onError });
  return createMemoryStore({ clock, onError });
}
