// Owns blocks between users and messaging restrictions (stub: the safety helper replaces this).
import type { PairlyBaseContext } from '../context.js';

export interface Safety {
  /** True when either user has blocked the other. */
  isBlockedEitherWay(userA: string, userB: string): Promise<boolean>;
  /** True while the user is restricted from sending messages (auto-restricted by reports, pending review). */
  isRestricted(userId: string): Promise<boolean>;
}

export function createSafety(_context: PairlyBaseContext): Safety {
  return { isBlockedEitherWay: async () => false, isRestricted: async () => false };
}
