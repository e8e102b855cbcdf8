// Owns reading a user's credits history: every transfer that touched one of their accounts, seen
// from that account (a negative amount when it paid, the account's balance right after, the other
// side as a user id or `system:<name>`), newest first, with filters and an opaque keyset cursor. A
// transfer between two of the user's own accounts (a hold, say) is listed under each. The owner
// sees only the memo fields meant for them (USER_MEMO_FIELDS); staff see the whole memo.

import { AppError } from '@app/platform';
import { sql } from 'kysely';
import type { PairlyDb } from '../../db.js';
import { optionalInstantAt } from '../instants.js';
import type { UserAccountKind } from './ledger.js';
import { type TransactionsFilters, USER_MEMO_FIELDS } from './schemas.js';

export type HistoryView = 'owner' | 'staff';

export interface HistoryEntry {
  id: number;
  kind: string;
  amount: number;
  account: UserAccountKind;
  balanceAfter: number;
  counterparty: string;
  memo: Record<string, unknown> | null;
  createdAt: string;
}

/** Position after an entry: its transfer and its side (1 credit, 0 debit; credit sorts first). */
interface Cursor {
  id: number;
  side: 0 | 1;
}

interface Window {
  limit: number;
  after: Cursor | undefined;
  kind: string | undefined;
  since: Date | undefined;
  until: Date | undefined;
}

const DEFAULT_LIMIT = 20;

const cursorInvalid = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'cursor_invalid',
    detail: 'The cursor is not one this API issued.',
    fields: [{ path: '/querystring/cursor', message: 'unknown cursor' }],
  });

const encodeCursor = (cursor: Cursor) => Buffer.from(`${cursor.id}.${cursor.side}`).toString('base64url');

function decodeCursor(text: string): Cursor {
  const match = /^([1-9][0-9]{0,15})\.([01])$/.exec(Buffer.from(text, 'base64url').toString('latin1'));
  const id = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(id)) throw cursorInvalid();
  return { id, side: match[2] === '1' ? 1 : 0 };
}

/** The memo as `view` may see it: the owner only USER_MEMO_FIELDS (never staff's reason), staff all. */
export function visibleMemo(memo: unknown, view: HistoryView): Record<string, unknown> | null {
  const value = typeof memo === 'string' ? JSON.parse(memo) : memo;
  if (!value || typeof value !== 'object') return null;
  if (view === 'staff') return value as Record<string, unknown>;
  const shown = Object.entries(value).filter(([key]) => USER_MEMO_FIELDS.includes(key));
  return shown.length > 0 ? Object.fromEntries(shown) : null;
}

export function createCreditHistory(db: PairlyDb) {
  /**
   * One side (debit or credit) of one account's transfers inside the window, newest first: each
   * is a short index scan on (account, id), so a page costs the same however long the history.
   */
  function side(account: { id: string; kind: UserAccountKind }, which: 'debit' | 'credit', window: Window) {
    const sideOrder = which === 'debit' ? 0 : 1;
    const mine = which === 'debit' ? 't.debit_account_id' : 't.credit_account_id';
    const theirs = which === 'debit' ? 't.credit_account_id' : 't.debit_account_id';
    const { after, kind, since, until } = window;
    const entries = db
      .selectFrom('credit_transfers as t')
      .innerJoin('credit_accounts as other', 'other.id', theirs)
      .where(mine, '=', account.id)
      // Within one transfer the credit side sorts first: past the cursor's entry means a lower
      // transfer id, or the same one on a side that sorts after it.
      .$if(after !== undefined, (q) =>
        q.where('t.id', sideOrder < (after as Cursor).side ? '<=' : '<', (after as Cursor).id),
      )
      .$if(kind !== undefined, (q) => q.where('t.kind', '=', kind as string))
      .$if(since !== undefined, (q) => q.where('t.created_at', '>=', since as Date))
      .$if(until !== undefined, (q) => q.where('t.created_at', '<', until as Date))
      .select([
        't.id',
        't.kind',
        (which === 'debit' ? sql<number>`-t.amount` : sql<number>`t.amount`).as('amount'),
        sql<UserAccountKind>`${account.kind}::text`.as('account'),
        sql.ref<number>(`t.${which}_balance_after`).as('balance_after'),
        'other.owner_id as other_owner',
        'other.system_name as other_system',
        't.memo',
        't.created_at',
        sql.lit(sideOrder).as('side'),
      ])
      .orderBy('t.id', 'desc')
      .limit(window.limit + 1);
    return db.selectFrom(entries.as('s')).selectAll();
  }

  return {
    async list(
      userId: string,
      filters: TransactionsFilters,
      view: HistoryView,
    ): Promise<{ items: HistoryEntry[]; nextCursor: string | null }> {
      const limit = filters.limit ?? DEFAULT_LIMIT;
      const window: Window = {
        limit,
        after: filters.cursor === undefined ? undefined : decodeCursor(filters.cursor),
        kind: filters.kind,
        since: optionalInstantAt(filters.since, '/querystring/since'),
        until: optionalInstantAt(filters.until, '/querystring/until'),
      };
      const accounts = await db
        .selectFrom('credit_accounts')
        .select(['id', 'kind'])
        .where('owner_id', '=', userId)
        .$if(filters.account !== undefined, (q) => q.where('kind', '=', filters.account as UserAccountKind))
        .execute();
      const [first, ...rest] = accounts.flatMap((account) => [
        side(account as { id: string; kind: UserAccountKind }, 'debit', window),
        side(account as { id: string; kind: UserAccountKind }, 'credit', window),
      ]);
      if (!first) return { items: [], nextCursor: null };

      const rows = await db
        .selectFrom(rest.reduce((union, next) => union.unionAll(next), first).as('e'))
        .selectAll()
        .orderBy('e.id', 'desc')
        .orderBy('e.side', 'desc')
        .limit(limit + 1)
        .execute();

      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => ({
          id: Number(row.id),
          kind: row.kind,
          amount: Number(row.amount),
          account: row.account as UserAccountKind,
          balanceAfter: Number(row.balance_after),
          counterparty: row.other_owner ?? `system:${row.other_system}`,
          memo: visibleMemo(row.memo, view),
          createdAt: new Date(row.created_at).toISOString(),
        })),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({ id: Number(last.id), side: last.side === 1 ? 1 : 0 })
            : null,
      };
    },
  };
}

export type CreditHistory = ReturnType<typeof createCreditHistory>;
