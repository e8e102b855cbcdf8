// Owns follows: a member follows or unfollows a creator by handle (both idempotent), lists whom they
// follow, and a creator lists their followers, newest first with a (created_at, id) cursor. A creator
// blocked either way cannot be followed (404, as if absent), lists leave such users out, and a new
// block removes the follows between the two (removeBetween, the block listener). A creator's
// follower_count moves in the statement that inserts or deletes the follow row it counts.
import type { Logger } from '@app/platform';
import { sql } from 'kysely';
import { cursorFrom, pageOf } from '../safety/paging.js';
import { creatorNotFound, followSelf } from './errors.js';
import type { CreatorDb } from './tables.js';
import type { Views } from './views.js';
import { unblockedWith } from './visibility.js';

export interface PageRequest {
  cursor?: string;
  limit?: number;
}

interface FollowDeps {
  db: CreatorDb;
  clock: { now(): Date };
  logger: Logger;
  views: Views;
}

export function createFollows({ db, clock, logger, views }: FollowDeps) {
  /** The creator with `handle` if `viewerId` may see them; 404 otherwise. */
  async function visibleCreator(viewerId: string, handle: string): Promise<string> {
    const row = await db
      .selectFrom('creator_profiles')
      .select('user_id')
      .where((eb) => eb(eb.fn('lower', ['handle']), '=', handle.toLowerCase()))
      .where(unblockedWith(viewerId, 'creator_profiles.user_id'))
      .executeTakeFirst();
    if (!row) throw creatorNotFound();
    return row.user_id;
  }

  async function state(followerId: string, creatorId: string) {
    const row = await db
      .selectFrom('creator_profiles')
      .leftJoin('follows', (join) =>
        join
          .onRef('follows.creator_id', '=', 'creator_profiles.user_id')
          .on('follows.follower_id', '=', followerId),
      )
      .select(['creator_profiles.follower_count', 'follows.created_at'])
      .where('creator_profiles.user_id', '=', creatorId)
      .executeTakeFirstOrThrow();
    return {
      following: row.created_at !== null,
      followedAt: row.created_at?.toISOString() ?? null,
      followerCount: row.follower_count,
    };
  }

  return {
    /** Follows the creator; `created` is false when already following (answered as it is). */
    async follow(followerId: string, handle: string) {
      const creatorId = await visibleCreator(followerId, handle);
      if (creatorId === followerId) throw followSelf();
      // The block check sits in the insert itself, so a block stored since the lookup still refuses.
      const { rows } = await sql<{ creator_id: string }>`
        with inserted as (
          insert into follows (follower_id, creator_id, created_at)
          select ${followerId}::uuid, c.id, ${clock.now()}::timestamptz
            from (select ${creatorId}::uuid as id) c
           where ${unblockedWith(followerId, 'c.id')}
          on conflict do nothing
          returning creator_id)
        update creator_profiles set follower_count = follower_count + 1
         where user_id in (select creator_id from inserted)
        returning user_id as creator_id`.execute(db);
      const now = await state(followerId, creatorId);
      if (!now.following) throw creatorNotFound();
      return { created: rows.length > 0, ...now };
    },

    /** Stops following; following nobody is fine (idempotent). */
    async unfollow(followerId: string, handle: string) {
      const creatorId = await visibleCreator(followerId, handle);
      await sql`
        with deleted as (
          delete from follows where follower_id = ${followerId} and creator_id = ${creatorId}
          returning creator_id)
        update creator_profiles set follower_count = greatest(follower_count - 1, 0)
         where user_id in (select creator_id from deleted)`.execute(db);
    },

    /** The creators `userId` follows, newest follow first (blocked either way left out). */
    async following(userId: string, request: PageRequest) {
      const after = cursorFrom(request.cursor);
      const limit = request.limit ?? 50;
      let query = db
        .selectFrom('follows')
        .innerJoin('creator_profiles', 'creator_profiles.user_id', 'follows.creator_id')
        .select([
          'creator_profiles.user_id',
          'creator_profiles.handle',
          'creator_profiles.display_name',
          'creator_profiles.avatar_media_id',
          'follows.created_at',
        ])
        .where('follows.follower_id', '=', userId)
        .where(unblockedWith(userId, 'follows.creator_id'))
        .orderBy('follows.created_at', 'desc')
        .orderBy('follows.creator_id', 'desc')
        .limit(limit + 1);
      if (after)
        query = query.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('follows.created_at', 'follows.creator_id'), '<', tuple(after.createdAt, after.id)),
        );
      return pageOf(
        await query.execute(),
        limit,
        (row) => ({ creator: views.card(row), followedAt: row.created_at.toISOString() }),
        (row) => ({ createdAt: row.created_at, id: row.user_id }),
      );
    },

    /** The creator's followers, newest first, each with their card (creator or fan profile; null name without). */
    async followers(creatorId: string, request: PageRequest) {
      const after = cursorFrom(request.cursor);
      const limit = request.limit ?? 50;
      let query = db
        .selectFrom('follows')
        .leftJoin('creator_profiles', 'creator_profiles.user_id', 'follows.follower_id')
        .leftJoin('fan_profiles', 'fan_profiles.user_id', 'follows.follower_id')
        .select([
          'follows.follower_id',
          'follows.created_at',
          'creator_profiles.handle',
          'creator_profiles.display_name as creator_name',
          'creator_profiles.avatar_media_id as creator_avatar',
          'fan_profiles.display_name as fan_name',
          'fan_profiles.avatar_media_id as fan_avatar',
        ])
        .where('follows.creator_id', '=', creatorId)
        .where(unblockedWith(creatorId, 'follows.follower_id'))
        .orderBy('follows.created_at', 'desc')
        .orderBy('follows.follower_id', 'desc')
        .limit(limit + 1);
      if (after)
        query = query.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('follows.created_at', 'follows.follower_id'), '<', tuple(after.createdAt, after.id)),
        );
      return pageOf(
        await query.execute(),
        limit,
        (row) => ({
          user: {
            id: row.follower_id,
            handle: row.handle ?? null,
            displayName: row.creator_name ?? row.fan_name ?? null,
            avatarUrl: views.url(row.creator_avatar ?? row.fan_avatar ?? null),
          },
          followedAt: row.created_at.toISOString(),
        }),
        (row) => ({ createdAt: row.created_at, id: row.follower_id }),
      );
    },

    /** Removes the follows between two users either way (a new block); never rejects. */
    removeBetween(userA: string, userB: string): Promise<void> {
      return sql`
        with deleted as (
          delete from follows
           where (follower_id = ${userA} and creator_id = ${userB})
              or (follower_id = ${userB} and creator_id = ${userA})
          returning creator_id)
        update creator_profiles set follower_count = greatest(follower_count - 1, 0)
         where user_id in (select creator_id from deleted)`
        .execute(db)
        .then(
          () => undefined,
          (error: unknown) => logger.error({ err: error }, 'removing follows after a block failed'),
        );
    },
  };
}

export type Follows = ReturnType<typeof createFollows>;
