// Owns the global invariants of the credits ledger, checked against the database as it is (any
// test may import it): the accounts sum to zero, no account that is not a system source is
// negative, every balance and version is what its transfers say and every transfer's recorded
// balance-after is the running sum, every hold was placed once and resolved at most once with
// captured + given back = amount, held accounts hold exactly their pending holds, every lot's
// remaining is its amount less its draws and an account's lots never exceed its balance, refused
// operations moved nothing, and transfers are append-only (the database refuses a change, and the
// transfers seen by an earlier check are still the same).
import { AppError, type Database, statusForKind } from '@app/platform';
import { sql } from 'kysely';
import { pairlyDb } from '../../src/db.js';
import type { OperationResult } from '../../src/modules/credits/idempotency.js';

type Row = Record<string, unknown>;

const CHECKS: Array<{ name: string; query: string }> = [
  {
    name: 'the accounts do not sum to zero',
    query: 'select sum(balance)::bigint as total from credit_accounts having sum(balance) <> 0',
  },
  {
    name: 'an account that is not a system source is negative (or may go negative)',
    query: `select id, kind, balance, allow_negative from credit_accounts
            where (balance < 0 and not allow_negative) or (allow_negative and kind <> 'system')`,
  },
  {
    // Every posted leg adds one to the version of both its accounts.
    name: 'a balance or version differs from the account transfers',
    query: `with moves as (
              select debit_account_id as account_id, -amount as delta from credit_transfers
              union all select credit_account_id, amount from credit_transfers)
            select a.id, a.balance, coalesce(sum(m.delta), 0)::bigint as entries, a.version,
                   count(m.account_id)::bigint as transfers
            from credit_accounts a left join moves m on m.account_id = a.id
            group by a.id
            having a.balance <> coalesce(sum(m.delta), 0) or a.version <> count(m.account_id)`,
  },
  {
    // Transfer ids are drawn while the accounts are locked, so per account they follow the order
    // the balance changed in.
    name: "a transfer's balance-after is not the running sum of its account",
    query: `with moves as (
              select id, debit_account_id as account_id, -amount as delta, debit_balance_after as after from credit_transfers
              union all select id, credit_account_id, amount, credit_balance_after from credit_transfers),
            running as (
              select id, account_id, after,
                     sum(delta) over (partition by account_id order by id) as expected from moves)
            select id, account_id, after, expected::bigint from running where after <> expected limit 20`,
  },
  {
    name: 'a hold was not placed once, or not resolved exactly as its status says',
    query: `with resolutions as (
              select memo ->> 'holdId' as hold_id,
                     count(*) filter (where kind = 'hold_capture') as captures,
                     coalesce(sum(amount) filter (where kind = 'hold_capture'), 0) as captured,
                     count(*) filter (where kind = 'hold_release') as releases,
                     coalesce(sum(amount) filter (where kind = 'hold_release'), 0) as released
              from credit_transfers where kind in ('hold_capture', 'hold_release') group by 1)
            select h.id, h.status, h.amount, h.captured, r.captures::int, r.captured::bigint,
                   r.releases::int, r.released::bigint, p.amount as placed
            from credit_holds h
            left join resolutions r on r.hold_id = h.id::text
            left join credit_transfers p on p.id = h.hold_transfer_id and p.kind = 'hold'
              and p.debit_account_id = h.source_account_id and p.credit_account_id = h.held_account_id
            where p.amount is distinct from h.amount
               or (h.status = 'pending' and (h.captured <> 0 or r.hold_id is not null))
               or (h.status = 'released' and (h.captured <> 0 or coalesce(r.captures, 0) <> 0
                   or r.releases is distinct from 1 or r.released is distinct from h.amount))
               or (h.status = 'captured' and (
                   coalesce(r.captures, 0) <> (case when h.captured > 0 then 1 else 0 end)
                   or coalesce(r.captured, 0) <> h.captured
                   or coalesce(r.releases, 0) <> (case when h.captured < h.amount then 1 else 0 end)
                   or coalesce(r.released, 0) <> h.amount - h.captured))
            limit 20`,
  },
  {
    name: 'a hold resolution points at no hold',
    query: `select t.id, t.kind, t.memo from credit_transfers t
            where t.kind in ('hold_capture', 'hold_release')
              and not exists (select 1 from credit_holds h where h.id::text = t.memo ->> 'holdId')
            limit 20`,
  },
  {
    name: 'a held account does not hold exactly its pending holds',
    query: `select a.id, a.balance, coalesce(sum(h.amount) filter (where h.status = 'pending'), 0)::bigint as pending
            from credit_accounts a left join credit_holds h on h.held_account_id = a.id
            where a.kind = 'held' group by a.id
            having a.balance <> coalesce(sum(h.amount) filter (where h.status = 'pending'), 0)`,
  },
  {
    name: "a lot's remaining is not its amount less its draws",
    query: `select l.id, l.amount, l.remaining, coalesce(sum(d.amount), 0)::bigint as drawn
            from credit_lots l left join credit_lot_draws d on d.lot_id = l.id
            group by l.id having l.remaining <> l.amount - coalesce(sum(d.amount), 0) limit 20`,
  },
  {
    name: "an account's lots hold more than its balance",
    query: `select a.id, a.balance, sum(l.remaining)::bigint as in_lots
            from credit_accounts a join credit_lots l on l.account_id = a.id
            group by a.id having sum(l.remaining) > a.balance limit 20`,
  },
  {
    name: 'a transfer drew from or gave back to lots more than it moved',
    query: `select t.id, t.amount, sum(abs(d.amount))::bigint as drawn
            from credit_transfers t join credit_lot_draws d on d.transfer_id = t.id
            group by t.id having sum(abs(d.amount)) > t.amount limit 20`,
  },
  {
    name: 'an operation was left without a result, or a refused one moved credits',
    query: `select o.id, o.operation, o.status, count(t.id)::int as transfers
            from credit_operations o left join credit_transfers t on t.operation_id = o.id
            group by o.id
            having o.status is null or (o.status >= 400 and count(t.id) > 0) limit 20`,
  },
];

const TRANSFERS_DIGEST = `
  select count(*)::int as count, md5(coalesce(string_agg(concat_ws('|', id, operation_id,
    debit_account_id, credit_account_id, amount, kind, debit_balance_after, credit_balance_after,
    memo::text, created_at), ',' order by id), '')) as digest
  from credit_transfers where id <= $1`;

class RolledBack extends Error {}

/** Whether the database refused the statement on credit_transfers (it is run and rolled back). */
async function refused(db: Database, statement: string): Promise<boolean> {
  try {
    await pairlyDb(db)
      .transaction()
      .execute(async (trx) => {
        await sql.raw(statement).execute(trx);
        throw new RolledBack();
      });
    return false;
  } catch (error) {
    return !(error instanceof RolledBack);
  }
}

export interface LedgerChecker {
  /** Every broken invariant, each with a few offending rows; empty when the ledger is sound. */
  violations(): Promise<string[]>;
  /** Throws listing every broken invariant. */
  assertSound(): Promise<void>;
}

/** A checker for this database; it remembers the transfers it has seen, to prove them unchanged later. */
export function ledgerChecker(db: Database): LedgerChecker {
  let seen: { upTo: number; count: number; digest: string } | undefined;

  async function violations(): Promise<string[]> {
    const found: string[] = [];
    for (const check of CHECKS) {
      const { rows } = await db.executeSql(check.query);
      if (rows.length > 0) found.push(`${check.name}: ${JSON.stringify(rows)}`);
    }
    const { rows: last } = await db.executeSql(
      'select coalesce(max(id), 0)::bigint as id from credit_transfers',
    );
    const upTo = Number((last[0] as Row).id);
    if (upTo > 0) {
      if (!(await refused(db, `update credit_transfers set amount = amount where id = ${upTo}`))) {
        found.push('a posted transfer could be updated');
      }
      if (!(await refused(db, `delete from credit_transfers where id = ${upTo}`))) {
        found.push('a posted transfer could be deleted');
      }
    }
    if (seen) {
      const { rows } = await db.executeSql(TRANSFERS_DIGEST, [seen.upTo]);
      const now = rows[0] as { count: number; digest: string };
      if (now.count !== seen.count || now.digest !== seen.digest) {
        found.push(`transfers up to id ${seen.upTo} changed since the last check`);
      }
    }
    const { rows } = await db.executeSql(TRANSFERS_DIGEST, [upTo]);
    const current = rows[0] as { count: number; digest: string };
    seen = { upTo, count: current.count, digest: current.digest };
    return found;
  }

  return {
    violations,
    async assertSound() {
      const found = await violations();
      if (found.length > 0) throw new Error(`ledger invariants broken:\n${found.join('\n')}`);
    },
  };
}

/** What a caller of a credits service sees: a status with a body (as sent, through JSON) or an error code. */
export interface Outcome {
  status: number;
  code?: string;
  body?: Record<string, unknown>;
  replayed?: boolean;
}

/** Settles a service call into what a caller sees; anything but an AppError is a test failure. */
export async function outcomeOf(call: Promise<OperationResult<unknown>>): Promise<Outcome> {
  try {
    const result = await call;
    return {
      status: result.status,
      body: JSON.parse(JSON.stringify(result.body)),
      replayed: result.replayed,
    };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { status: statusForKind(error.kind), code: error.code };
  }
}
