// Owns presence's layout in the key-value store and reading it back in ONE round trip. Per user:
// - `presence:leases:<userId>`: a lease set, one member per socket (its connection id) or REST
//   session (`rest:<sessionId>`), each alive until its own TTL ends;
// - `presence:active:<userId>`: the last user activity (app clock, epoch ms);
// - `presence:hidden:<userId>`: '1' or '0', a mirror of presence_settings.hidden (missing: unknown);
// - `presence:published:<userId>`: the state the user's peers were last told (missing: offline);
// - `presence:lock:<userId>`: held for a moment by the instance deciding a status change.
// And `presence:tracked`: a lease set of the users whose published state is not offline, which the
// orphan sweep re-checks when the instance that told their peers is gone.
import type { KeyValueStore } from '@app/platform';

export type PresenceState = 'online' | 'away' | 'offline';

export interface PresenceRecord {
  userId: string;
  /** Members of the user's lease set whose lease is still alive. */
  leases: string[];
  /** Epoch ms (app clock) of the last user activity, null when none is kept. */
  lastActiveAt: number | null;
  /** The mirror of the hidden setting; null when the mirror is gone and the database must say. */
  hidden: boolean | null;
  /** The state peers were last told (offline when never); only read when asked for. */
  published: PresenceState;
}

/** How long last activity, the hidden mirror and a published state are kept after their last write. */
const RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** A tracked user is forgotten this long after their last change even if no sweep dropped them. */
const TRACKED_TTL_MS = 24 * 60 * 60 * 1000;
/** Longest a status change may hold its user's lock (a crashed holder frees it after this). */
const LOCK_TTL_MS = 5_000;
const TRACKED_KEY = 'presence:tracked';

const key = {
  leases: (userId: string) => `presence:leases:${userId}`,
  active: (userId: string) => `presence:active:${userId}`,
  hidden: (userId: string) => `presence:hidden:${userId}`,
  published: (userId: string) => `presence:published:${userId}`,
  lock: (userId: string) => `presence:lock:${userId}`,
};

const STATES = new Set<string>(['online', 'away', 'offline']);

export type PresenceStore = ReturnType<typeof createPresenceStore>;

export function createPresenceStore(kv: KeyValueStore) {
  return {
    /** Every user's record in one round trip (the published state only when asked for). */
    async read(
      userIds: readonly string[],
      { published = false }: { published?: boolean } = {},
    ): Promise<PresenceRecord[]> {
      if (userIds.length === 0) return [];
      const { values, leases } = await kv.readMany({
        values: [
          ...userIds.map(key.active),
          ...userIds.map(key.hidden),
          ...(published ? userIds.map(key.published) : []),
        ],
        leases: userIds.map(key.leases),
      });
      const count = userIds.length;
      return userIds.map((userId, index) => {
        const active = values[index];
        const hidden = values[count + index];
        const told = published ? values[2 * count + index] : null;
        return {
          userId,
          leases: leases[index] ?? [],
          lastActiveAt: active == null ? null : Number(active),
          hidden: hidden == null ? null : hidden === '1',
          published: told != null && STATES.has(told) ? (told as PresenceState) : 'offline',
        };
      });
    },

    /** Adds or renews one connection's lease (a shorter TTL shortens it: the grace after a close). */
    lease: (userId: string, member: string, ttlMs: number) => kv.leaseSet(key.leases(userId), member, ttlMs),

    recordActivity: (userId: string, at: number) =>
      kv.set(key.active(userId), String(at), { ttlMs: RETENTION_MS }),

    mirrorHidden: (userId: string, hidden: boolean) =>
      kv.set(key.hidden(userId), hidden ? '1' : '0', { ttlMs: RETENTION_MS }),
    /** Writes the mirror only where there is none (a reader restoring it never overwrites a change). */
    restoreHidden: (userId: string, hidden: boolean) =>
      kv.set(key.hidden(userId), hidden ? '1' : '0', { ttlMs: RETENTION_MS, onlyIfAbsent: true }),
    forgetHidden: (userId: string) => kv.delete(key.hidden(userId)),

    /** Records what peers were told, and keeps the user on the orphan sweep's list while not offline. */
    async publish(userId: string, state: PresenceState): Promise<void> {
      if (state === 'offline') {
        await kv.delete(key.published(userId));
        await kv.leaseDrop(TRACKED_KEY, userId);
        return;
      }
      await kv.set(key.published(userId), state, { ttlMs: RETENTION_MS });
      await kv.leaseSet(TRACKED_KEY, userId, TRACKED_TTL_MS);
    },

    /** The users whose published state is not offline. */
    async tracked(): Promise<string[]> {
      const { leases } = await kv.readMany({ leases: [TRACKED_KEY] });
      return leases[0] ?? [];
    },

    /** True when this caller now holds the user's status-change lock. */
    lock: (userId: string) => kv.set(key.lock(userId), '1', { onlyIfAbsent: true, ttlMs: LOCK_TTL_MS }),
    unlock: (userId: string) => kv.delete(key.lock(userId)),
  };
}
