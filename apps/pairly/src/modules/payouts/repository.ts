// Owns the SQL of payouts: payout rows and their conditional status changes (the one guard of the
// state machine: UPDATE ... WHERE status IN (...) RETURNING, no row means another change won),
// destinations, listings with a keyset cursor, and the sums the balance shows. Plain rows out; no
// rules here. Every function takes the Kysely handle to run on: the app's, or a transaction's.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';
import type { DestinationProvider, PayoutRow, PayoutStatus } from './tables.js';

type Db = Kysely<PairlySchema> | Transaction<PairlySchema>;

/**
 * The claim after a send ends: cleared when it is still the one that send took (`claim`), left alone
 * when a later send claimed the payout after this one's lapsed.
 */
const ownClaimEnded = (claim: Date | null) =>
  sql<Date | null>`case when send_claimed_until = ${claim} then null else send_claimed_until end`;
export type PayoutRecord = Omit<PayoutRow, 'send_attempts'> & { send_attempts: number };
export type PayoutInsert = Omit<PayoutRow, 'send_attempts'>;
export type PayoutChanges = Partial<Omit<PayoutRow, 'id' | 'creator_id' | 'send_attempts'>>;

/** Payouts whose hold is still pending: requested, approved or being processed. */
const OPEN_STATUSES: readonly PayoutStatus[] = ['requested', 'approved', 'processing'];

export interface ListFilters {
  creatorId?: string | undefined;
  status?: PayoutStatus | undefined;
  limit: number;
  /** The last payout of the previous page: newest first, so everything requested before it. */
  after?: { requestedAt: Date; id: string } | undefined;
}

export const payoutRepository = {
  async insert(db: Db, row: PayoutInsert): Promise<PayoutRecord> {
    return (await db
      .insertInto('payouts')
      .values(row)
      .returningAll()
      .executeTakeFirstOrThrow()) as PayoutRecord;
  },

  async find(db: Db, id: string, creatorId?: string): Promise<PayoutRecord | undefined> {
    return (await db
      .selectFrom('payouts')
      .selectAll()
      .where('id', '=', id)
      .$if(creatorId !== undefined, (q) => q.where('creator_id', '=', creatorId as string))
      .executeTakeFirst()) as PayoutRecord | undefined;
  },

  async findByProviderPayout(db: Db, provider: string, providerPayoutId: string) {
    return (await db
      .selectFrom('payouts')
      .selectAll()
      .where('provider', '=', provider as PayoutRow['provider'])
      .where('provider_payout_id', '=', providerPayoutId)
      .executeTakeFirst()) as PayoutRecord | undefined;
  },

  /** Changes the payout only while its status is one of `from`; undefined when another change won. */
  async transition(
    db: Db,
    id: string,
    from: readonly PayoutStatus[],
    changes: PayoutChanges,
  ): Promise<PayoutRecord | undefined> {
    return (await db
      .updateTable('payouts')
      .set(changes)
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .returningAll()
      .executeTakeFirst()) as PayoutRecord | undefined;
  },

  /**
   * Claims an approved payout for one send until `until`: undefined when it is no longer approved or
   * another send holds a live claim. The row answered is the payout as it is now.
   */
  async claimSend(db: Db, id: string, now: Date, until: Date): Promise<PayoutRecord | undefined> {
    return (await db
      .updateTable('payouts')
      .set({ send_claimed_until: until, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .where((eb) => eb.or([eb('send_claimed_until', 'is', null), eb('send_claimed_until', '<=', now)]))
      .returningAll()
      .executeTakeFirst()) as PayoutRecord | undefined;
  },

  /** Ends a send's own claim (`claim`, as it took it) without counting a send: not sendable after all. */
  async endClaim(db: Db, id: string, claim: Date | null): Promise<void> {
    await db
      .updateTable('payouts')
      .set({ send_claimed_until: ownClaimEnded(claim) })
      .where('id', '=', id)
      .execute();
  },

  /** The payout, its row locked until the transaction ends (a confirm against a send's claim). */
  async findForUpdate(db: Db, id: string): Promise<PayoutRecord | undefined> {
    return (await db.selectFrom('payouts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()) as
      | PayoutRecord
      | undefined;
  },

  /** Approved payouts approved before `before`: too old to send again, waiting for finance. */
  async countAgedOut(db: Db, before: Date): Promise<number> {
    const row = await db
      .selectFrom('payouts')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'approved')
      .where('decided_at', '<', before)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  },

  /**
   * Counts a send and ends its claim; `error` is what went wrong (null: the provider's answer was
   * recorded). `providerPayoutId` keeps an answer that could not be settled, so a webhook about it
   * still finds the payout and finance sees the provider paid.
   */
  async recordSendAttempt(
    db: Db,
    id: string,
    attempt: { claim: Date | null; error: string | null; now: Date; providerPayoutId?: string | null },
  ): Promise<void> {
    const { error, now, providerPayoutId = null } = attempt;
    await db
      .updateTable('payouts')
      .set((eb) => ({
        send_attempts: eb('send_attempts', '+', 1),
        last_send_error: error,
        send_claimed_until: ownClaimEnded(attempt.claim),
        updated_at: now,
        ...(providerPayoutId !== null && {
          provider_payout_id: eb.fn.coalesce('provider_payout_id', eb.val(providerPayoutId)),
        }),
      }))
      .where('id', '=', id)
      .execute();
  },

  async list(db: Db, filters: ListFilters): Promise<PayoutRecord[]> {
    const { after } = filters;
    return (await db
      .selectFrom('payouts')
      .selectAll()
      .$if(filters.creatorId !== undefined, (q) => q.where('creator_id', '=', filters.creatorId as string))
      .$if(filters.status !== undefined, (q) => q.where('status', '=', filters.status as PayoutStatus))
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb.or([
            eb('requested_at', '<', (after as { requestedAt: Date }).requestedAt),
            eb.and([
              eb('requested_at', '=', (after as { requestedAt: Date }).requestedAt),
              eb('id', '<', (after as { id: string }).id),
            ]),
          ]),
        ),
      )
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filters.limit)
      .execute()) as PayoutRecord[];
  },

  /**
   * Approved payouts not yet sent (an outage on approve), oldest first: the retry job's work. Only
   * those approved (first sent) at `sentSince` or later (older ones are left for finance to
   * confirm), and none of a creator with a frozen account (settling would be refused).
   */
  async unsent(db: Db, limit: number, sentSince: Date): Promise<PayoutRecord[]> {
    return (await db
      .selectFrom('payouts')
      .selectAll()
      .where('status', '=', 'approved')
      .where('decided_at', '>=', sentSince)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('credit_accounts')
              .select('credit_accounts.id')
              .whereRef('credit_accounts.owner_id', '=', 'payouts.creator_id')
              .where('credit_accounts.frozen', '=', true),
          ),
        ),
      )
      .orderBy('decided_at')
      .limit(limit)
      .execute()) as PayoutRecord[];
  },

  /** Credits held by the creator's open payouts. */
  async heldCredits(db: Db, creatorId: string): Promise<number> {
    const row = await db
      .selectFrom('payouts')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('credits'), eb.lit(0)).as('held'))
      .where('creator_id', '=', creatorId)
      .where('status', 'in', [...OPEN_STATUSES])
      .executeTakeFirst();
    return Number(row?.held ?? 0);
  },

  /** Whether any credits account of the creator is frozen (nothing may move on it). */
  async creatorFrozen(db: Db, creatorId: string): Promise<boolean> {
    const row = await db
      .selectFrom('credit_accounts')
      .select('id')
      .where('owner_id', '=', creatorId)
      .where('frozen', '=', true)
      .executeTakeFirst();
    return row !== undefined;
  },

  async earningsBalance(db: Db, creatorId: string): Promise<number> {
    const row = await db
      .selectFrom('credit_accounts')
      .select('balance')
      .where('owner_id', '=', creatorId)
      .where('kind', '=', 'earnings')
      .executeTakeFirst();
    return Number(row?.balance ?? 0);
  },

  async destination(db: Db, creatorId: string, provider: DestinationProvider) {
    return db
      .selectFrom('payout_destinations')
      .selectAll()
      .where('creator_id', '=', creatorId)
      .where('provider', '=', provider)
      .executeTakeFirst();
  },

  async destinations(db: Db, creatorId: string) {
    return db
      .selectFrom('payout_destinations')
      .selectAll()
      .where('creator_id', '=', creatorId)
      .orderBy('provider')
      .execute();
  },

  async saveDestination(
    db: Db,
    row: { creator_id: string; provider: DestinationProvider; account_id: string; updated_at: Date },
  ) {
    return db
      .insertInto('payout_destinations')
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(['creator_id', 'provider']).doUpdateSet({
          account_id: row.account_id,
          updated_at: row.updated_at,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
  },
};
