// Owns conversations and messages (stub: the messaging helper replaces this).
import type { PairlyBaseContext } from '../context.js';
import type { Safety } from '../safety/service.js';

export interface Messaging {
  /** Users this user has a conversation with, most recent first (presence tells them of status changes). */
  partnersOf(userId: string, limit?: number): Promise<string[]>;
}

export function createMessaging(_context: PairlyBaseContext & { safety: Safety }): Messaging {
  return { partnersOf: async () => [] };
}
