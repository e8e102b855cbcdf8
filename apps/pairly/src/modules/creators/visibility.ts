// Owns the one rule every creators read applies: a user blocked either way by the viewer does not
// exist for them. Reads filter by it in SQL (so no page, list or search depends on the block listener
// having removed follows), as a predicate on the column holding the other user's id.
import { type RawBuilder, sql } from 'kysely';

/** True when neither `viewerId` nor the user in `column` blocked the other. */
export function unblockedWith(viewerId: string, column: string): RawBuilder<boolean> {
  const other = sql.ref(column);
  return sql<boolean>`not exists (
    select 1 from user_blocks b
     where (b.blocker_id = ${viewerId} and b.blocked_id = ${other})
        or (b.blocker_id = ${other} and b.blocked_id = ${viewerId}))`;
}
