// Owns blocks between users and messaging restrictions (stub: the safety helper replaces this).
import type { PairlyBaseContext } from '../context.js';

export interface Safety {
  /** True when either user has blocked the other. */
  isBlockedEitherWay(userA: string, userB: string): Promise<boolean>;
  /** Those of `others` that `userId` has blocked or been blocked by. */
  blockedAmong(userId: string, others: readonly string[]): Promise<Set<string>>;
  /** True while the user is restricted from sending messages (auto-restricted by reports, pending review). */
  isRestricted(userId: string): Promise<boolean>;
}

export function createSafety(_context: PairlyBaseContext): Safety {
  return {
    isBlockedEitherWay: async () => false,
    blockedAmong: async () => new Set(),
    isRestricted: async () => false,
  };
}
