// Owns the ledger's drift check: it recomputes every account's balance from its transfers (credits
// minus debits) and compares it with the stored balance, checks that the stored balances of all
// accounts sum to zero (every transfer moves one amount from one account to another), and that no
// account's unexpired lots hold more than its balance. It reads one consistent snapshot and never
// repairs anything: a difference means a bug or a hand-edited row, which a person must look at.
// Findings go to Prometheus gauges and, when there are any, to one `error` log line that alerts.
import { type AppMetrics, type Database, type Logger, withTransaction } from '@app/platform';
import { sql, type Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';

export interface BalanceDrift {
  accountId: string;
  /** The stored balance. */
  balance: number;
  /** Credits minus debits over the account's transfers. */
  fromEntries: number;
}

export interface LotExcess {
  accountId: string;
  balance: number;
  /** What the account's lots still hold. */
  inLots: number;
}

export interface LedgerFindings {
  accountsChecked: number;
  drift: BalanceDrift[];
  /** The sum of every stored balance; zero on a sound ledger. */
  ledgerSum: number;
  lotExcess: LotExcess[];
}

/** Accounts named in one log line at most; the counts are always complete. */
const LOGGED_ACCOUNTS = 100;

export const ledgerIsSound = (findings: LedgerFindings): boolean =>
  findings.drift.length === 0 && findings.ledgerSum === 0 && findings.lotExcess.length === 0;

async function findings(trx: Transaction<PairlySchema>): Promise<LedgerFindings> {
  const totals = await sql<{ accounts: number; ledgerSum: number }>`
    select count(*)::int as "accounts", coalesce(sum(balance), 0)::bigint as "ledgerSum" from credit_accounts
  `.execute(trx);
  const drift = await sql<BalanceDrift>`
    with entries as (
      select account_id, sum(delta)::bigint as total from (
        select credit_account_id as account_id, amount as delta from credit_transfers
        union all
        select debit_account_id, -amount from credit_transfers
      ) moves
      group by account_id
    )
    select a.id as "accountId", a.balance, coalesce(e.total, 0)::bigint as "fromEntries"
    from credit_accounts a left join entries e on e.account_id = a.id
    where a.balance <> coalesce(e.total, 0)
    order by a.id
  `.execute(trx);
  const lotExcess = await sql<LotExcess>`
    select a.id as "accountId", a.balance, sum(l.remaining)::bigint as "inLots"
    from credit_lots l join credit_accounts a on a.id = l.account_id
    where l.remaining > 0
    group by a.id, a.balance
    having sum(l.remaining) > a.balance
    order by a.id
  `.execute(trx);
  const [total] = totals.rows;
  return {
    accountsChecked: total?.accounts ?? 0,
    drift: drift.rows,
    ledgerSum: total?.ledgerSum ?? 0,
    lotExcess: lotExcess.rows,
  };
}

/** Checks the whole ledger in one snapshot (repeatable read); changes nothing. */
export function checkLedger(db: Database): Promise<LedgerFindings> {
  return withTransaction(db as Database<PairlySchema>, findings, { isolationLevel: 'repeatable read' });
}

/** The scheduled check: runs `checkLedger`, publishes the findings as gauges and alerts on any. */
export function createLedgerCheck(db: Database, logger: Logger, metrics?: AppMetrics) {
  const gauges = metrics && {
    drift: metrics.gauge(
      'credits_balance_drift_accounts',
      'Credit accounts whose stored balance differs from the sum of their transfers (last check)',
    ),
    sum: metrics.gauge('credits_ledger_sum', 'Sum of all credit account balances; 0 on a sound ledger'),
    lotExcess: metrics.gauge(
      'credits_lot_excess_accounts',
      'Credit accounts whose unexpired lots hold more than their balance (last check)',
    ),
  };

  return async function runLedgerCheck(): Promise<LedgerFindings> {
    const result = await checkLedger(db);
    gauges?.drift.set(result.drift.length);
    gauges?.sum.set(result.ledgerSum);
    gauges?.lotExcess.set(result.lotExcess.length);
    if (ledgerIsSound(result)) {
      logger.info(
        { event: 'credits_ledger_checked', accounts: result.accountsChecked },
        'credits ledger sound',
      );
      return result;
    }
    logger.error(
      {
        event: 'credits_ledger_drift',
        accounts: result.accountsChecked,
        ledgerSum: result.ledgerSum,
        driftCount: result.drift.length,
        drift: result.drift
          .slice(0, LOGGED_ACCOUNTS)
          .map((row) => ({ ...row, difference: row.balance - row.fromEntries })),
        lotExcessCount: result.lotExcess.length,
        lotExcess: result.lotExcess.slice(0, LOGGED_ACCOUNTS),
      },
      'credits ledger drift: stored balances disagree with their transfers (not repaired)',
    );
    return result;
  };
}
