// Owns who may see a user's presence: their conversation partners (messaging's conversations
// table, where user_a < user_b), found for a whole lookup in one query. Everyone else reads them as
// offline with no last activity, the same answer as for an id that does not exist.
import type { Database } from '@app/platform';
import { sql } from 'kysely';
import { isUuid } from '../messaging/schemas.js';

/** Those of `userIds` who share a conversation with `viewerId` (one query; none asked, no query). */
export type PartnersAmong = (viewerId: string, userIds: readonly string[]) => Promise<Set<string>>;

export function conversationPartnersAmong(db: Database): PartnersAmong {
  return async (viewerId, userIds) => {
    // Ids in another spelling (upper case, `urn:uuid:`) are nobody's partner and never reach `::uuid`.
    const candidates = [...new Set(userIds)].filter((userId) => userId !== viewerId && isUuid(userId));
    if (candidates.length === 0 || !isUuid(viewerId)) return new Set();
    const { rows } = await sql<{ partner: string }>`
      select user_b as partner from conversations
        where user_a = ${viewerId} and user_b = any(${candidates}::uuid[])
      union
      select user_a from conversations
        where user_b = ${viewerId} and user_a = any(${candidates}::uuid[])
    `.execute(db.kysely);
    return new Set(rows.map((row) => row.partner));
  };
}
