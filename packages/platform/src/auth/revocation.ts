// Owns the answer to "has this session been revoked?", asked on every authenticated request. The
// session row in the database is the truth; the key-value store only caches it for every instance:
// `revoked` for the lifetime of the session's access tokens, `active` for a short while (written only
// if absent, so it never overwrites a revocation). A miss, a lost Redis or a restarted one, is answered
// by the database and cached again, so a revoked token never comes back. Each instance also keeps the
// revocations it has seen (permanent, so always safe to trust).
// While the store is unreachable (a failed or slow call), the instance stops asking it for a probe
// interval and answers from the database, caching those answers in memory for a few seconds; marks it
// could not write are written again once the store answers. Bound: a revoked session is refused on
// every instance at once when its mark is written; when the write failed, within `activeCacheSeconds`
// (an `active` entry cached before the revocation lives that long), and within `localActiveSeconds`
// on instances answering from the database during an outage.
// Revocations are also published on SESSION_REVOKED_CHANNEL (best effort, through the same breaker)
// so every instance's realtime gateway closes the sessions' sockets at once; a lost notice is caught
// by the gateway's periodic re-check of its sockets' sessions.
// A session this instance or the in-process store already knows is answered without a promise
// (isRevoked() returns a boolean then): that is every authenticated request of a known session.
import type { Database } from '../db/types.js';
import { createFailoverSwitch } from '../kv/failover-switch.js';
import { readsNow } from '../kv/memory.js';
import type { KeyValueStore } from '../kv/types.js';
import { type Clock, systemClock } from '../time/clock.js';
import { identityDb } from './schema.js';

export interface RevocationSettings {
  /** How long revocations must be remembered: the access-token lifetime plus clock skew. */
  accessTokenTtlSeconds: number;
  /** How long the shared store trusts an `active` answer; default 30 s. */
  activeCacheSeconds?: number;
  /** How long an instance trusts an `active` answer from the database during an outage; default 5 s. */
  localActiveSeconds?: number;
  /** Longest wait for Redis before answering from the database; default 250 ms. */
  kvTimeoutMs?: number;
  /** Least time between two tries of the store while it is unreachable; default 1 s. */
  probeIntervalMs?: number;
  /** How many sessions each instance remembers; the oldest is forgotten first; default 10,000. */
  localCacheSize?: number;
  /** Called once when the store becomes unreachable, with the error that showed it. */
  onOutage?: (error: unknown) => void;
  /** Called once when the store answers again. */
  onRecovery?: () => void;
}

/** The key-value channel revoked session ids are published on, as a JSON array of ids. */
export const SESSION_REVOKED_CHANNEL = 'auth:sessions-revoked';

const REVOKED = 'revoked';
const ACTIVE = 'active';
const UNREACHABLE = Symbol('unreachable');

/** A bounded map of keys to expiry times (epoch ms); the oldest key is dropped first. */
function expiringSet(capacity: number, now: () => number) {
  const entries = new Map<string, number>();
  return {
    has(key: string): boolean {
      const until = entries.get(key);
      if (until === undefined) return false;
      if (until > now()) return true;
      entries.delete(key);
      return false;
    },
    add(key: string, ttlMs: number): void {
      entries.delete(key);
      if (entries.size >= capacity) entries.delete(entries.keys().next().value as string);
      entries.set(key, now() + ttlMs);
    },
    delete: (key: string) => entries.delete(key),
    /** Live keys; expired ones are dropped on the way. */
    keys(): string[] {
      return [...entries.keys()].filter((key) => this.has(key));
    },
  };
}

export function createRevocationList(
  db: Database,
  kv: KeyValueStore,
  clock: Clock,
  settings: RevocationSettings,
) {
  const kysely = identityDb(db);
  const revokedTtlMs = (settings.accessTokenTtlSeconds + 300) * 1000;
  const activeTtlMs = (settings.activeCacheSeconds ?? 30) * 1000;
  const localActiveMs = (settings.localActiveSeconds ?? 5) * 1000;
  const capacity = settings.localCacheSize ?? 10_000;
  const now = clock === systemClock ? Date.now : () => clock.now().getTime();
  const key = (sessionId: string) => `auth:session-state:${sessionId}`;
  const seenRevoked = expiringSet(capacity, now);
  /** Database answers while the store is unreachable. */
  const seenActive = expiringSet(capacity, now);
  /** Marks the store missed, written again when it answers. */
  const unwritten = expiringSet(capacity, now);
  // The breaker runs on real time: it paces calls to a server, whatever the app's clock says.
  const breaker = createFailoverSwitch({
    name: 'key-value store',
    timeoutMs: kv.kind === 'redis' ? (settings.kvTimeoutMs ?? 250) : undefined,
    probeIntervalMs: settings.probeIntervalMs ?? 1000,
    now: () => performance.now(),
    onOutage: (error) => settings.onOutage?.(error),
    onRecovery: () => {
      settings.onRecovery?.();
      void writeUnwritten();
    },
  });

  /** Runs one store call unless the store is resting; UNREACHABLE when skipped or failed. */
  const viaStore = <T>(call: () => Promise<T>): Promise<T | typeof UNREACHABLE> =>
    breaker.run<T | typeof UNREACHABLE>(call, () => UNREACHABLE);

  async function writeMark(sessionId: string): Promise<void> {
    const written = await viaStore(() => kv.set(key(sessionId), REVOKED, { ttlMs: revokedTtlMs }));
    if (written === UNREACHABLE) unwritten.add(sessionId, revokedTtlMs);
    else unwritten.delete(sessionId);
  }

  async function writeUnwritten(): Promise<void> {
    for (const sessionId of unwritten.keys()) await writeMark(sessionId);
  }

  /** The truth: revoked when the row says so, or when there is no such session at all. */
  async function revokedInDatabase(sessionId: string): Promise<boolean> {
    const row = await kysely
      .selectFrom('auth_sessions')
      .select('revoked_at')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    return !row || row.revoked_at !== null;
  }

  /** The store's entry for the session when it can be read without a promise and is up, else undefined. */
  function cachedNow(sessionId: string): string | null | undefined {
    if (!readsNow(kv) || breaker.status().degraded) return undefined;
    try {
      return kv.getNow(key(sessionId));
    } catch {
      // The store's failure is the breaker's to note: the asynchronous path asks again through it.
      return undefined;
    }
  }

  async function lookUp(sessionId: string): Promise<boolean> {
    const cached = await viaStore(() => kv.get(key(sessionId)));
    if (cached === ACTIVE) return false;
    if (cached === REVOKED) {
      seenRevoked.add(sessionId, revokedTtlMs);
      return true;
    }
    if (cached === UNREACHABLE && seenActive.has(sessionId)) return false;
    const revoked = await revokedInDatabase(sessionId);
    if (revoked) seenRevoked.add(sessionId, revokedTtlMs);
    if (cached === UNREACHABLE) {
      if (!revoked) seenActive.add(sessionId, localActiveMs);
    } else if (revoked) {
      await writeMark(sessionId);
    } else {
      // Only if absent: a revocation written meanwhile must not be overwritten.
      await viaStore(() => kv.set(key(sessionId), ACTIVE, { ttlMs: activeTtlMs, onlyIfAbsent: true }));
    }
    return revoked;
  }

  return {
    /** A boolean when the answer is at hand, else a promise of it (await works on both). */
    isRevoked(sessionId: string): boolean | Promise<boolean> {
      if (seenRevoked.has(sessionId)) return true;
      const cached = cachedNow(sessionId);
      if (cached === ACTIVE) return false;
      if (cached === REVOKED) {
        seenRevoked.add(sessionId, revokedTtlMs);
        return true;
      }
      return lookUp(sessionId);
    },

    /**
     * Records revocations already committed to the database. Never throws: this instance refuses the
     * sessions at once, and marks the store missed are written again once it answers.
     */
    async markRevoked(sessionIds: string[]): Promise<void> {
      for (const sessionId of sessionIds) {
        seenRevoked.add(sessionId, revokedTtlMs);
        seenActive.delete(sessionId);
      }
      await Promise.all(sessionIds.map(writeMark));
      if (sessionIds.length > 0) {
        await viaStore(() => kv.publish(SESSION_REVOKED_CHANNEL, JSON.stringify(sessionIds)));
      }
    },

    /** Whether the store is being bypassed, and how many marks wait to be written: for metrics and tests. */
    status: () => ({ unreachable: breaker.status().degraded, unwrittenMarks: unwritten.keys().length }),
  };
}

export type RevocationList = ReturnType<typeof createRevocationList>;
