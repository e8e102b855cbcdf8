// Owns this instance's view of the ban list: a lookup is reused for a few seconds (banCacheMs), so a
// flood costs one ban-list read per client per interval, and a read that fails or takes longer than
// the limiter's Redis timeout counts as "not banned" instead of failing or stalling the request.
// Changes made through this view (the trigger, the admin API) update it at once; other instances
// see them within banCacheMs. Failures are logged once when they start and once when they end. A
// fresh entry is answered without a promise (check()), which the request path uses.
import { withinTimeout } from '../kv/failover-switch.js';
import type { Logger } from '../log/index.js';
import { type Clock, systemClock } from '../time/clock.js';
import type { Ban, BanList } from './bans.js';
import { after, type MaybePromise } from './maybe-async.js';

const MAX_ENTRIES = 10_000;

export interface CachedBanListOptions {
  ttlMs: number;
  timeoutMs: number;
  clock: Clock;
  logger: Logger;
}

export interface CachedBanList extends BanList {
  /** isBanned() without a promise while this instance's entry for `client` is fresh. */
  check(client: string): MaybePromise<Ban | null>;
  /** Enforces a ban on this instance alone until it ends: for a ban the shared list could not take. */
  enforceLocally(client: string, ban: Ban): void;
}

export function createCachedBanList(bans: BanList, options: CachedBanListOptions): CachedBanList {
  const { ttlMs, timeoutMs, clock, logger } = options;
  // The system clock is read without allocating a Date: this runs on every limited request.
  const now = clock === systemClock ? Date.now : () => clock.now().getTime();
  const entries = new Map<string, { ban: Ban | null; freshUntil: number }>();
  let failing = false;

  function remember(client: string, ban: Ban | null): void {
    entries.delete(client);
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    entries.set(client, { ban, freshUntil: now() + ttlMs });
  }

  async function read(client: string): Promise<Ban | null> {
    try {
      const ban = await withinTimeout(bans.isBanned(client), timeoutMs, 'ban list');
      if (failing) {
        failing = false;
        logger.info({ event: 'ban_list_recovered' }, 'ban list reachable again');
      }
      return ban;
    } catch (error) {
      if (!failing) {
        failing = true;
        logger.error(
          { event: 'ban_list_unreachable', err: error },
          'ban list unreachable: bans known here only',
        );
      }
      return entries.get(client)?.ban ?? null;
    }
  }

  async function refresh(client: string): Promise<Ban | null> {
    const ban = await read(client);
    remember(client, ban);
    return ban;
  }

  const inForce = (ban: Ban | null) => (ban && ban.until.getTime() > now() ? ban : null);

  function check(client: string): MaybePromise<Ban | null> {
    const cached = entries.get(client);
    return after(cached && cached.freshUntil > now() ? cached.ban : refresh(client), inForce);
  }

  return {
    check,

    isBanned: async (client) => check(client),

    enforceLocally(client, ban) {
      entries.delete(client);
      entries.set(client, { ban, freshUntil: ban.until.getTime() });
    },

    async ban(client, ban) {
      const applied = await bans.ban(client, ban);
      remember(client, applied);
      return applied;
    },

    async lift(client) {
      entries.delete(client);
      return bans.lift(client);
    },

    list: () => bans.list(),
  };
}
