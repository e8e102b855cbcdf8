// Owns the keyset paging the safety lists share: a cursor is the (created_at, id) of the last row
// of a page (the format promo codes use), a cursor this API did not issue is a 400, and a page is
// read with one row more than asked so the next cursor is only given when another page follows.
import { AppError } from '@app/platform';
import { type Cursor, decodeCursor, encodeCursor } from '../promotions/repository.js';

export type { Cursor };

const invalidCursor = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'cursor_invalid',
    detail: 'The cursor is not one this API issued.',
    fields: [{ path: '/querystring/cursor', message: 'unknown cursor' }],
  });

/** The position a cursor names, or undefined for the first page; a 400 for a cursor not issued here. */
export function cursorFrom(text: string | undefined): Cursor | undefined {
  if (text === undefined) return undefined;
  const cursor = decodeCursor(text);
  if (!cursor) throw invalidCursor();
  return cursor;
}

/** A page from `limit + 1` rows: the first `limit` as views, and the cursor after the last of them. */
export function pageOf<Row, View>(
  rows: Row[],
  limit: number,
  view: (row: Row) => View,
  position: (row: Row) => Cursor,
): { items: View[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(position(last)) : null,
  };
}
