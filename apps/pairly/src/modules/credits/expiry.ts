// Owns what the clock takes back: expiring credits (lots) whose time has come, and holds nobody
// resolved before their expiry. Spending already expires an account's due lots itself (in
// `credits_post`); this sweep is for accounts nobody spends from. Each account is expired in its own
// short transaction that locks the account and the expiry account in id order, as `credits_post`
// does (so the two never deadlock), then moves what is left of at most `lotsPerTransaction` due
// lots to the expiry account through `credits_expire_lot`: ledger transfers, never an UPDATE of a
// balance on its own. The owner is told through the mail outbox in the same transaction. A
// forgotten hold is released through the holds service under a key of its own, so it is released
// once however many sweeps run; one resolved by someone else meanwhile is simply skipped. Frozen
// accounts are left alone until they are unfrozen: nothing moves on a frozen account.
import {
  AppError,
  type Clock,
  type Database,
  type IdentitySchema,
  type Logger,
  type Mailer,
  withTransaction,
} from '@app/platform';
import { sql, type Transaction } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../db.js';
import type { Holds } from './holds.js';
import { SYSTEM_ACCOUNTS } from './ledger.js';

export interface ExpirySweepOptions {
  /** Due lots one transaction expires at most, which bounds how long an account stays locked. */
  lotsPerTransaction: number;
  /** Accounts or holds read per page while scanning for due work. */
  pageSize: number;
}

export const DEFAULT_EXPIRY_SWEEP_OPTIONS: ExpirySweepOptions = { lotsPerTransaction: 100, pageSize: 100 };

export interface LotExpirySummary {
  accounts: number;
  lots: number;
  amount: number;
}

export interface HoldExpirySummary {
  released: number;
  skipped: number;
}

interface Dependencies {
  db: Database;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  holds: Holds;
}

function expiryMail(amount: number, at: Date) {
  return {
    subject: 'Some of your credits have expired',
    text: `${amount} credit${amount === 1 ? '' : 's'} reached ${amount === 1 ? 'its' : 'their'} expiry date and expired on ${at.toISOString()}. Credits without an expiry date and credits that expire later are unchanged.`,
  };
}

export function createExpirySweep(
  { db, clock, logger, mailer, holds }: Dependencies,
  options: ExpirySweepOptions = DEFAULT_EXPIRY_SWEEP_OPTIONS,
) {
  const kysely = pairlyDb(db);
  const expiryAccount = SYSTEM_ACCOUNTS.expiry;

  /** Expires up to `lotsPerTransaction` due lots of one account; null when the account is frozen. */
  function expireBatch(accountId: string, now: Date) {
    return withTransaction(db as Database<PairlySchema>, async (trx) => {
      const locked = await trx
        .selectFrom('credit_accounts')
        .select(['id', 'owner_id', 'frozen'])
        .where('id', 'in', [accountId, expiryAccount])
        .orderBy('id')
        .forUpdate()
        .execute();
      if (locked.some((account) => account.frozen)) return null;
      const { rows } = await sql<{ taken: number }>`
        select credits_expire_lot(due.id, ${expiryAccount}::uuid, ${now}::timestamptz) as taken
        from (
          select id from credit_lots
          where account_id = ${accountId} and remaining > 0 and expires_at <= ${now}
          order by expires_at, id
          limit ${options.lotsPerTransaction}
          for update
        ) due
      `.execute(trx);
      const expired = rows.filter((row) => row.taken > 0);
      const amount = expired.reduce((sum, row) => sum + row.taken, 0);
      const userId = locked.find((account) => account.id === accountId)?.owner_id ?? null;
      if (amount > 0 && userId) await notify(trx, userId, amount, now);
      return { userId, amount, lots: expired.length, more: rows.length === options.lotsPerTransaction };
    });
  }

  /** Queues the owner's notice in the expiry's own transaction: it exists exactly when the expiry does. */
  async function notify(trx: Transaction<PairlySchema>, userId: string, amount: number, now: Date) {
    const owner = await trx
      .selectFrom('auth_users')
      .select('email')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    await mailer.send(
      { to: owner.email, ...expiryMail(amount, now) },
      trx as unknown as Transaction<IdentitySchema>,
    );
  }

  /** Accounts (not frozen) with due lots, in id order after `after`. */
  function dueAccounts(now: Date, after: string | null) {
    return kysely
      .selectFrom('credit_lots as l')
      .innerJoin('credit_accounts as a', 'a.id', 'l.account_id')
      .select('l.account_id')
      .distinct()
      .where('l.remaining', '>', 0)
      .where('l.expires_at', '<=', now)
      .where('a.frozen', '=', false)
      .$if(after !== null, (q) => q.where('l.account_id', '>', after as string))
      .orderBy('l.account_id')
      .limit(options.pageSize)
      .execute();
  }

  /** Forgotten holds (pending past their expiry, accounts not frozen), in (expires_at, id) order. */
  function dueHolds(now: Date, after: { expiresAt: Date; id: string } | null) {
    return kysely
      .selectFrom('credit_holds as h')
      .innerJoin('credit_accounts as source', 'source.id', 'h.source_account_id')
      .innerJoin('credit_accounts as held', 'held.id', 'h.held_account_id')
      .select(['h.id', 'h.expires_at'])
      .where('h.status', '=', 'pending')
      .where('h.expires_at', '<=', now)
      .where('source.frozen', '=', false)
      .where('held.frozen', '=', false)
      .$if(after !== null, (q) =>
        q.where(sql<boolean>`(h.expires_at, h.id) > (${after?.expiresAt}::timestamptz, ${after?.id}::uuid)`),
      )
      .orderBy('h.expires_at')
      .orderBy('h.id')
      .limit(options.pageSize)
      .execute();
  }

  /** Releases one forgotten hold, once: 'skipped' when it was resolved by someone (or some sweep) else. */
  async function releaseExpiredHold(holdId: string): Promise<'released' | 'skipped'> {
    try {
      const result = await holds.release(
        { scope: 'system:hold-expiry', idempotencyKey: `hold-expiry:${holdId}` },
        { holdId, ownerId: null },
      );
      if (result.replayed) return 'skipped';
      const { ownerId, amount } = result.body;
      logger.info(
        { event: 'credit_hold_expired', holdId, userId: ownerId, amount },
        'forgotten hold released',
      );
      return 'released';
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.kind === 'conflict') {
        logger.debug(
          { event: 'credit_hold_expiry_skipped', holdId, code: error.code },
          'hold already resolved',
        );
      } else {
        logger.warn(
          { event: 'credit_hold_expiry_refused', holdId, code: error.code },
          'forgotten hold could not be released; release it by hand',
        );
      }
      return 'skipped';
    }
  }

  return {
    releaseExpiredHold,

    /** Moves what is left of every due lot to the expiry account, account by account. */
    async expireDueLots(): Promise<LotExpirySummary> {
      const now = clock.now();
      const summary: LotExpirySummary = { accounts: 0, lots: 0, amount: 0 };
      let after: string | null = null;
      for (;;) {
        const page = await dueAccounts(now, after);
        for (const { account_id: accountId } of page) {
          let expiredHere = 0;
          for (;;) {
            const batch = await expireBatch(accountId, now);
            if (!batch) break;
            if (batch.amount > 0) {
              const { userId, amount, lots } = batch;
              logger.info({ event: 'credits_expired', userId, accountId, amount, lots }, 'credits expired');
            }
            expiredHere += batch.amount;
            summary.lots += batch.lots;
            if (!batch.more) break;
          }
          if (expiredHere > 0) summary.accounts += 1;
          summary.amount += expiredHere;
        }
        if (page.length < options.pageSize) return summary;
        after = page[page.length - 1]?.account_id ?? null;
      }
    },

    /** Releases every pending hold past its expiry: the full amount back, lots restored. */
    async releaseForgottenHolds(): Promise<HoldExpirySummary> {
      const now = clock.now();
      const summary: HoldExpirySummary = { released: 0, skipped: 0 };
      let after: { expiresAt: Date; id: string } | null = null;
      for (;;) {
        const page = await dueHolds(now, after);
        for (const hold of page) summary[await releaseExpiredHold(hold.id)] += 1;
        const last = page[page.length - 1];
        if (page.length < options.pageSize || !last?.expires_at) return summary;
        after = { expiresAt: last.expires_at, id: last.id };
      }
    },
  };
}

export type ExpirySweep = ReturnType<typeof createExpirySweep>;
