// Owns "does this fan have subscriber access to this creator": a live subscription (active or
// past_due) whose access_until is still ahead (period end, plus the grace while a renewal is to
// come; grace_until once past_due; period end once cancelled). Blocks are not judged here: the
// posts module hides a blocked pair's content whatever the access. `subscriberAccessSql` is the
// same rule as an SQL predicate for other modules' queries (feeds), served by the
// (fan_id, creator_id) unique index of live subscriptions.
import { type Expression, type RawBuilder, sql } from 'kysely';
import type { SubscriptionDb } from './tables.js';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createAccess(db: SubscriptionDb, now: () => Date) {
  /** The creators among `creatorIds` the fan has subscriber access to now (one query). */
  async function accessAmong(fanId: string, creatorIds: readonly string[]): Promise<Set<string>> {
    const ids = [...new Set(creatorIds)].filter((id) => UUID.test(id));
    if (ids.length === 0 || !UUID.test(fanId)) return new Set();
    const rows = await db
      .selectFrom('fan_subscriptions')
      .select('creator_id')
      .where('fan_id', '=', fanId)
      .where('creator_id', 'in', ids)
      .where('status', 'in', ['active', 'past_due'])
      .where('access_until', '>', now())
      .execute();
    return new Set(rows.map((row) => row.creator_id));
  }

  return {
    accessAmong,
    async hasAccess(fanId: string, creatorId: string): Promise<boolean> {
      return (await accessAmong(fanId, [creatorId])).has(creatorId);
    },
  };
}
