// Owns comments on posts. A viewer with full access comments and reads a post's comments, oldest
// first with a (created_at, id) cursor, without the comments of anyone blocked either way with them;
// a locked post refuses both (403 `post_locked`). The comment's author or the post's author deletes
// a comment (soft: the row is kept); anyone else meets the 404 an unknown comment gets. The post's
// comment_count moves with the insert and with the one update that sets deleted_at, in the same
// transaction (`+ 1` / `greatest(- 1, 0)`), so concurrent deletes decrement it once.
import { randomUUID } from 'node:crypto';
import { AppError, withTransaction } from '@app/platform';
import { sql } from 'kysely';
import { cursorFrom, pageOf } from '../../safety/paging.js';
import { blockedEitherWay } from '../access.js';
import { commentNotFound, postLocked, postNotLive } from './errors.js';
import {
  type EngagementDb,
  type EngagementDependencies,
  engagementDatabase,
  engagementDb,
  takesEngagement,
} from './tables.js';

export interface CommentView {
  id: string;
  author: { id: string; handle: string | null; displayName: string | null };
  body: string;
  createdAt: string;
}

interface CommentRow {
  id: string;
  author_id: string;
  body: string;
  created_at: Date;
  handle: string | null;
  display_name: string | null;
}

const toView = (row: CommentRow): CommentView => ({
  id: row.id,
  author: { id: row.author_id, handle: row.handle, displayName: row.display_name },
  body: row.body,
  createdAt: row.created_at.toISOString(),
});

/** Live comments with their author's creator handle and display name (a creator's, else a fan's). */
const commentsWithAuthors = (db: EngagementDb) =>
  db
    .selectFrom('post_comments as c')
    .leftJoin('creator_profiles as cp', 'cp.user_id', 'c.author_id')
    .leftJoin('fan_profiles as fp', 'fp.user_id', 'c.author_id')
    .select((eb) => [
      'c.id',
      'c.author_id',
      'c.body',
      'c.created_at',
      'cp.handle',
      eb.fn.coalesce('cp.display_name', 'fp.display_name').as('display_name'),
    ])
    .where('c.deleted_at', 'is', null);

export function createComments({ db, clock, posts }: EngagementDependencies) {
  const kysely = engagementDb(db);
  const database = engagementDatabase(db);

  /** Checks the viewer has the post in full: 404 when they may not see it, 403 when it is locked. */
  async function openPost(viewerId: string, postId: string): Promise<void> {
    const access = await posts.access(viewerId, postId);
    if (!access.full) throw postLocked();
    if (!takesEngagement(access)) throw postNotLive();
  }

  return {
    async add(authorId: string, postId: string, body: string): Promise<CommentView> {
      await openPost(authorId, postId);
      const id = randomUUID();
      await withTransaction(database, async (trx) => {
        await trx
          .insertInto('post_comments')
          .values({ id, post_id: postId, author_id: authorId, body, created_at: clock.now() })
          .execute();
        await trx
          .updateTable('posts')
          .set((eb) => ({ comment_count: eb('comment_count', '+', 1) }))
          .where('id', '=', postId)
          .execute();
      });
      return toView(await commentsWithAuthors(kysely).where('c.id', '=', id).executeTakeFirstOrThrow());
    },

    /** A page of the post's live comments, oldest first, leaving out those of users blocked either way. */
    async list(viewerId: string, postId: string, page: { cursor?: string; limit?: number }) {
      await openPost(viewerId, postId);
      const after = cursorFrom(page.cursor);
      const limit = page.limit ?? 50;
      let query = commentsWithAuthors(kysely)
        .where('c.post_id', '=', postId)
        .where(({ not }) => not(blockedEitherWay(viewerId, sql.ref<string>('c.author_id'))))
        .orderBy('c.created_at')
        .orderBy('c.id')
        .limit(limit + 1);
      if (after) {
        query = query.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('c.created_at', 'c.id'), '>', tuple(after.createdAt, after.id)),
        );
      }
      return pageOf(await query.execute(), limit, toView, (row) => ({
        createdAt: row.created_at,
        id: row.id,
      }));
    },

    /** Soft-deletes a live comment of the post, by its author or the post's author; 404 for anyone else. */
    async remove(viewerId: string, postId: string, commentId: string): Promise<void> {
      // A commenter the post's author blocked no longer sees the post, but may still take back
      // their own comment: without access, only the comment's author may delete it.
      const postAuthor = await posts.access(viewerId, postId).then(
        ({ post }) => post.author_id,
        (error: unknown) => {
          if (error instanceof AppError && error.kind === 'not_found') return null;
          throw error;
        },
      );
      await withTransaction(database, async (trx) => {
        let update = trx
          .updateTable('post_comments')
          .set({ deleted_at: clock.now() })
          .where('id', '=', commentId)
          .where('post_id', '=', postId)
          .where('deleted_at', 'is', null);
        if (postAuthor !== viewerId) update = update.where('author_id', '=', viewerId);
        const deleted = await update.returning('id').executeTakeFirst();
        if (!deleted) throw commentNotFound();
        await trx
          .updateTable('posts')
          .set((eb) => ({
            comment_count: eb.fn('greatest', [eb('comment_count', '-', 1), eb.lit(0)]),
          }))
          .where('id', '=', postId)
          .execute();
      });
    },
  };
}

export type Comments = ReturnType<typeof createComments>;
