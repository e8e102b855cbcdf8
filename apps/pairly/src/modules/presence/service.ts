// Owns who is online, away or offline. Each socket (or REST client) holds a lease in the key-value
// store that its heartbeats renew; a user is online while a lease lives and their last activity is
// recent, away while idle, offline without a lease. A clean close shortens the socket's lease to a
// short grace (a quick reconnect does not flap); a crashed client's lease simply runs out. Lookups
// read everything in one key-value round trip; only conversation partners see each other's state
// (audience.ts), and hidden users and users blocked either way read as offline to them. Status changes go to interested peers only (tracker.ts).
import type { RealtimeGateway } from '@app/platform';
import type { PairlyBaseContext } from '../context.js';
import type { Safety } from '../safety/service.js';
import { conversationPartnersAmong, type PartnersAmong } from './audience.js';
import { type PresenceOptions, presenceOptions } from './options.js';
import { coarseActivity, liveState, visibleState } from './state.js';
import { createPresenceStore, type PresenceState } from './store.js';
import { createTracker } from './tracker.js';
import { createVisibility } from './visibility.js';

export type { PresenceState } from './store.js';

export interface PresenceView {
  userId: string;
  state: PresenceState;
  /** Last user activity to the minute; null when unknown or not shown (hidden, blocked). */
  lastActiveAt: string | null;
}

export interface Presence {
  readonly options: PresenceOptions;
  /** For the server's own decisions, never a user's read: each user's visible state (hidden reads offline). */
  statusOf(userIds: readonly string[]): Promise<Map<string, PresenceState>>;
  /**
   * What `viewerId` may see of each user (deduplicated, in the order asked): only conversation
   * partners' real state; one key-value round trip and one query for the partners.
   */
  lookup(viewerId: string, userIds: readonly string[]): Promise<PresenceView[]>;
  /** Takes or renews a lease (`member`: a connection id, or `rest:<sessionId>`); `active` is user activity. */
  heartbeat(userId: string, member: string, signal?: { active?: boolean }): Promise<void>;
  /** A cleanly closed connection: its lease ends after the grace period. */
  release(userId: string, member: string): Promise<void>;
  /** User activity seen elsewhere (a message sent). Never rejects: presence must not fail the caller. */
  touch(userId: string): Promise<void>;
  isHidden(userId: string): Promise<boolean>;
  setHidden(userId: string, hidden: boolean): Promise<void>;
  /** Re-checks every user shown online or away (the scheduled job, for users whose instance died). */
  sweepOrphans(): Promise<void>;
  /** Starts this instance's periodic re-check of the users it holds leases for. */
  start(): void;
  /** Stops it, once the re-checks of sockets already closed are done (at most the grace period). */
  stop(): Promise<void>;
}

/** What presence is built from: part of the pairly context, the key-value store and two questions to other modules. */
export interface PresenceDependencies
  extends Pick<PairlyBaseContext, 'db' | 'clock' | 'kv' | 'logger' | 'options'> {
  realtime: Pick<RealtimeGateway, 'publishToUsers'>;
  safety: Pick<Safety, 'blockedAmong'>;
  /** Who is told of the user's status changes (conversation partners). */
  interestedPeers: (userId: string) => Promise<string[]>;
  /** Who of many users a viewer may see (default: their conversation partners, from the database). */
  partnersAmong?: PartnersAmong;
}

/** At most one activity write per user and instance this often: activity this recent is online anyway. */
const MAX_ACTIVITY_WRITE_MS = 10_000;

export function createPresence(context: PresenceDependencies): Presence {
  const { kv, db, clock, logger, realtime, safety, interestedPeers } = context;
  const partnersAmong = context.partnersAmong ?? conversationPartnersAmong(db);
  const options = presenceOptions(context.options.presence);
  const now = () => clock.now().getTime();
  const store = createPresenceStore(kv);
  const visibility = createVisibility(db, clock, store);
  const tracker = createTracker({
    store,
    visibility,
    now,
    logger,
    realtime,
    safety,
    interestedPeers,
    options,
  });
  const activityWriteMs = Math.min(MAX_ACTIVITY_WRITE_MS, Math.floor(options.awayAfterMs / 4));
  /** When this instance last wrote each user's activity (app clock). */
  const activityWrites = new Map<string, number>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping = false;

  /** Records activity unless this instance did moments ago; the time written, or null when skipped. */
  async function recordActivity(userId: string): Promise<number | null> {
    const at = now();
    const last = activityWrites.get(userId);
    if (last !== undefined && at >= last && at - last < activityWriteMs) return null;
    activityWrites.set(userId, at);
    await store.recordActivity(userId, at);
    return at;
  }

  function forgetOldActivityWrites(): void {
    const at = now();
    for (const [userId, last] of activityWrites)
      if (at - last >= activityWriteMs) activityWrites.delete(userId);
  }

  /** One periodic re-check; skipped while the previous one still runs. */
  async function sweep(): Promise<void> {
    if (sweeping) return;
    sweeping = true;
    try {
      forgetOldActivityWrites();
      await tracker.sweepWatched();
    } finally {
      sweeping = false;
    }
  }

  const offline = (userId: string): PresenceView => ({ userId, state: 'offline', lastActiveAt: null });

  /**
   * What the viewer sees of each user: their own real state; a conversation partner's visible state
   * unless blocked either way; anyone else offline (as an unknown id). One key-value round trip.
   */
  async function lookup(viewerId: string, userIds: readonly string[]): Promise<PresenceView[]> {
    const unique = [...new Set(userIds)];
    const partners = await partnersAmong(viewerId, unique);
    const shown = unique.filter((userId) => userId === viewerId || partners.has(userId));
    const [records, blocked] = await Promise.all([
      store.read(shown).then((read) => visibility.resolve(read)),
      partners.size > 0 ? safety.blockedAmong(viewerId, [...partners]) : new Set<string>(),
    ]);
    const byId = new Map(records.map((record) => [record.userId, record]));
    const at = now();
    return unique.map((userId) => {
      const record = byId.get(userId);
      if (!record) return offline(userId);
      if (userId === viewerId) {
        const state = liveState(record, at, options.awayAfterMs);
        return { userId, state, lastActiveAt: coarseActivity(record.lastActiveAt) };
      }
      if (record.hidden === true || blocked.has(userId)) return offline(userId);
      const state = visibleState(record, at, options.awayAfterMs);
      return { userId, state, lastActiveAt: coarseActivity(record.lastActiveAt) };
    });
  }

  return {
    options,

    async statusOf(userIds) {
      const records = await visibility.resolve(await store.read([...new Set(userIds)]));
      const at = now();
      return new Map(records.map((record) => [record.userId, visibleState(record, at, options.awayAfterMs)]));
    },

    lookup,

    async heartbeat(userId, member, { active = false } = {}) {
      const [before] = await store.read([userId], { published: true });
      if (!before) return;
      await store.lease(userId, member, options.leaseTtlMs);
      tracker.watch(userId);
      // Coming online (no other live lease) counts as activity, as opening the app does.
      const comingOnline = before.leases.length === 0;
      const written = active || comingOnline ? await recordActivity(userId) : null;
      const after = {
        ...before,
        leases: before.leases.includes(member) ? before.leases : [...before.leases, member],
        lastActiveAt: written ?? before.lastActiveAt,
      };
      await tracker.check(await visibility.resolve([after]));
    },

    async release(userId, member) {
      await store.lease(userId, member, options.graceMs);
      tracker.afterGrace(userId);
    },

    async touch(userId) {
      try {
        if ((await recordActivity(userId)) !== null) await tracker.recheck([userId]);
      } catch (error) {
        logger.warn({ event: 'presence_touch_failed', err: error }, 'presence activity not recorded');
      }
    },

    isHidden: (userId) => visibility.isHidden(userId),

    async setHidden(userId, hidden) {
      await visibility.setHidden(userId, hidden);
      await tracker.recheck([userId]);
    },

    sweepOrphans: () => tracker.sweepOrphans(),

    start() {
      sweepTimer ??= setInterval(() => void sweep(), options.sweepMs);
      sweepTimer.unref();
    },

    async stop() {
      clearInterval(sweepTimer);
      sweepTimer = undefined;
      await tracker.stop();
    },
  };
}
