// Owns the credits operations every other pairly module moves money through: add (purchase,
// promotion, refund), deduct, transfer, charge for a message, and reading a balance. Each
// operation is one call, keyed for idempotency (see idempotency.ts) and posted through the ledger
// in one transaction; holds live in holds.ts, history in history.ts. Callers pass whose accounts
// are touched; the routes decide who may ask for what. `addWithin` grants inside a caller's
// transaction (payments: a grant commits with the webhook event that caused it).
import {
  AppError,
  type AuditEntry,
  type Clock,
  type Database,
  type IdentitySchema,
  type RequestOrigin,
  recordAudit,
} from '@app/platform';
import type { Transaction } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../db.js';
import { createOperationLog, type OperationResult } from './idempotency.js';
import { createKeyedPosting } from './keyed-posting.js';
import {
  type AccountDirectory,
  accountNotFound,
  createAccountDirectory,
  type Leg,
  type PostedTransfer,
  pastExpiry,
  postLegs,
  SYSTEM_ACCOUNTS,
  type SystemAccount,
  type UserAccountKind,
} from './ledger.js';

export interface CreditsOptions {
  /** Largest amount one operation may move (also enforced by the route schemas). */
  maxAmount: number;
  /** Share of a message price that goes to the platform, in basis points (1/100 of a percent). */
  messageFeeBps: number;
}

export const DEFAULT_CREDITS_OPTIONS: CreditsOptions = { maxAmount: 1_000_000_000, messageFeeBps: 2_000 };

/** Who asks and under which client key. `scope` keeps one caller's keys apart from another's. */
export interface OperationContext {
  scope: string;
  idempotencyKey: string;
  /** A staff change: its audit row, written in the operation's own transaction (so never twice). */
  audit?: OperationAudit;
}

export interface OperationAudit {
  origin: RequestOrigin;
  actorId: string;
  /** The row, from the operation's result. */
  entry: (body: never) => Omit<AuditEntry, 'actorId'>;
}

/** Writes the operation's audit row, if it has one, inside its transaction. */
export async function auditWithin(
  trx: Transaction<PairlySchema>,
  clock: Clock,
  context: OperationContext,
  body: unknown,
): Promise<void> {
  if (!context.audit) return;
  const { origin, actorId, entry } = context.audit;
  await recordAudit(trx as unknown as Transaction<IdentitySchema>, clock, origin, {
    actorId,
    ...(entry as (body: unknown) => Omit<AuditEntry, 'actorId'>)(body),
  });
}

export interface MessageChargeInput {
  senderId: string;
  recipientId: string;
  messageId: string;
  price: number;
}

export interface MessageChargePlan {
  operation: 'message_charge';
  params: MessageChargeInput;
  payerAccountId: string;
  legs: Leg[];
}

export type GrantSource = 'purchase' | 'promotion' | 'refund';

/** What `add` and `addWithin` grant. */
export interface AddInput {
  userId: string;
  amount: number;
  source: GrantSource;
  expiresAt?: Date;
  memo?: Record<string, unknown>;
}

export interface Receipt {
  operationId: string;
  transfers: Array<{ id: number; kind: string; amount: number }>;
  /** The balance of the operation's main account right after it (the one credited by add, debited otherwise). */
  balanceAfter: number;
}

export interface Balance {
  spendable: number;
  earnings: number;
  held: number;
  frozen: boolean;
  /** Spendable credits that expire, soonest first. */
  expiring: Array<{ amount: number; expiresAt: Date }>;
}

const GRANT_SOURCES: Record<GrantSource, SystemAccount> = {
  purchase: 'purchases',
  promotion: 'promotions',
  refund: 'refunds',
};

/** The one leg of a grant: from the source's system account to the user's spendable account. */
const grantLeg = (input: AddInput, to: string): Leg => ({
  debit: SYSTEM_ACCOUNTS[GRANT_SOURCES[input.source]],
  credit: to,
  amount: input.amount,
  kind: input.source,
  ...(input.memo && { memo: input.memo }),
  ...(input.expiresAt && { expiresAt: input.expiresAt }),
});

export function invalidAmount(field: string, detail: string): AppError {
  return new AppError({
    kind: 'invalid_input',
    code: 'invalid_amount',
    detail,
    fields: [{ path: `/body/${field}`, message: detail }],
  });
}

export function createCreditsService(
  db: Database,
  clock: Clock,
  options: CreditsOptions = DEFAULT_CREDITS_OPTIONS,
) {
  const kysely = pairlyDb(db);
  if (
    !Number.isInteger(options.messageFeeBps) ||
    options.messageFeeBps < 0 ||
    options.messageFeeBps > 10_000
  ) {
    throw new Error(
      'credits: messageFeeBps must be a whole number from 0 to 10000 (basis points of the price)',
    );
  }
  if (!Number.isSafeInteger(options.maxAmount) || options.maxAmount < 1) {
    throw new Error('credits: maxAmount must be a positive whole number');
  }
  const log = createOperationLog(db, clock);
  const posting = createKeyedPosting(db, clock);
  const accounts: AccountDirectory = createAccountDirectory();

  function checkAmount(amount: number, field = 'amount'): void {
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      throw invalidAmount(field, `${field} must be a positive whole number of credits.`);
    }
    if (amount > options.maxAmount) {
      throw invalidAmount(field, `${field} must be at most ${options.maxAmount}.`);
    }
  }

  const accountOf = (ownerId: string, kind: UserAccountKind) =>
    accounts.accountOf(kysely, ownerId, kind, clock.now());

  /** A user's account inside a caller's transaction, opened there when missing; an unknown user is a 404. */
  async function accountWithin(
    trx: Transaction<PairlySchema>,
    ownerId: string,
    kind: UserAccountKind,
  ): Promise<string> {
    const find = () =>
      trx
        .selectFrom('credit_accounts')
        .select('id')
        .where('owner_id', '=', ownerId)
        .where('kind', '=', kind)
        .executeTakeFirst();
    const existing = await find();
    if (existing) return existing.id;
    const known = await trx
      .selectFrom('auth_users')
      .select('id')
      .where('id', '=', ownerId)
      .executeTakeFirst();
    if (!known) throw accountNotFound();
    await trx
      .insertInto('credit_accounts')
      .values({ id: crypto.randomUUID(), owner_id: ownerId, kind, created_at: clock.now() })
      .onConflict((conflict) => conflict.doNothing())
      .execute();
    const opened = await find();
    if (!opened) throw new Error(`credits: the ${kind} account of ${ownerId} vanished`);
    return opened.id;
  }

  const receipt = (operationId: string, transfers: PostedTransfer[], main: string): Receipt => {
    const last = transfers.findLast((t) => t.debitAccountId === main || t.creditAccountId === main);
    const balanceAfter = !last
      ? 0
      : last.debitAccountId === main
        ? last.debitBalanceAfter
        : last.creditBalanceAfter;
    return {
      operationId,
      transfers: transfers.map((t) => ({ id: t.id, kind: t.kind, amount: t.amount })),
      balanceAfter,
    };
  };

  /**
   * Posts legs once per key and answers with a receipt about `main`: in one statement (see
   * keyed-posting.ts), or, for an audited staff change, in a transaction with its audit row.
   */
  function post(
    context: OperationContext,
    operation: string,
    params: unknown,
    main: string,
    legs: Leg[],
    status = 200,
  ): Promise<OperationResult<Receipt>> {
    if (context.audit) {
      return log.run(
        { scope: context.scope, key: context.idempotencyKey, operation, params },
        async (trx, operationId) => {
          // Checked on the first request only, as credits_run does, so a replay gets the first result.
          if (legs.some((leg) => leg.expiresAt && leg.expiresAt.getTime() <= clock.now().getTime()))
            throw pastExpiry();
          const body = receipt(operationId, await postLegs(trx, legs, operationId, clock.now()), main);
          await auditWithin(trx, clock, context, body);
          return { status, body };
        },
      );
    }
    return posting.run(
      { scope: context.scope, key: context.idempotencyKey, operation, params },
      legs,
      status,
      (operationId, transfers) => receipt(operationId, transfers, main),
    );
  }

  /**
   * What charging for a message posts (the operation name, its parameters for the request hash,
   * the payer's account and the legs), for callers that post it inside their own statement
   * (messaging stores the message and runs `credits_run` in one transaction).
   */
  async function messageChargePlan(input: MessageChargeInput): Promise<MessageChargePlan> {
    checkAmount(input.price, 'price');
    if (input.senderId === input.recipientId) {
      throw new AppError({
        kind: 'invalid_input',
        code: 'transfer_to_self',
        detail: 'A message to oneself is not charged.',
        fields: [{ path: '/body/recipientId', message: 'must be another user' }],
      });
    }
    const fee = Math.floor((input.price * options.messageFeeBps) / 10_000);
    const from = await accountOf(input.senderId, 'spendable');
    const to = await accountOf(input.recipientId, 'earnings');
    const memo = { messageId: input.messageId };
    return {
      operation: 'message_charge',
      params: input,
      payerAccountId: from,
      legs: [
        ...(input.price - fee > 0
          ? [{ debit: from, credit: to, amount: input.price - fee, kind: 'message', memo }]
          : []),
        ...(fee > 0
          ? [{ debit: from, credit: SYSTEM_ACCOUNTS.platform_fees, amount: fee, kind: 'message_fee', memo }]
          : []),
      ],
    };
  }

  return {
    operations: log,
    accountOf,
    /** The one amount rule (a positive whole number up to the maximum), for modules that move credits. */
    checkAmount,

    /** Credits a user's spendable account from a purchase, a promotion or a refund, optionally expiring. */
    async add(context: OperationContext, input: AddInput): Promise<OperationResult<Receipt>> {
      checkAmount(input.amount);
      const to = await accountOf(input.userId, 'spendable');
      return post(
        context,
        'add',
        input,
        to,
        // An expiresAt in the past is refused by credits_run once the key is known to be new, so a
        // replay after the date still returns the first result (ledger.property.test.ts).
        [grantLeg(input, to)],
        201,
      );
    },

    /**
     * `add` inside the caller's transaction (a webhook inbox's, say): once per key, committed or
     * rolled back with the caller's other writes. The account is looked up (or opened) in that
     * transaction too, and not remembered, since the transaction may yet roll back. A frozen
     * account is a 423 that leaves the caller's transaction usable (keyed-posting.ts).
     */
    async addWithin(
      trx: Transaction<PairlySchema>,
      context: Pick<OperationContext, 'scope' | 'idempotencyKey'>,
      input: AddInput,
    ): Promise<OperationResult<Receipt>> {
      checkAmount(input.amount);
      const to = await accountWithin(trx, input.userId, 'spendable');
      return posting.runWithin(
        trx,
        { scope: context.scope, key: context.idempotencyKey, operation: 'add', params: input },
        [grantLeg(input, to)],
        201,
        (operationId, transfers) => receipt(operationId, transfers, to),
      );
    },

    /** Takes credits out of a user's account (an adjustment by finance). */
    async deduct(
      context: OperationContext,
      input: { userId: string; amount: number; account?: 'spendable' | 'earnings'; reason: string },
    ): Promise<OperationResult<Receipt>> {
      checkAmount(input.amount);
      const from = await accountOf(input.userId, input.account ?? 'spendable');
      return post(context, 'deduct', input, from, [
        {
          debit: from,
          credit: SYSTEM_ACCOUNTS.adjustments,
          amount: input.amount,
          kind: 'deduction',
          memo: { reason: input.reason },
        },
      ]);
    },

    /** Moves credits from one user's account to another's. */
    async transfer(
      context: OperationContext,
      input: {
        fromUserId: string;
        toUserId: string;
        amount: number;
        from?: 'spendable' | 'earnings';
        to?: 'spendable' | 'earnings';
        kind?: string;
        memo?: Record<string, unknown>;
      },
    ): Promise<OperationResult<Receipt>> {
      checkAmount(input.amount);
      if (input.fromUserId === input.toUserId) {
        throw new AppError({
          kind: 'invalid_input',
          code: 'transfer_to_self',
          detail: 'Credits cannot be transferred to the same user.',
          fields: [{ path: '/body/toUserId', message: 'must be another user' }],
        });
      }
      const from = await accountOf(input.fromUserId, input.from ?? 'spendable');
      const to = await accountOf(input.toUserId, input.to ?? 'spendable');
      return post(context, 'transfer', input, from, [
        {
          debit: from,
          credit: to,
          amount: input.amount,
          kind: input.kind ?? 'transfer',
          ...(input.memo && { memo: input.memo }),
        },
      ]);
    },

    /**
     * The sender pays the recipient's price for one message: the price less the platform fee to the
     * recipient's earnings, the fee to the fee account. Keyed by the message, so a resent message is
     * charged once.
     */
    messageChargePlan,

    async chargeForMessage(
      context: OperationContext,
      input: MessageChargeInput,
    ): Promise<OperationResult<Receipt>> {
      const plan = await messageChargePlan(input);
      return post(context, plan.operation, plan.params, plan.payerAccountId, plan.legs);
    },

    async balance(userId: string): Promise<Balance> {
      const rows = await kysely
        .selectFrom('credit_accounts')
        .select(['id', 'kind', 'balance', 'frozen'])
        .where('owner_id', '=', userId)
        .execute();
      const of = (kind: UserAccountKind) => rows.find((row) => row.kind === kind);
      const spendable = of('spendable');
      const expiring = spendable
        ? await kysely
            .selectFrom('credit_lots')
            .select(['remaining', 'expires_at'])
            .where('account_id', '=', spendable.id)
            .where('remaining', '>', 0)
            .where('expires_at', '>', clock.now())
            .orderBy('expires_at')
            .limit(20)
            .execute()
        : [];
      return {
        spendable: spendable?.balance ?? 0,
        earnings: of('earnings')?.balance ?? 0,
        held: of('held')?.balance ?? 0,
        frozen: rows.some((row) => row.frozen),
        expiring: expiring.map((lot) => ({ amount: lot.remaining, expiresAt: lot.expires_at })),
      };
    },

    /**
     * Freezes or unfreezes every account of a user, once per key (and audited, for staff): a frozen
     * account neither pays nor receives (423). All three accounts are opened first, so none escapes.
     */
    async setFrozen(
      context: OperationContext,
      input: { userId: string; frozen: boolean; reason?: string },
    ): Promise<OperationResult<{ userId: string; frozen: boolean; wasFrozen: boolean }>> {
      for (const kind of ['spendable', 'earnings', 'held'] as const) await accountOf(input.userId, kind);
      return log.run(
        { scope: context.scope, key: context.idempotencyKey, operation: 'set_frozen', params: input },
        async (trx) => {
          // Locked in id order first, as credits_post locks them: a bare UPDATE locked them in scan
          // order and could deadlock with a hold or release (concurrency.test.ts).
          const before = await trx
            .selectFrom('credit_accounts')
            .select('frozen')
            .where('owner_id', '=', input.userId)
            .orderBy('id')
            .forUpdate()
            .execute();
          await trx
            .updateTable('credit_accounts')
            .set({ frozen: input.frozen })
            .where('owner_id', '=', input.userId)
            .execute();
          const body = {
            userId: input.userId,
            frozen: input.frozen,
            wasFrozen: before.some((row) => row.frozen),
          };
          await auditWithin(trx, clock, context, body);
          return { status: 200, body };
        },
      );
    },
  };
}

export type CreditsService = ReturnType<typeof createCreditsService>;
