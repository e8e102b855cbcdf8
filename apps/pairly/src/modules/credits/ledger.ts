// Owns the ledger's two primitives: finding (or opening) the accounts an operation touches, and
// posting a list of legs through the database's `credits_post` function, which locks the accounts
// in id order, refuses a frozen account or a negative balance before changing anything, and writes
// each transfer with the balances after it, in one round trip. Every other part of credits moves
// money only through `postLegs`.
import { AppError } from '@app/platform';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { CreditAccountKind, PairlySchema } from '../../db.js';

export type UserAccountKind = Exclude<CreditAccountKind, 'system'>;
export type SystemAccount =
  | 'purchases'
  | 'promotions'
  | 'refunds'
  | 'adjustments'
  | 'expiry'
  | 'platform_fees'
  | 'payouts';

/** The fixed ids of the system accounts (seeded by migration 0002). */
export const SYSTEM_ACCOUNTS: Readonly<Record<SystemAccount, string>> = {
  purchases: '00000000-0000-4000-8000-000000000001',
  promotions: '00000000-0000-4000-8000-000000000002',
  refunds: '00000000-0000-4000-8000-000000000003',
  adjustments: '00000000-0000-4000-8000-000000000004',
  expiry: '00000000-0000-4000-8000-000000000005',
  platform_fees: '00000000-0000-4000-8000-000000000006',
  payouts: '00000000-0000-4000-8000-000000000007',
};

export interface Leg {
  debit: string;
  credit: string;
  amount: number;
  kind: string;
  memo?: Record<string, unknown>;
  /** Grants that expire: the credited (spendable) account gets a lot expiring then. */
  expiresAt?: Date;
  /** Gives the credited account's lots back what this earlier transfer drew from them. */
  restoreLotsOf?: number;
}

export interface PostedTransfer {
  id: number;
  debitAccountId: string;
  creditAccountId: string;
  amount: number;
  kind: string;
  debitBalanceAfter: number;
  creditBalanceAfter: number;
}

export type PostOutcome =
  | { outcome: 'applied'; transfers: PostedTransfer[] }
  | { outcome: 'frozen' | 'insufficient'; accountId: string }
  | { outcome: 'unknown_account' };

export const insufficientCredits = () =>
  new AppError({
    kind: 'payment_required',
    code: 'insufficient_credits',
    detail: 'Not enough credits for this operation.',
  });

export const accountFrozen = () =>
  new AppError({ kind: 'locked', code: 'account_frozen', detail: 'The credits account is frozen.' });

export const accountNotFound = () =>
  new AppError({ kind: 'not_found', code: 'account_not_found', detail: 'No such credits account.' });

export const pastExpiry = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'invalid_expiry',
    detail: 'expiresAt must be in the future.',
    fields: [{ path: '/body/expiresAt', message: 'must be in the future' }],
  });

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * The id of a user's account of the given kind, opening it on first use. Accounts are opened in
 * their own statement, before (never inside) an operation's transaction: an id is remembered per
 * process only once its row is committed, and ids never change. An unknown user is a 404.
 */
export function createAccountDirectory() {
  const known = new Map<string, string>();
  return {
    async accountOf(
      db: Kysely<PairlySchema>,
      ownerId: string,
      kind: UserAccountKind,
      now: Date,
    ): Promise<string> {
      const cacheKey = `${ownerId}:${kind}`;
      const cached = known.get(cacheKey);
      if (cached) return cached;
      const existing = await db
        .selectFrom('credit_accounts')
        .select('id')
        .where('owner_id', '=', ownerId)
        .where('kind', '=', kind)
        .executeTakeFirst();
      let id = existing?.id;
      if (!id) {
        try {
          await db
            .insertInto('credit_accounts')
            .values({ id: crypto.randomUUID(), owner_id: ownerId, kind, created_at: now })
            .onConflict((conflict) => conflict.doNothing())
            .execute();
        } catch (error) {
          if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) throw accountNotFound();
          throw error;
        }
        const opened = await db
          .selectFrom('credit_accounts')
          .select('id')
          .where('owner_id', '=', ownerId)
          .where('kind', '=', kind)
          .executeTakeFirstOrThrow();
        id = opened.id;
      }
      known.set(cacheKey, id);
      return id;
    },
  };
}

export type AccountDirectory = ReturnType<typeof createAccountDirectory>;

/** The legs as `credits_post` reads them. */
export function legsPayload(legs: readonly Leg[]) {
  return legs.map((leg) => ({
    debit: leg.debit,
    credit: leg.credit,
    amount: leg.amount,
    kind: leg.kind,
    ...(leg.memo && { memo: leg.memo }),
    ...(leg.expiresAt && { expiresAt: leg.expiresAt.toISOString() }),
    ...(leg.restoreLotsOf !== undefined && { restoreLotsOf: leg.restoreLotsOf }),
  }));
}

/** The error a refused posting answers with. */
export function refusalOf(outcome: Exclude<PostOutcome, { outcome: 'applied' }>): AppError {
  switch (outcome.outcome) {
    case 'insufficient':
      return insufficientCredits();
    case 'frozen':
      return accountFrozen();
    case 'unknown_account':
      return accountNotFound();
  }
}

/** Posts the legs atomically, or throws insufficient_credits (402) / account_frozen (423) having changed nothing. */
export async function postLegs(
  trx: Transaction<PairlySchema>,
  legs: readonly Leg[],
  operationId: string | null,
  at: Date,
): Promise<PostedTransfer[]> {
  const { rows } = await sql<{ result: PostOutcome | string }>`
    select credits_post(${JSON.stringify(legsPayload(legs))}::jsonb, ${operationId}::uuid, ${at}::timestamptz) as result
  `.execute(trx);
  const raw = rows[0]?.result;
  const result: PostOutcome = typeof raw === 'string' ? JSON.parse(raw) : (raw as PostOutcome);
  if (result.outcome !== 'applied') throw refusalOf(result);
  return result.transfers;
}
