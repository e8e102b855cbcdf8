// Owns messaging restrictions: a user restricted from sending messages pending review. Reports
// restrict a sender automatically (reports.ts decides when); moderators list restrictions and lift
// one (audited). One row per user, active while lifted_at is null; restricting again after a lift
// reuses the row, and both writes are conditional, so concurrent attempts change it once.
import { type Clock, type Database, type RequestOrigin, withTransaction } from '@app/platform';
import { restrictionNotFound } from './errors.js';
import { cursorFrom, pageOf } from './paging.js';
import {
  auditIn,
  type SafetyDb,
  type SafetySchema,
  type SafetyTransaction,
  type StoredRestriction,
} from './tables.js';

export type RestrictionStatus = 'active' | 'lifted';

export interface RestrictionView {
  userId: string;
  reason: string;
  createdAt: string;
  active: boolean;
  liftedAt: string | null;
  liftedBy: string | null;
  liftNote: string | null;
}

const toView = (row: StoredRestriction): RestrictionView => ({
  userId: row.user_id,
  reason: row.reason,
  createdAt: row.created_at.toISOString(),
  active: row.lifted_at === null,
  liftedAt: row.lifted_at?.toISOString() ?? null,
  liftedBy: row.lifted_by,
  liftNote: row.lift_note,
});

/** Restricts the user unless they already are; the new restriction, or undefined when one was active. */
export function restrict(
  trx: SafetyTransaction,
  userId: string,
  reason: string,
  at: Date,
): Promise<StoredRestriction | undefined> {
  return trx
    .insertInto('messaging_restrictions')
    .values({ user_id: userId, reason, created_at: at })
    .onConflict((conflict) =>
      conflict
        .column('user_id')
        .doUpdateSet({ reason, created_at: at, lifted_at: null, lifted_by: null, lift_note: null })
        .where('messaging_restrictions.lifted_at', 'is not', null),
    )
    .returningAll()
    .executeTakeFirst();
}

export function createRestrictions(database: Database, db: SafetyDb, clock: Clock) {
  return {
    async isRestricted(userId: string): Promise<boolean> {
      const row = await db
        .selectFrom('messaging_restrictions')
        .select('user_id')
        .where('user_id', '=', userId)
        .where('lifted_at', 'is', null)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Restrictions by status (default active), oldest first. */
    async list(query: { status?: RestrictionStatus; cursor?: string; limit?: number }) {
      const after = cursorFrom(query.cursor);
      const limit = query.limit ?? 50;
      let select = db
        .selectFrom('messaging_restrictions')
        .selectAll()
        .where('lifted_at', query.status === 'lifted' ? 'is not' : 'is', null)
        .orderBy('created_at')
        .orderBy('user_id')
        .limit(limit + 1);
      if (after) {
        select = select.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('created_at', 'user_id'), '>', tuple(after.createdAt, after.id)),
        );
      }
      return pageOf(await select.execute(), limit, toView, (row) => ({
        createdAt: row.created_at,
        id: row.user_id,
      }));
    },

    /** Lifts the user's active restriction (audited); a 404 when none is active. */
    async lift(staffId: string, userId: string, note: string | undefined, origin: RequestOrigin) {
      return withTransaction(database as Database<SafetySchema>, async (trx) => {
        const now = clock.now();
        const row = await trx
          .updateTable('messaging_restrictions')
          .set({ lifted_at: now, lifted_by: staffId, lift_note: note ?? null })
          .where('user_id', '=', userId)
          .where('lifted_at', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (!row) throw restrictionNotFound();
        await auditIn(trx, clock, origin, {
          actorId: staffId,
          action: 'messaging.restriction_lifted',
          targetType: 'user',
          targetId: userId,
          before: { reason: row.reason, restrictedAt: row.created_at.toISOString() },
          after: { liftedAt: now.toISOString(), note: note ?? null },
        });
        return toView(row);
      });
    },
  };
}

export type Restrictions = ReturnType<typeof createRestrictions>;
