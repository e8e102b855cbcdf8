// Owns telling a user's peers when their visible state changes, once per real change: the change is
// decided under the user's short lock in the key-value store (so two instances never both announce
// it) against the state peers were last told, and pushed as an ephemeral `presence` event to the
// interested peers (conversation partners) minus those blocked either way. A hidden user reads as
// offline, so after one `offline` they push nothing. It also finds the changes nobody causes
// directly: each instance re-checks the users it holds leases for every `sweepMs` (an expired lease
// of a crashed client, an idle user turning away), re-checks a user just after a clean close's grace
// ends, and the orphan sweep re-checks every user shown online when their instance died.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger, RealtimeGateway } from '@app/platform';
import type { Safety } from '../safety/service.js';
import type { PresenceOptions } from './options.js';
import { coarseActivity, visibleState } from './state.js';
import type { PresenceRecord, PresenceState, PresenceStore } from './store.js';
import type { Visibility } from './visibility.js';

export interface TrackerDependencies {
  store: PresenceStore;
  visibility: Visibility;
  now: () => number;
  logger: Logger;
  realtime: Pick<RealtimeGateway, 'publishToUsers'>;
  safety: Pick<Safety, 'blockedAmong'>;
  interestedPeers: (userId: string) => Promise<string[]>;
  options: PresenceOptions;
}

/** Users read per key-value round trip when many are re-checked at once. */
const BATCH = 500;
/** A re-check after a clean close waits this much past the grace, so the shortened lease has ended. */
const GRACE_MARGIN_MS = 100;
/** A change waits this long, at most, for another instance deciding the same user (then the sweep retries). */
const LOCK_ATTEMPTS = 10;
const LOCK_RETRY_MS = 25;

export const PRESENCE_EVENT = 'presence';

export type Tracker = ReturnType<typeof createTracker>;

export function createTracker(dependencies: TrackerDependencies) {
  const { store, visibility, now, logger, realtime, safety, interestedPeers, options } = dependencies;
  /** Users this instance took a lease for and has not yet seen offline. */
  const watched = new Set<string>();
  /** Re-checks waiting for a clean close's grace to end. */
  const afterGraces = new Set<Promise<void>>();

  const stateOf = (record: PresenceRecord) => visibleState(record, now(), options.awayAfterMs);

  async function tellPeers(record: PresenceRecord, state: PresenceState): Promise<void> {
    const peers = (await interestedPeers(record.userId)).filter((peer) => peer !== record.userId);
    if (peers.length === 0) return;
    const blocked = await safety.blockedAmong(record.userId, peers);
    const audience = peers.filter((peer) => !blocked.has(peer));
    if (audience.length === 0) return;
    await realtime.publishToUsers(audience, {
      type: PRESENCE_EVENT,
      delivery: 'ephemeral',
      payload: {
        userId: record.userId,
        state,
        lastActiveAt: record.hidden ? null : coarseActivity(record.lastActiveAt),
      },
    });
  }

  /** True once this instance holds the user's lock; false when another kept it too long. */
  async function lock(userId: string): Promise<boolean> {
    for (let attempt = 1; attempt < LOCK_ATTEMPTS; attempt += 1) {
      if (await store.lock(userId)) return true;
      await sleep(LOCK_RETRY_MS);
    }
    return store.lock(userId);
  }

  /**
   * Announces the user's visible state if it differs from what peers were last told. Resolves once it
   * is announced, by this call or by whoever held the lock (unless they held it too long: then the
   * next sweep re-checks).
   */
  async function change(userId: string): Promise<void> {
    if (!(await lock(userId))) return;
    try {
      const [record] = await visibility.resolve(await store.read([userId], { published: true }));
      if (!record) return;
      const state = stateOf(record);
      if (state === record.published) return;
      await store.publish(userId, state);
      await tellPeers(record, state);
    } finally {
      await store.unlock(userId);
    }
  }

  /** Announces the changes among these freshly read records; forgets users seen offline without a lease. */
  async function check(records: readonly PresenceRecord[]): Promise<void> {
    for (const record of records) {
      if (stateOf(record) !== record.published) await change(record.userId);
      else if (record.published === 'offline' && record.leases.length === 0) watched.delete(record.userId);
    }
  }

  /** Reads these users (a round trip per BATCH) and announces their changes. */
  async function recheck(userIds: readonly string[]): Promise<void> {
    for (let start = 0; start < userIds.length; start += BATCH) {
      const batch = userIds.slice(start, start + BATCH);
      await check(await visibility.resolve(await store.read(batch, { published: true })));
    }
  }

  const logFailure = (what: string) => (error: unknown) =>
    logger.warn({ event: 'presence_recheck_failed', what, err: error }, 'presence re-check failed');

  return {
    watch: (userId: string) => void watched.add(userId),
    check,
    recheck,

    /** After a clean close: re-checks the user once the shortened lease has ended. */
    afterGrace(userId: string): void {
      const done = sleep(options.graceMs + GRACE_MARGIN_MS, undefined, { ref: false })
        .then(() => recheck([userId]))
        .catch(logFailure('grace'))
        .finally(() => afterGraces.delete(done));
      afterGraces.add(done);
    },

    /** Re-checks every user this instance watches. */
    sweepWatched: () => recheck([...watched]).catch(logFailure('watched')),

    /** Re-checks every user shown online or away anywhere (those whose instance died included). */
    sweepOrphans: async () => recheck(await store.tracked()),

    /** Waits for the re-checks of sockets closed until now (at most the grace), so a shutdown tells their partners. */
    async stop(): Promise<void> {
      await Promise.all(afterGraces);
    },
  };
}
