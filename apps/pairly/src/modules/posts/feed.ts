// Owns the SQL of post lists, each one statement that reads a page and decides access for each row
// (access.ts), newest first with a keyset cursor on (time, id) so a page never shifts when newer
// posts arrive:
// - the home feed: published posts of the creators the viewer follows or has subscriber access to,
//   minus anyone blocked either way. Per author it reads at most `limit` rows from the index
//   posts_feed (author_id, published_at DESC, id DESC) through a lateral join, then keeps the newest
//   `limit` of those, so a page costs one short index range per followed creator whatever their
//   post counts; the viewer's relation (full, liked, unlocked) is computed for the page's rows only;
// - a creator's posts: published ones for anyone (by published_at), and the author's own drafts or
//   scheduled posts (by created_at).
// The builders are exported so bench/feed can time the bare SQL apart from the service's views.
import { type RawBuilder, sql } from 'kysely';
import type { Cursor } from '../safety/paging.js';
import { subscriberAccessSql } from '../subscriptions/access.js';
import { blockedEitherWay, type ViewerPost, viewerColumns } from './access.js';
import type { PostDb, PostStatus } from './tables.js';

export interface FeedParams {
  viewerId: string;
  now: Date;
  /** The last row of the previous page; none for the first page. */
  after?: Cursor;
  /** Rows to read: a page's size plus one, to know whether another page follows. */
  limit: number;
}

/** The columns the viewer's relation adds, as one SQL list over the page `p`. */
function relationColumns(viewerId: string, now: Date) {
  const [full, unlocked, liked] = viewerColumns(viewerId, now);
  return sql.join([full, unlocked, liked].map((column) => sql`${column}`));
}

/** The home feed page as one statement (see the header). */
export function feedQuery(params: FeedParams): RawBuilder<ViewerPost> {
  const { viewerId, now, after, limit } = params;
  const before = after ? sql`and (p.published_at, p.id) < (${after.createdAt}, ${after.id})` : sql``;
  return sql<ViewerPost>`
    with authors as (
      select f.creator_id from follows f where f.follower_id = ${viewerId}
      union
      select s.creator_id from fan_subscriptions s
       where s.fan_id = ${viewerId} and ${subscriberAccessSql(viewerId, sql.ref('s.creator_id'), now)}
    ), page as (
      select p.* from authors a
      cross join lateral (
        select * from posts p
         where p.author_id = a.creator_id and p.status = 'published'
           and p.deleted_at is null and p.removed_at is null ${before}
         order by p.published_at desc, p.id desc
         limit ${limit}
      ) p
      where not ${blockedEitherWay(viewerId, sql.ref<string>('a.creator_id'))}
      order by p.published_at desc, p.id desc
      limit ${limit}
    )
    select p.*, ${relationColumns(viewerId, now)} from page p
     order by p.published_at desc, p.id desc`;
}

export interface CreatorPostsParams extends FeedParams {
  creatorId: string;
  status: PostStatus;
}

/** The position of a row in its list: published posts by published_at, drafts and scheduled by created_at. */
export const positionOf = (row: ViewerPost): Cursor => ({
  createdAt: (row.status === 'published' ? row.published_at : row.created_at) as Date,
  id: row.id,
});

/** A creator's posts in one status (see the header); access to the creator is checked by the caller. */
export function creatorPostsQuery(db: PostDb, params: CreatorPostsParams) {
  const { viewerId, now, after, limit, creatorId, status } = params;
  const time = status === 'published' ? 'p.published_at' : 'p.created_at';
  let query = db
    .selectFrom('posts as p')
    .selectAll('p')
    .select(viewerColumns(viewerId, now))
    .where('p.author_id', '=', creatorId)
    .where('p.status', '=', status)
    .where('p.deleted_at', 'is', null)
    .where('p.removed_at', 'is', null)
    .orderBy(time, 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit);
  if (after) {
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple(time, 'p.id'), '<', tuple(after.createdAt, after.id)),
    );
  }
  return query;
}
