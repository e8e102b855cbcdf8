// Owns "does this fan have subscriber access to this creator", as an SQL predicate other modules'
// queries embed (post views, feeds, message prices): a live subscription (active or past_due) whose
// access_until is still ahead (period end, plus the grace while a renewal is to come; grace_until
// once past_due; period end once cancelled), served by the (fan_id, creator_id) unique index of live
// subscriptions. Blocks are not judged here: the posts module hides a blocked pair's content
// whatever the access.
import { type Expression, type RawBuilder, sql } from 'kysely';

/** `exists (...)` true when `fanId` has subscriber access to `creatorId` at `now` (values or column references). */
export function subscriberAccessSql(
  fanId: string | Expression<unknown>,
  creatorId: string | Expression<unknown>,
  now: Date,
): RawBuilder<boolean> {
  return sql<boolean>`exists (
    select 1 from fan_subscriptions subscriber_access
     where subscriber_access.fan_id = ${fanId} and subscriber_access.creator_id = ${creatorId}
       and subscriber_access.status in ('active', 'past_due') and subscriber_access.access_until > ${now})`;
}
