// Owns the renewal job's work: every live subscription whose period has ended is, in one
// transaction holding its row lock, lapsed (past_due and the grace is over), ended (cancelled, no
// longer offered, or a block between the two) or charged for the next period at the renewal price.
// A period is charged EXACTLY ONCE whoever runs the job, however often: the row is taken in the
// state it was read in (id, status, period_index), the credits key is `subscription:<id>:<period>`
// and subscription_charges' primary key is (subscription, period), all in the transaction that
// advances the period. A charge refused for credits (or a frozen account) rolls that transaction
// back whole, its credits key included (credits_run records a refusal under its key, and a replay
// would repeat it): the subscription is marked past_due in a transaction of its own, and the next
// run tries the same period again until grace_until. Runs scan due rows by (period end, id), each
// row once per run, a batch at a time; one row's failure is logged and does not stop the others.
import {
  AppError,
  type Clock,
  type Database,
  type IdentitySchema,
  type Logger,
  type Mailer,
  withTransaction,
} from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';
import { creatorChargeLegs } from '../credits/creator-charges.js';
import { runKeyedWithin } from '../credits/keyed-posting.js';
import type { CreditsService } from '../credits/service.js';
import { lapsedMail, renewalFailedMail } from './mail.js';
import type { SubscriptionOptions } from './options.js';
import {
  accessUntil,
  creatorName,
  DAY_MS,
  LIVE_STATUSES,
  periodOf,
  renewalTerms,
  transition,
} from './state.js';
import type { StoredSubscription, SubscriptionDb, SubscriptionTransaction } from './tables.js';

export type RenewalOutcome = 'renewed' | 'past_due' | 'lapsed' | 'ended' | 'skipped';

export interface RenewalDependencies {
  database: Database;
  db: SubscriptionDb;
  clock: Clock;
  logger: Logger;
  credits: CreditsService;
  feeBps: number;
  mailer: Mailer;
  options: SubscriptionOptions;
}

/** The system scope of renewal keys (a fan's own Idempotency-Keys never collide with them). */
export const RENEWAL_SCOPE = 'subscriptions';
export const renewalKey = (subscriptionId: string, periodIndex: number) =>
  `subscription:${subscriptionId}:${periodIndex}`;

interface Accounts {
  payer: string;
  creator: string;
}

const REFUSED_CHARGE = new Set(['insufficient_credits', 'account_frozen']);

const asIdentity = (trx: SubscriptionTransaction) => trx as unknown as Transaction<IdentitySchema>;
const asPairly = (trx: SubscriptionTransaction) => trx as unknown as Transaction<PairlySchema>;

export function createRenewal(dependencies: RenewalDependencies) {
  const { database, db, clock, logger, credits, feeBps, mailer, options } = dependencies;
  const graceMs = options.graceDays * DAY_MS;

  /** The fan's address and the creator's name for a mail, read in the change's transaction. */
  async function parties(trx: SubscriptionTransaction, row: StoredSubscription) {
    const fan = await trx
      .selectFrom('auth_users')
      .select('email')
      .where('id', '=', row.fan_id)
      .executeTakeFirstOrThrow();
    return { email: fan.email, creator: await creatorName(trx, row.creator_id) };
  }

  /** The row as it is now, locked, when it is still live and due; null when another run moved it. */
  async function lockDue(trx: SubscriptionTransaction, id: string, now: Date) {
    const row = await trx
      .selectFrom('fan_subscriptions')
      .selectAll()
      .where('id', '=', id)
      .where('status', 'in', LIVE_STATUSES)
      .where('current_period_end', '<=', now)
      .forUpdate()
      .executeTakeFirst();
    return row ?? null;
  }

  async function blockedEitherWay(trx: SubscriptionTransaction, row: StoredSubscription) {
    const block = await trx
      .selectFrom('user_blocks')
      .select('blocker_id')
      .where((eb) =>
        eb.or([
          eb.and([eb('blocker_id', '=', row.fan_id), eb('blocked_id', '=', row.creator_id)]),
          eb.and([eb('blocker_id', '=', row.creator_id), eb('blocked_id', '=', row.fan_id)]),
        ]),
      )
      .executeTakeFirst();
    return block !== undefined;
  }

  /** Charges period `row.period_index + 1` and advances to it, inside the caller's transaction. */
  async function charge(
    trx: SubscriptionTransaction,
    row: StoredSubscription,
    accounts: Accounts,
    now: Date,
  ) {
    const periodIndex = row.period_index + 1;
    const { amount, nextPriceApplied } = renewalTerms(row);
    const period = periodOf(row.anchor_at, periodIndex);
    const legs = creatorChargeLegs({
      payerAccountId: accounts.payer,
      creatorAccountId: accounts.creator,
      amount,
      feeBps,
      kind: 'subscription',
      memo: { subscriptionId: row.id, periodIndex },
    });
    const posted = await runKeyedWithin(
      asPairly(trx),
      {
        scope: RENEWAL_SCOPE,
        key: renewalKey(row.id, periodIndex),
        operation: 'subscription_renewal',
        params: { subscriptionId: row.id, periodIndex, amount },
      },
      legs,
      201,
      now,
      (operationId) => operationId,
    );
    // The period's key already used means it was paid (and advanced) by an earlier transaction.
    if (posted.replayed) return null;
    await trx
      .insertInto('subscription_charges')
      .values({
        subscription_id: row.id,
        period_index: periodIndex,
        amount,
        operation_id: posted.body,
        period_start: period.start,
        period_end: period.end,
        charged_at: now,
      })
      .execute();
    const advanced = {
      status: 'active' as const,
      period_index: periodIndex,
      current_period_start: period.start,
      current_period_end: period.end,
      price: amount,
      grace_until: null,
      ...(nextPriceApplied && { next_price: null, next_price_from: null }),
    };
    return transition(
      trx,
      row,
      { ...advanced, access_until: accessUntil({ ...row, ...advanced }, graceMs) },
      now,
    );
  }

  /** The outcome of one due subscription's turn, all in one transaction (rolled back if the charge is refused). */
  async function settle(id: string, accounts: Accounts, now: Date): Promise<RenewalOutcome> {
    return withTransaction(database, async (raw) => {
      const trx = raw as unknown as SubscriptionTransaction;
      const row = await lockDue(trx, id, now);
      if (!row) return 'skipped';
      if (row.status === 'past_due' && row.grace_until && row.grace_until <= now) {
        const lapsed = await transition(
          trx,
          row,
          {
            status: 'lapsed',
            end_reason: 'lapsed',
            ended_at: row.grace_until,
            access_until: row.grace_until,
          },
          now,
        );
        if (!lapsed) return 'skipped';
        const { email, creator } = await parties(trx, row);
        await mailer.send(lapsedMail(email, creator), asIdentity(trx));
        return 'lapsed';
      }
      const blocked = await blockedEitherWay(trx, row);
      if (row.cancel_at_period_end || blocked) {
        const ended = await transition(
          trx,
          row,
          {
            status: 'ended',
            end_reason: blocked ? 'blocked' : (row.end_reason ?? 'cancelled'),
            ended_at: row.current_period_end,
            access_until: row.current_period_end,
          },
          now,
        );
        return ended ? 'ended' : 'skipped';
      }
      return (await charge(trx, row, accounts, now)) ? 'renewed' : 'skipped';
    });
  }

  /** After a refused charge: past_due from active (mailing the fan once); a past_due row stays as it is. */
  async function markPastDue(id: string, now: Date): Promise<RenewalOutcome> {
    return withTransaction(database, async (raw) => {
      const trx = raw as unknown as SubscriptionTransaction;
      const row = await lockDue(trx, id, now);
      if (!row) return 'skipped';
      if (row.status !== 'active') return 'past_due';
      const graceUntil = new Date(row.current_period_end.getTime() + graceMs);
      const changed = await transition(
        trx,
        row,
        { status: 'past_due', grace_until: graceUntil, access_until: graceUntil },
        now,
      );
      if (!changed) return 'skipped';
      const { email, creator } = await parties(trx, row);
      await mailer.send(
        renewalFailedMail(email, creator, renewalTerms(row).amount, graceUntil),
        asIdentity(trx),
      );
      return 'past_due';
    });
  }

  async function renewOne(id: string, now: Date): Promise<RenewalOutcome> {
    const pair = await db
      .selectFrom('fan_subscriptions')
      .select(['fan_id', 'creator_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!pair) return 'skipped';
    // Accounts are opened before (never inside) the transaction that posts to them (ledger.ts).
    const accounts = {
      payer: await credits.accountOf(pair.fan_id, 'spendable'),
      creator: await credits.accountOf(pair.creator_id, 'earnings'),
    };
    try {
      return await settle(id, accounts, now);
    } catch (error) {
      if (error instanceof AppError && REFUSED_CHARGE.has(error.code)) return markPastDue(id, now);
      throw error;
    }
  }

  return {
    renewOne,

    /** One run of the job: every subscription due now, each once; the count of each outcome. */
    async renewDue(): Promise<Record<RenewalOutcome, number>> {
      const now = clock.now();
      const counts: Record<RenewalOutcome, number> = {
        renewed: 0,
        past_due: 0,
        lapsed: 0,
        ended: 0,
        skipped: 0,
      };
      let after: { end: Date; id: string } | undefined;
      for (;;) {
        let query = db
          .selectFrom('fan_subscriptions')
          .select(['id', 'current_period_end'])
          .where('status', 'in', LIVE_STATUSES)
          .where('current_period_end', '<=', now)
          .orderBy('current_period_end')
          .orderBy('id')
          .limit(options.renewalBatchSize);
        if (after) {
          const { end, id } = after;
          query = query.where((eb) =>
            eb.or([
              eb('current_period_end', '>', end),
              eb.and([eb('current_period_end', '=', end), eb('id', '>', id)]),
            ]),
          );
        }
        const due = await query.execute();
        for (const { id } of due) {
          try {
            counts[await renewOne(id, now)] += 1;
          } catch (error) {
            logger.error(
              { event: 'subscription_renewal_failed', subscriptionId: id, err: error },
              'renewal failed',
            );
          }
        }
        const last = due.at(-1);
        if (!last || due.length < options.renewalBatchSize) break;
        after = { end: last.current_period_end, id: last.id };
      }
      if (counts.renewed + counts.past_due + counts.lapsed + counts.ended > 0)
        logger.info({ event: 'subscriptions_renewed', ...counts }, 'subscription renewals');
      return counts;
    },
  };
}

export type Renewal = ReturnType<typeof createRenewal>;
