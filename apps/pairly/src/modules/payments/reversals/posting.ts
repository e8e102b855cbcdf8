// Owns moving credits for a reversal inside the webhook inbox's (or a reconciliation repair's)
// transaction: taking a refunded or disputed grant back from the user's spendable balance, and giving
// it back when the platform wins a dispute. Each move is ONE keyed ledger operation (credits'
// keyed posting, `credits_run`,
// scope `payments`, key `reversal:<provider>:<refund or dispute id>`, and `...:reinstated` for the
// give-back), so even a replay that slipped past the reversal row's unique key posts nothing twice.
// Never a negative balance: when the credits are already spent, what there is is taken, every
// account of the user is frozen (as credits.setFrozen does) and the caller opens a review for the
// rest. A reversal goes through on an account that is already frozen: the freeze stops the user,
// not the provider's verdict; the flag is lifted for the posting statement only and set again in
// the same transaction, so no other operation ever sees it lifted (the rows stay locked).
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../../db.js';
import { runKeyedWithin } from '../../credits/keyed-posting.js';
import { type Leg, SYSTEM_ACCOUNTS } from '../../credits/ledger.js';

const REVERSAL_SCOPE = 'payments';

export interface TakeBackResult {
  /** Credits actually taken from the spendable balance. */
  taken: number;
  /** Credits that could not be taken (already spent): the user owes them; the account is frozen. */
  short: number;
  transferId: number | null;
}

interface LockedAccounts {
  spendable: { id: string; frozen: boolean; available: number } | null;
}

/**
 * Locks the user's accounts and the purchases account in id order (as credits_post locks them, so
 * a concurrent grant or spend cannot deadlock against this) and reads what the spendable account
 * can give: its balance less the lots that are due (credits_post expires those first).
 */
async function lockAccounts(
  trx: Transaction<PairlySchema>,
  userId: string,
  at: Date,
): Promise<LockedAccounts> {
  const rows = await trx
    .selectFrom('credit_accounts')
    .select(['id', 'kind', 'balance', 'frozen'])
    .where((eb) => eb.or([eb('owner_id', '=', userId), eb('id', '=', SYSTEM_ACCOUNTS.purchases)]))
    .orderBy('id')
    .forUpdate()
    .execute();
  const spendable = rows.find((row) => row.kind === 'spendable');
  if (!spendable) return { spendable: null };
  const due = await trx
    .selectFrom('credit_lots')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('remaining'), eb.lit(0)).as('due'))
    .where('account_id', '=', spendable.id)
    .where('remaining', '>', 0)
    .where('expires_at', '<=', at)
    .executeTakeFirst();
  const available = Math.max(0, Number(spendable.balance) - Number(due?.due ?? 0));
  return { spendable: { id: spendable.id, frozen: spendable.frozen, available } };
}

/**
 * Posts the legs once under the key, in the transaction, through credits' keyed posting; an already
 * frozen account is lifted for this statement only. The amount was measured under the same locks:
 * a refusal here is a bug, never a user's state (it throws, and the caller's transaction rolls back).
 */
async function postKeyed(
  trx: Transaction<PairlySchema>,
  key: string,
  operation: string,
  params: unknown,
  legs: Leg[],
  account: { id: string; frozen: boolean },
  at: Date,
): Promise<number | null> {
  if (account.frozen) {
    await trx.updateTable('credit_accounts').set({ frozen: false }).where('id', '=', account.id).execute();
  }
  const { body } = await runKeyedWithin(
    trx,
    { scope: REVERSAL_SCOPE, key, operation, params },
    legs,
    200,
    at,
    (_operationId, transfers) => transfers[0]?.id ?? null,
  );
  if (account.frozen) {
    await trx.updateTable('credit_accounts').set({ frozen: true }).where('id', '=', account.id).execute();
  }
  return body;
}

/** Freezes every account of the user (spendable, earnings, held), as credits.setFrozen does. */
async function freezeUser(trx: Transaction<PairlySchema>, userId: string): Promise<void> {
  await trx.updateTable('credit_accounts').set({ frozen: true }).where('owner_id', '=', userId).execute();
}

/**
 * Takes up to `credits` back from the user's spendable balance (debit spendable, credit the
 * `purchases` account, kind `purchase_reversal`); what is missing freezes the user.
 */
export async function takeBack(
  trx: Transaction<PairlySchema>,
  input: { userId: string; credits: number; key: string; memo: Record<string, unknown>; at: Date },
): Promise<TakeBackResult> {
  if (input.credits <= 0) return { taken: 0, short: 0, transferId: null };
  const { spendable } = await lockAccounts(trx, input.userId, input.at);
  const taken = Math.min(input.credits, spendable?.available ?? 0);
  const short = input.credits - taken;
  let transferId: number | null = null;
  if (spendable && taken > 0) {
    transferId = await postKeyed(
      trx,
      input.key,
      'purchase_reversal',
      { userId: input.userId, credits: taken, ...input.memo },
      [
        {
          debit: spendable.id,
          credit: SYSTEM_ACCOUNTS.purchases,
          amount: taken,
          kind: 'purchase_reversal',
          memo: input.memo,
        },
      ],
      spendable,
      input.at,
    );
  }
  if (short > 0) await freezeUser(trx, input.userId);
  return { taken, short, transferId };
}

/** Gives `credits` back to the user's spendable balance (kind `purchase_reinstated`): a dispute won. */
export async function giveBack(
  trx: Transaction<PairlySchema>,
  input: { userId: string; credits: number; key: string; memo: Record<string, unknown>; at: Date },
): Promise<number | null> {
  if (input.credits <= 0) return null;
  const { spendable } = await lockAccounts(trx, input.userId, input.at);
  if (!spendable) throw new Error('reinstating a dispute: the user has no spendable account');
  return postKeyed(
    trx,
    input.key,
    'purchase_reinstated',
    { userId: input.userId, credits: input.credits, ...input.memo },
    [
      {
        debit: SYSTEM_ACCOUNTS.purchases,
        credit: spendable.id,
        amount: input.credits,
        kind: 'purchase_reinstated',
        memo: input.memo,
      },
    ],
    spendable,
    input.at,
  );
}
