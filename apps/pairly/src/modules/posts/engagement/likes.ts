// Owns likes of posts: a viewer with full access likes a post once (liking again changes nothing)
// and takes their like back (also when the post has become locked for them since). The post's
// like_count moves only with a post_likes row actually inserted or deleted, in the same transaction
// (`+ 1` / `greatest(- 1, 0)`), so it equals the number of rows however likes and unlikes race.
import { withTransaction } from '@app/platform';
import { postLocked, postNotLive } from './errors.js';
import {
  type EngagementDependencies,
  type EngagementTransaction,
  engagementDatabase,
  takesEngagement,
} from './tables.js';

export interface LikeState {
  liked: boolean;
  likeCount: number;
}

async function likeCountOf(trx: EngagementTransaction, postId: string): Promise<number> {
  const row = await trx
    .selectFrom('posts')
    .select('like_count')
    .where('id', '=', postId)
    .executeTakeFirstOrThrow();
  return row.like_count;
}

export function createLikes({ db, clock, posts }: EngagementDependencies) {
  const database = engagementDatabase(db);

  /** Applies `change` (one statement on post_likes); moves the count, up for a like, only when it touched a row. */
  async function apply(
    postId: string,
    liked: boolean,
    change: (trx: EngagementTransaction) => Promise<unknown>,
  ): Promise<LikeState> {
    return withTransaction(database, async (trx) => {
      if (!(await change(trx))) return { liked, likeCount: await likeCountOf(trx, postId) };
      const row = await trx
        .updateTable('posts')
        .set((eb) => ({
          like_count: liked
            ? eb('like_count', '+', 1)
            : eb.fn('greatest', [eb('like_count', '-', 1), eb.lit(0)]),
        }))
        .where('id', '=', postId)
        .returning('like_count')
        .executeTakeFirstOrThrow();
      return { liked, likeCount: row.like_count };
    });
  }

  return {
    /** Likes the post (idempotent); 404 when the viewer may not see it, 403 `post_locked` when locked. */
    async like(userId: string, postId: string): Promise<LikeState> {
      const access = await posts.access(userId, postId);
      if (!access.full) throw postLocked();
      if (!takesEngagement(access)) throw postNotLive();
      return apply(postId, true, (trx) =>
        trx
          .insertInto('post_likes')
          .values({ post_id: postId, user_id: userId, created_at: clock.now() })
          .onConflict((conflict) => conflict.columns(['post_id', 'user_id']).doNothing())
          .returning('post_id')
          .executeTakeFirst(),
      );
    },

    /** Takes the viewer's like back (idempotent); 404 when the viewer may not see the post. */
    async unlike(userId: string, postId: string): Promise<LikeState> {
      await posts.access(userId, postId);
      return apply(postId, false, (trx) =>
        trx
          .deleteFrom('post_likes')
          .where('post_id', '=', postId)
          .where('user_id', '=', userId)
          .returning('post_id')
          .executeTakeFirst(),
      );
    },
  };
}

export type Likes = ReturnType<typeof createLikes>;
