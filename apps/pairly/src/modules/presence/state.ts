// Owns the rules that turn a user's stored presence into what others see: online while a lease is
// alive and the last user activity is recent, away while a lease is alive but the user is idle,
// offline without a live lease; a hidden user reads as offline; last activity is shown to the minute.
import type { PresenceRecord, PresenceState } from './store.js';

/** The user's own state, whatever their visibility. */
export function liveState(record: PresenceRecord, now: number, awayAfterMs: number): PresenceState {
  if (record.leases.length === 0) return 'offline';
  return record.lastActiveAt !== null && now - record.lastActiveAt <= awayAfterMs ? 'online' : 'away';
}

/** The state everyone else may see: offline while the user hides their presence. */
export function visibleState(record: PresenceRecord, now: number, awayAfterMs: number): PresenceState {
  return record.hidden === true ? 'offline' : liveState(record, now, awayAfterMs);
}

const MINUTE_MS = 60_000;

/** Last activity as others see it: to the minute (never finer), null when unknown. */
export function coarseActivity(lastActiveAt: number | null): string | null {
  return lastActiveAt === null ? null : new Date(lastActiveAt - (lastActiveAt % MINUTE_MS)).toISOString();
}
