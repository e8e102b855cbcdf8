// Owns a creator's payout statement for a period, read from the ledger itself: every movement of
// their earnings account (earnings credited, other debits, credits held for a payout, held credits
// given back when a payout failed or was rejected or canceled) and the captures of their payout holds
// (paid), each with the running available balance (the ledger's own balance-after) and the running
// credits held by payouts; the totals of the period; and the same as CSV (RFC 4180, a header row,
// every cell that starts with = + - @ (or a tab or carriage return) prefixed with ' so a spreadsheet
// never runs it as a formula). Descriptions come from the memo as the reader may see it (credits'
// visibleMemo): the creator's own statement never shows the reason staff wrote on a movement.
import { AppError, type Database } from '@app/platform';
import { sql } from 'kysely';
import { pairlyDb } from '../../db.js';
import { type HistoryView, visibleMemo } from '../credits/history.js';

export type StatementLineType =
  | 'earning'
  | 'debit'
  | 'payout_held'
  | 'payout_paid'
  | 'payout_failed'
  | 'payout_released';

export interface StatementLine {
  at: string;
  type: StatementLineType;
  /** The ledger's movement kind (message, transfer, hold, hold_capture, hold_release, ...). */
  kind: string;
  payoutId: string | null;
  /** Credits in (+) or out (-) of the available earnings; paid moves held credits out. */
  credits: number;
  available: number;
  heldForPayouts: number;
  description: string;
}

export interface Statement {
  creatorId: string;
  from: string;
  to: string;
  opening: { available: number; heldForPayouts: number };
  closing: { available: number; heldForPayouts: number };
  totals: {
    earningsCredited: number;
    otherDebits: number;
    payoutsHeld: number;
    payoutsPaid: number;
    payoutsFailed: number;
    payoutsReleased: number;
  };
  lines: StatementLine[];
}

const MAX_DAYS = 366;
const MAX_LINES = 10_000;
const DAY_MS = 86_400_000;

const badPeriod = (path: string, message: string) =>
  new AppError({
    kind: 'invalid_input',
    code: 'invalid_statement_period',
    detail: `The statement period is not valid: ${path.split('/').at(-1)} ${message}.`,
    fields: [{ path, message }],
  });

/** The period a statement covers: [from, to), at most a year; default the last 30 days up to now. */
export function statementPeriod(now: Date, query: { from?: string; to?: string }): { from: Date; to: Date } {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (Number.isNaN(to.getTime())) throw badPeriod('/querystring/to', 'must be a date-time');
  if (Number.isNaN(from.getTime())) throw badPeriod('/querystring/from', 'must be a date-time');
  if (from.getTime() >= to.getTime()) throw badPeriod('/querystring/from', 'must be before to');
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) {
    throw badPeriod('/querystring/from', `must be at most ${MAX_DAYS} days before to`);
  }
  return { from, to };
}

interface TransferRow {
  id: number;
  debit_account_id: string;
  credit_account_id: string;
  amount: number;
  kind: string;
  debit_balance_after: number;
  credit_balance_after: number;
  memo: Record<string, unknown> | string | null;
  created_at: Date;
}

/** Describes a line from the memo as the reader may see it: a creator never sees staff's reason. */
function describe(memo: Record<string, unknown> | null): string {
  if (!memo) return '';
  if (typeof memo.reason === 'string') return memo.reason;
  if (typeof memo.messageId === 'string') return `message ${memo.messageId}`;
  if (typeof memo.giftId === 'string') return `gift ${memo.giftId}`;
  if (typeof memo.purpose === 'string') return memo.purpose;
  return '';
}

export function createStatements(db: Database) {
  const kysely = pairlyDb(db);

  return {
    async build(creatorId: string, period: { from: Date; to: Date }, view: HistoryView): Promise<Statement> {
      const earningsAccount = await kysely
        .selectFrom('credit_accounts')
        .select('id')
        .where('owner_id', '=', creatorId)
        .where('kind', '=', 'earnings')
        .executeTakeFirst();
      const earnings = earningsAccount?.id ?? null;
      const payouts = await kysely
        .selectFrom('payouts')
        .select(['id', 'hold_id', 'status'])
        .where('creator_id', '=', creatorId)
        .execute();
      const byHold = new Map(payouts.map((payout) => [payout.hold_id, payout]));
      const holdIds = [...byHold.keys()];

      const openingAvailable = earnings
        ? Number(
            (
              await sql<{ balance: number }>`
                select case when debit_account_id = ${earnings} then debit_balance_after else credit_balance_after end as balance
                from credit_transfers
                where (debit_account_id = ${earnings} or credit_account_id = ${earnings}) and created_at < ${period.from}
                order by id desc limit 1`.execute(kysely)
            ).rows[0]?.balance ?? 0,
          )
        : 0;
      const openingHeld =
        holdIds.length === 0
          ? 0
          : Number(
              (
                await kysely
                  .selectFrom('credit_holds')
                  .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('held'))
                  .where('id', 'in', holdIds)
                  .where('created_at', '<', period.from)
                  .where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', period.from)]))
                  .executeTakeFirst()
              )?.held ?? 0,
            );

      const rows =
        earnings === null && holdIds.length === 0
          ? []
          : ((await kysely
              .selectFrom('credit_transfers')
              .selectAll()
              .where('created_at', '>=', period.from)
              .where('created_at', '<', period.to)
              .where((eb) =>
                eb.or([
                  ...(earnings
                    ? [eb('debit_account_id', '=', earnings), eb('credit_account_id', '=', earnings)]
                    : []),
                  ...(holdIds.length > 0
                    ? [
                        eb.and([
                          eb('kind', '=', 'hold_capture'),
                          eb(sql<string>`memo ->> 'holdId'`, 'in', holdIds),
                        ]),
                      ]
                    : []),
                ]),
              )
              .orderBy('id')
              .limit(MAX_LINES + 1)
              .execute()) as TransferRow[]);
      if (rows.length > MAX_LINES) {
        throw badPeriod(
          '/querystring/from',
          `covers more than ${MAX_LINES} movements; ask for a shorter period`,
        );
      }

      const totals = {
        earningsCredited: 0,
        otherDebits: 0,
        payoutsHeld: 0,
        payoutsPaid: 0,
        payoutsFailed: 0,
        payoutsReleased: 0,
      };
      let available = openingAvailable;
      let held = openingHeld;
      const lines: StatementLine[] = rows.map((row) => {
        const memo = visibleMemo(row.memo, 'staff') ?? {};
        const payout = typeof memo.holdId === 'string' ? byHold.get(memo.holdId) : undefined;
        const intoEarnings = row.credit_account_id === earnings;
        const outOfEarnings = row.debit_account_id === earnings;
        if (intoEarnings) available = row.credit_balance_after;
        if (outOfEarnings) available = row.debit_balance_after;
        let type: StatementLineType;
        let credits: number;
        if (payout && row.kind === 'hold' && outOfEarnings) {
          type = 'payout_held';
          credits = -row.amount;
          held += row.amount;
          totals.payoutsHeld += row.amount;
        } else if (payout && row.kind === 'hold_release' && intoEarnings) {
          type = payout.status === 'failed' ? 'payout_failed' : 'payout_released';
          credits = row.amount;
          held -= row.amount;
          if (type === 'payout_failed') totals.payoutsFailed += row.amount;
          else totals.payoutsReleased += row.amount;
        } else if (payout && row.kind === 'hold_capture') {
          type = 'payout_paid';
          credits = -row.amount;
          held -= row.amount;
          totals.payoutsPaid += row.amount;
        } else if (intoEarnings) {
          type = 'earning';
          credits = row.amount;
          totals.earningsCredited += row.amount;
        } else {
          type = 'debit';
          credits = -row.amount;
          totals.otherDebits += row.amount;
        }
        return {
          at: new Date(row.created_at).toISOString(),
          type,
          kind: row.kind,
          payoutId: payout?.id ?? null,
          credits,
          available,
          heldForPayouts: held,
          description: describe(visibleMemo(memo, view)),
        };
      });
      return {
        creatorId,
        from: period.from.toISOString(),
        to: period.to.toISOString(),
        opening: { available: openingAvailable, heldForPayouts: openingHeld },
        closing: { available, heldForPayouts: held },
        totals,
        lines,
      };
    },
  };
}

export type Statements = ReturnType<typeof createStatements>;

/** One CSV cell: formula-looking text prefixed with ', then quoted when it needs to be (RFC 4180). */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

const CSV_COLUMNS = [
  'at',
  'type',
  'kind',
  'payout_id',
  'credits',
  'available',
  'held_for_payouts',
  'description',
];

/** The statement's lines as CSV with a header row, CRLF line ends (RFC 4180). */
export function statementCsv(statement: Statement): string {
  const rows = [
    CSV_COLUMNS.join(','),
    ...statement.lines.map((line) =>
      [
        line.at,
        line.type,
        line.kind,
        line.payoutId,
        line.credits,
        line.available,
        line.heldForPayouts,
        line.description,
      ]
        .map(csvCell)
        .join(','),
    ),
  ];
  return `${rows.join('\r\n')}\r\n`;
}
