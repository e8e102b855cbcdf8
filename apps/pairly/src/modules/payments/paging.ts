// Owns the keyset paging the payments staff lists share (finance review queue, reconciliation
// findings): a cursor is the (created_at, id) of the last row of a page, a cursor this API did not
// issue is a 400, and a page is read with one row more than asked so the next cursor is only given
// when another page follows.
import { AppError } from '@app/platform';
import type { ExpressionBuilder, ReferenceExpression } from 'kysely';
import { isStorableInstant } from '../instants.js';
import { isUuid } from './orders-repository.js';

export const PAGE_DEFAULT = 50;

export interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, path: string): Cursor | null {
  if (cursor === undefined) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = at ? new Date(at) : null;
  if (!date || !isStorableInstant(date) || !isUuid(id)) {
    throw new AppError({
      kind: 'invalid_input',
      code: 'validation_failed',
      detail: 'cursor is not one this API returned.',
      fields: [{ path, message: 'unknown cursor' }],
    });
  }
  return { at: date, id };
}

/** The rows after a cursor in (created_at, id) order, for a `where`. */
export function afterCursor<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  after: Cursor,
  createdAt: ReferenceExpression<DB, TB>,
  id: ReferenceExpression<DB, TB>,
) {
  return eb.or([eb(createdAt, '>', after.at), eb.and([eb(createdAt, '=', after.at), eb(id, '>', after.id)])]);
}

/** A page from `limit + 1` rows: the first `limit` presented, and the cursor after the last of them. */
export function pageOf<Row extends { created_at: Date | string; id: string }, View>(
  rows: Row[],
  limit: number,
  present: (row: Row) => View,
): { items: View[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(present),
    nextCursor: rows.length > limit && last ? encodeCursor(new Date(last.created_at), last.id) : null,
  };
}
