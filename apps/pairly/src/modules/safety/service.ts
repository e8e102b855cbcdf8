// Owns the safety service other modules ask and the safety routes use: blocks between users
// (blocks.ts), messaging restrictions (restrictions.ts), message reports (reports.ts) and their
// moderation queue (report-queue.ts), built from the app's context and the safety options.
import type { PairlyBaseContext } from '../context.js';
import { type Blocks, createBlocks } from './blocks.js';
import { blockedByYou, messagingRestricted, recipientUnavailable } from './errors.js';
import { type SafetyOptions, safetyOptions } from './options.js';
import { createReportQueue, type ReportQueue } from './report-queue.js';
import { createReports, type Reports } from './reports.js';
import { createRestrictions, type Restrictions } from './restrictions.js';
import { safetyDb } from './tables.js';

export interface Safety {
  readonly options: SafetyOptions;
  readonly blocks: Blocks;
  readonly reports: Reports;
  readonly reportQueue: ReportQueue;
  readonly restrictions: Restrictions;
  /** True when either user has blocked the other. */
  isBlockedEitherWay(userA: string, userB: string): Promise<boolean>;
  /** Those of `others` that `userId` has blocked or been blocked by (one query). */
  blockedAmong(userId: string, others: readonly string[]): Promise<Set<string>>;
  /** True while the user is restricted from sending messages (auto-restricted by reports, pending review). */
  isRestricted(userId: string): Promise<boolean>;
  /**
   * Throws the refusal a sender gets when they may not message the recipient: 403
   * `messaging_restricted` (paused pending review), `user_blocked` (the sender blocked them) or
   * `recipient_unavailable` (the recipient blocked the sender). One query.
   */
  assertMayMessage(senderId: string, recipientId: string): Promise<void>;
}

export function createSafety(context: PairlyBaseContext): Safety {
  const options = safetyOptions(context.options.safety);
  const db = safetyDb(context.db);
  const blocks = createBlocks(db, context.clock);
  const restrictions = createRestrictions(context.db, db, context.clock);
  const reports = createReports({
    database: context.db,
    db,
    clock: context.clock,
    logger: context.logger,
    options,
  });

  return {
    options,
    blocks,
    reports,
    reportQueue: createReportQueue(context.db, db, context.clock),
    restrictions,
    isBlockedEitherWay: blocks.isBlockedEitherWay,
    blockedAmong: blocks.blockedAmong,
    isRestricted: restrictions.isRestricted,

    async assertMayMessage(senderId, recipientId) {
      const standing = await db
        .selectNoFrom((eb) => [
          eb
            .exists(
              eb
                .selectFrom('messaging_restrictions')
                .select('user_id')
                .where('user_id', '=', senderId)
                .where('lifted_at', 'is', null),
            )
            .as('restricted'),
          eb
            .exists(
              eb
                .selectFrom('user_blocks')
                .select('blocker_id')
                .where('blocker_id', '=', senderId)
                .where('blocked_id', '=', recipientId),
            )
            .as('blocking'),
          eb
            .exists(
              eb
                .selectFrom('user_blocks')
                .select('blocker_id')
                .where('blocker_id', '=', recipientId)
                .where('blocked_id', '=', senderId),
            )
            .as('blocked'),
        ])
        .executeTakeFirstOrThrow();
      if (standing.restricted) throw messagingRestricted();
      if (standing.blocking) throw blockedByYou();
      if (standing.blocked) throw recipientUnavailable();
    },
  };
}
