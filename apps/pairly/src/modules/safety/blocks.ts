// Owns blocks between users: a user blocks or unblocks another and lists whom they blocked (newest
// first, with a cursor); other modules ask whether two users are blocked either way, or which of
// many users are, in one query. A block is stored one-way and applies both ways. Any existing user
// may be blocked; staff routes ignore blocks (a block hides nobody from moderation). A new block is
// announced (on this instance) to whoever ends live interactions between the two (typing).
import type { Clock } from '@app/platform';
import { sql } from 'kysely';
import { blockNotFound, blockSelf, userNotFound } from './errors.js';
import { cursorFrom, pageOf } from './paging.js';
import type { SafetyDb } from './tables.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BlockView {
  userId: string;
  createdAt: string;
}

const toView = (row: { blocked_id: string; created_at: Date }): BlockView => ({
  userId: row.blocked_id,
  createdAt: row.created_at.toISOString(),
});

/** Told, on the instance that stored it, of each new block (never rejects: listeners catch their own failures). */
export type BlockListener = (blockerId: string, blockedId: string) => void;

export function createBlocks(db: SafetyDb, clock: Clock) {
  const listeners: BlockListener[] = [];
  /** Those of `others` that `userId` blocked or was blocked by, in one query (ids that are not uuids never are). */
  async function blockedAmong(userId: string, others: readonly string[]): Promise<Set<string>> {
    const candidates = [...new Set(others)].filter((id) => UUID.test(id));
    if (candidates.length === 0 || !UUID.test(userId)) return new Set();
    const { rows } = await sql<{ other: string }>`
      select blocked_id as other from user_blocks
        where blocker_id = ${userId} and blocked_id = any(${candidates}::uuid[])
      union
      select blocker_id from user_blocks
        where blocked_id = ${userId} and blocker_id = any(${candidates}::uuid[])
    `.execute(db);
    return new Set(rows.map((row) => row.other));
  }

  return {
    blockedAmong,

    onBlocked: (listener: BlockListener) => void listeners.push(listener),

    async isBlockedEitherWay(userA: string, userB: string): Promise<boolean> {
      return (await blockedAmong(userA, [userB])).size > 0;
    },

    /** Blocks `blockedId`; `created` is false when the block already existed (it is answered as it was). */
    async block(blockerId: string, blockedId: string): Promise<{ created: boolean; block: BlockView }> {
      if (blockerId === blockedId) throw blockSelf();
      const user = await db
        .selectFrom('auth_users')
        .select('id')
        .where('id', '=', blockedId)
        .executeTakeFirst();
      if (!user) throw userNotFound();
      const inserted = await db
        .insertInto('user_blocks')
        .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: clock.now() })
        .onConflict((conflict) => conflict.columns(['blocker_id', 'blocked_id']).doNothing())
        .returning(['blocked_id', 'created_at'])
        .executeTakeFirst();
      if (inserted) {
        for (const listener of listeners) listener(blockerId, blockedId);
        return { created: true, block: toView(inserted) };
      }
      const existing = await db
        .selectFrom('user_blocks')
        .select(['blocked_id', 'created_at'])
        .where('blocker_id', '=', blockerId)
        .where('blocked_id', '=', blockedId)
        .executeTakeFirstOrThrow();
      return { created: false, block: toView(existing) };
    },

    /** Removes the caller's own block of `blockedId`; a 404 when there was none. */
    async unblock(blockerId: string, blockedId: string): Promise<void> {
      const deleted = await db
        .deleteFrom('user_blocks')
        .where('blocker_id', '=', blockerId)
        .where('blocked_id', '=', blockedId)
        .executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw blockNotFound();
    },

    /** The users `blockerId` blocked, newest first. */
    async list(blockerId: string, page: { cursor?: string; limit?: number }) {
      const after = cursorFrom(page.cursor);
      const limit = page.limit ?? 50;
      let query = db
        .selectFrom('user_blocks')
        .select(['blocked_id', 'created_at'])
        .where('blocker_id', '=', blockerId)
        .orderBy('created_at', 'desc')
        .orderBy('blocked_id', 'desc')
        .limit(limit + 1);
      if (after) {
        query = query.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('created_at', 'blocked_id'), '<', tuple(after.createdAt, after.id)),
        );
      }
      return pageOf(await query.execute(), limit, toView, (row) => ({
        createdAt: row.created_at,
        id: row.blocked_id,
      }));
    },
  };
}

export type Blocks = ReturnType<typeof createBlocks>;
