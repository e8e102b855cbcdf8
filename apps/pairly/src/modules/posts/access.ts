// Owns who sees a post, and how much of it (the visibility rules of docs/content.md), as SQL every
// post query embeds so a list decides access in the same statement that reads its rows:
// - a post exists for a viewer unless either blocked the other, and, for anyone but its author,
//   only while published and neither deleted nor removed (`existsFor`);
// - it is full for its author, for anyone when public, for a viewer who unlocked it (an unlock is
//   permanent, whatever the price or visibility later), for followers and subscribers when
//   `followers`, for subscribers only when `subscribers`; locked otherwise (`fullFor`).
// Subscriber access is the subscriptions module's rule (subscriptions/access.ts, as SQL).
// `postForViewer` is the one-post check engagement builds on.
import type { Clock, Database } from '@app/platform';
import { type Expression, type RawBuilder, sql } from 'kysely';
import { subscriberAccessSql } from '../subscriptions/access.js';
import { postNotFound } from './errors.js';
import { type PostRow, postDb } from './tables.js';

/** The post as a viewer may see it: `full` false when it is locked for them. */
export type PostAccess = { post: PostRow; full: boolean };

/** A post row with what the viewer's relation to it decides. */
export type ViewerPost = PostRow & { full: boolean; liked: boolean; unlocked: boolean };

// Every post query names the posts table `p`.
const author = sql.ref<string>('p.author_id');
const postId = sql.ref<string>('p.id');

/** True when either user blocked the other. */
export function blockedEitherWay(viewerId: string, other: Expression<string>): RawBuilder<boolean> {
  return sql<boolean>`exists (
    select 1 from user_blocks b
     where (b.blocker_id = ${viewerId} and b.blocked_id = ${other})
        or (b.blocker_id = ${other} and b.blocked_id = ${viewerId}))`;
}

/** The post `p` exists for the viewer (see the header). */
export function existsFor(viewerId: string): RawBuilder<boolean> {
  return sql<boolean>`(not ${blockedEitherWay(viewerId, author)} and (p.author_id = ${viewerId}
    or (p.status = 'published' and p.deleted_at is null and p.removed_at is null)))`;
}

const unlockedBy = (viewerId: string) =>
  sql<boolean>`exists (select 1 from post_unlocks u where u.post_id = ${postId} and u.user_id = ${viewerId})`;

/** The post `p` is full for the viewer (see the header); assumes it exists for them. */
export function fullFor(viewerId: string, now: Date): RawBuilder<boolean> {
  return sql<boolean>`(p.author_id = ${viewerId} or p.visibility = 'public' or ${unlockedBy(viewerId)}
    or (p.visibility = 'followers' and exists (
      select 1 from follows f where f.follower_id = ${viewerId} and f.creator_id = ${author}))
    or (p.visibility in ('followers', 'subscribers') and ${subscriberAccessSql(viewerId, author, now)}))`;
}

/** The columns a view needs of the viewer's relation to the post `p`. */
export function viewerColumns(viewerId: string, now: Date) {
  return [
    fullFor(viewerId, now).as('full'),
    unlockedBy(viewerId).as('unlocked'),
    sql<boolean>`exists (select 1 from post_likes l where l.post_id = ${postId} and l.user_id = ${viewerId})`.as(
      'liked',
    ),
  ] as const;
}

/** The post with the viewer's relation to it; 404 `post_not_found` when it does not exist for them. */
export async function viewerPost(
  deps: { db: Database; clock: Clock },
  viewerId: string,
  id: string,
): Promise<ViewerPost> {
  const row = await postDb(deps.db)
    .selectFrom('posts as p')
    .selectAll('p')
    .select(viewerColumns(viewerId, deps.clock.now()))
    .where('p.id', '=', id)
    .where(existsFor(viewerId))
    .executeTakeFirst();
  if (!row) throw postNotFound();
  return row;
}

/**
 * The post as `viewerId` may see it: 404 `post_not_found` when it does not exist for them (a draft,
 * scheduled, deleted or removed post of someone else; blocked either way); `full` false when locked.
 */
export async function postForViewer(
  deps: { db: Database; clock: Clock },
  viewerId: string,
  id: string,
): Promise<PostAccess> {
  const { full, liked: _liked, unlocked: _unlocked, ...post } = await viewerPost(deps, viewerId, id);
  return { post, full };
}
