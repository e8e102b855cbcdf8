// Owns the ban list: clients refused outright for a while, e.g. after a flood. A ban is one key with a
// TTL in the key-value store (Redis: shared, kept across restarts; memory when embedded). The store
// cannot list keys, so list() reads an index of ban end times in 16 shards (a flood of bans rewrites
// small values), each rewritten under a short lock. The index is only a hint checked against the ban
// keys, so bans that expired or were lifted need no clean-up.
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyValueStore } from '../kv/types.js';
import { type Clock, systemClock } from '../time/clock.js';

export interface Ban {
  until: Date;
  reason: string;
}

export interface ListedBan extends Ban {
  client: string;
}

export interface BanList {
  /** Bans `client` for `durationMs`, unless a ban ending later is in force. Returns the ban in force. */
  ban(client: string, options: { durationMs: number; reason: string }): Promise<Ban>;
  isBanned(client: string): Promise<Ban | null>;
  /** Returns true when a ban was in force. */
  lift(client: string): Promise<boolean>;
  /** The bans in force, the soonest to end first. */
  list(): Promise<ListedBan[]>;
}

export interface BanListOptions {
  clock?: Clock;
  /** Default `ban:`. */
  keyPrefix?: string;
}

const SHARDS = 16;
const LOCK_TTL_MS = 1_000;
const LOCK_ATTEMPTS = 100;
const LOCK_RETRY_MS = 10;

const shardOf = (client: string) => createHash('sha1').update(client).digest().readUInt32BE(0) % SHARDS;

export function createBanList(kv: KeyValueStore, options: BanListOptions = {}): BanList {
  const clock = options.clock ?? systemClock;
  const prefix = options.keyPrefix ?? 'ban:';
  const banKey = (client: string) => `${prefix}client:${client}`;
  const shardKey = (shard: number) => `${prefix}index:${shard}`;
  const now = () => clock.now().getTime();

  async function read(client: string): Promise<Ban | null> {
    const raw = await kv.get(banKey(client));
    if (raw === null) return null;
    const { until, reason } = JSON.parse(raw) as { until: string; reason: string };
    return { until: new Date(until), reason };
  }

  /** Entries [client, until ms], read as pairs so no client name can reach an object's prototype. */
  async function readShard(key: string): Promise<Map<string, number>> {
    return new Map(JSON.parse((await kv.get(key)) ?? '[]') as [string, number][]);
  }

  async function withLock(key: string, work: () => Promise<void>): Promise<void> {
    const lock = `${key}:lock`;
    const token = randomUUID();
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt += 1) {
      if (await kv.set(lock, token, { onlyIfAbsent: true, ttlMs: LOCK_TTL_MS })) {
        try {
          return await work();
        } finally {
          // Not atomic, but the lock could only have passed on if this work outlived its TTL.
          if ((await kv.get(lock)) === token) await kv.delete(lock);
        }
      }
      await sleep(LOCK_RETRY_MS);
    }
    // Still contended after a second: write anyway; bans are enforced by their own keys.
    return work();
  }

  /** Records (or, with null, removes) `client`'s end time in its shard, dropping entries that ended. */
  async function index(client: string, untilMs: number | null): Promise<void> {
    const key = shardKey(shardOf(client));
    await withLock(key, async () => {
      const entries = await readShard(key);
      if (untilMs === null) entries.delete(client);
      else entries.set(client, untilMs);
      const at = now();
      const live = [...entries].filter(([, until]) => until > at);
      if (live.length === 0) {
        await kv.delete(key);
        return;
      }
      const lastMs = live.reduce((last, [, until]) => Math.max(last, until), at);
      await kv.set(key, JSON.stringify(live), { ttlMs: lastMs - at });
    });
  }

  return {
    async ban(client, { durationMs, reason }) {
      if (!Number.isSafeInteger(durationMs) || durationMs < 1) {
        throw new RangeError(`durationMs must be a positive whole number, got ${durationMs}`);
      }
      const untilMs = now() + durationMs;
      const current = await read(client);
      if (current && current.until.getTime() >= untilMs) return current;
      const until = new Date(untilMs);
      await kv.set(banKey(client), JSON.stringify({ until: until.toISOString(), reason }), {
        ttlMs: durationMs,
      });
      await index(client, untilMs);
      return { until, reason };
    },

    isBanned: read,

    async lift(client) {
      const lifted = await kv.delete(banKey(client));
      if (lifted) await index(client, null);
      return lifted;
    },

    async list() {
      const at = now();
      const shards = await Promise.all(
        Array.from({ length: SHARDS }, (_, shard) => readShard(shardKey(shard))),
      );
      const clients = shards.flatMap((entries) =>
        [...entries].filter(([, until]) => until > at).map(([c]) => c),
      );
      const bans = await Promise.all(clients.map(async (client) => ({ client, ban: await read(client) })));
      return bans
        .flatMap(({ client, ban }) => (ban ? [{ client, ...ban }] : []))
        .sort((a, b) => a.until.getTime() - b.until.getTime());
    },
  };
}
