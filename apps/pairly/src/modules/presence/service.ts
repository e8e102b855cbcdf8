// Owns who is online, away or offline (stub: the presence helper replaces this).
import type { PairlyBaseContext } from '../context.js';

export type PresenceState = 'online' | 'away' | 'offline';

export interface Presence {
  /** The visible state of each user (hidden users read as offline). */
  statusOf(userIds: readonly string[]): Promise<Map<string, PresenceState>>;
}

export function createPresence(
  _context: PairlyBaseContext & { interestedPeers: (userId: string) => Promise<string[]> },
): Presence {
  return { statusOf: async (userIds) => new Map(userIds.map((id) => [id, 'offline'])) };
}
