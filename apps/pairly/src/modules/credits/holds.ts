// Owns holds: credits set aside for a call or a payout before the final amount is known. A hold
// moves the amount from the owner's spendable (or earnings) account to their held account; it is
// then resolved exactly once, by a conditional update from `pending`: captured (in part or in full)
// to a recipient or a system account with the rest given back, or released in full. A second
// resolution, concurrent or late, is a 409 and moves nothing. Given-back credits return to the
// expiring lots they were drawn from. A hold remembers who placed it (the operation scope): its owner
// may release only the holds they placed themselves, never one a call or a payout placed; a payout's
// hold is resolved by payouts alone, never by staff or another part (403 hold_placed_elsewhere). The
// `...Within` variants do the same inside a caller's transaction (a payout request with its row, a
// webhook inbox handler settling a payout), where nothing may open a transaction of its own, and
// name the part resolving the hold.
import { randomUUID } from 'node:crypto';
import { AppError, type Clock } from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlyDb, PairlySchema } from '../../db.js';
import type { OperationResult } from './idempotency.js';
import { type Leg, pastExpiry, postLegs, SYSTEM_ACCOUNTS } from './ledger.js';
import { auditWithin, type CreditsService, invalidAmount, type OperationContext } from './service.js';

export interface Hold {
  id: string;
  ownerId: string;
  amount: number;
  captured: number;
  status: 'pending' | 'captured' | 'released';
  purpose: string;
  expiresAt: Date | null;
  createdAt: Date;
  resolvedAt: Date | null;
}

/** Where a capture sends the captured amount: a user's earnings or spendable account, or a system account. */
export type CaptureTarget =
  | { userId: string; account: 'earnings' | 'spendable' }
  | { system: 'payouts' | 'platform_fees' };

/** The two accounts of a hold: where the credits come from and the owner's held account. */
interface HoldAccounts {
  source: string;
  held: string;
}

const holdNotFound = () =>
  new AppError({ kind: 'not_found', code: 'hold_not_found', detail: 'No such hold.' });
const holdPlacedElsewhere = () =>
  new AppError({
    kind: 'forbidden',
    code: 'hold_placed_elsewhere',
    detail: 'This hold was placed by another part of the service and is resolved there.',
  });
/** The parts whose holds only they resolve (inside their own transaction), never staff or a sweep. */
const SELF_RESOLVING: readonly string[] = ['payouts'];

const holdResolved = () =>
  new AppError({
    kind: 'conflict',
    code: 'hold_already_resolved',
    detail: 'The hold was already captured or released.',
  });

function toHold(row: {
  id: string;
  owner_id: string;
  amount: number;
  captured: number;
  status: Hold['status'];
  purpose: string;
  expires_at: Date | null;
  created_at: Date;
  resolved_at: Date | null;
}): Hold {
  return {
    id: row.id,
    ownerId: row.owner_id,
    amount: row.amount,
    captured: row.captured,
    status: row.status,
    purpose: row.purpose,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

export function createHolds(db: PairlyDb, credits: CreditsService, clock: Clock, maxAmount: number) {
  /** Resolves a pending hold once: the conditional update is the whole guard against double resolution. */
  async function resolve(
    trx: Transaction<PairlySchema>,
    holdId: string,
    ownerId: string | null,
    status: 'captured' | 'released',
    captured: (hold: { amount: number }) => number,
    resolvedBy: string | null,
  ) {
    const current = await trx
      .selectFrom('credit_holds')
      .selectAll()
      .where('id', '=', holdId)
      .$if(ownerId !== null, (q) => q.where('owner_id', '=', ownerId as string))
      .executeTakeFirst();
    if (!current) throw holdNotFound();
    // An owner resolves only holds they placed: a call's or a payout's hold is theirs to see, but
    // releasing it would be a free call or money paid out twice.
    if (ownerId !== null && current.placed_by !== ownerId) throw holdPlacedElsewhere();
    // A payout's hold is resolved by payouts alone (naming itself as `resolvedBy`): staff resolving
    // it through the credits routes would leave a payout sent with its credits given back.
    if (SELF_RESOLVING.includes(current.placed_by) && resolvedBy !== current.placed_by)
      throw holdPlacedElsewhere();
    const amount = captured(current);
    const resolved = await trx
      .updateTable('credit_holds')
      .set({ status, captured: amount, resolved_at: clock.now() })
      .where('id', '=', holdId)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!resolved) throw holdResolved();
    return resolved;
  }

  function checkCaptureAmount(amount: number): void {
    if (!Number.isSafeInteger(amount) || amount < 0 || amount > maxAmount) {
      throw invalidAmount('amount', `amount must be a whole number of credits from 0 to ${maxAmount}.`);
    }
  }

  function giveBack(
    hold: { held_account_id: string; source_account_id: string; hold_transfer_id: number },
    amount: number,
    holdId: string,
  ): Leg[] {
    return amount > 0
      ? [
          {
            debit: hold.held_account_id,
            credit: hold.source_account_id,
            amount,
            kind: 'hold_release',
            memo: { holdId },
            restoreLotsOf: hold.hold_transfer_id,
          },
        ]
      : [];
  }

  /** Moves the amount aside and records the hold, in the caller's transaction. */
  async function placeIn(
    trx: Transaction<PairlySchema>,
    operationId: string | null,
    placedBy: string,
    input: { userId: string; amount: number; purpose: string; expiresAt?: Date | undefined },
    accounts: HoldAccounts,
  ) {
    const id = randomUUID();
    const [transfer] = await postLegs(
      trx,
      [
        {
          debit: accounts.source,
          credit: accounts.held,
          amount: input.amount,
          kind: 'hold',
          memo: { holdId: id, purpose: input.purpose },
        },
      ],
      operationId,
      clock.now(),
    );
    const row = await trx
      .insertInto('credit_holds')
      .values({
        id,
        owner_id: input.userId,
        source_account_id: accounts.source,
        held_account_id: accounts.held,
        amount: input.amount,
        purpose: input.purpose,
        placed_by: placedBy,
        hold_transfer_id: (transfer as { id: number }).id,
        expires_at: input.expiresAt ?? null,
        created_at: clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toHold(row);
  }

  /** Resolves the hold as captured and posts the capture and the give-back, in the caller's transaction. */
  async function captureIn(
    trx: Transaction<PairlySchema>,
    operationId: string | null,
    input: {
      holdId: string;
      ownerId: string | null;
      amount: number;
      to: CaptureTarget;
      reason?: string | undefined;
    },
    target: string,
    resolvedBy: string | null,
  ) {
    const hold = await resolve(
      trx,
      input.holdId,
      input.ownerId,
      'captured',
      (current) => {
        if (input.amount > current.amount) {
          throw invalidAmount('amount', `amount must not exceed the hold (${current.amount}).`);
        }
        return input.amount;
      },
      resolvedBy,
    );
    // Any account of the owner is refused, not only the two the hold moved between: capturing
    // to the owner's other account would turn spendable credits into earnings (payable out)
    // or back, which a transfer to oneself refuses (ledger.property.test.ts).
    if ('userId' in input.to && input.to.userId === hold.owner_id) {
      throw invalidAmount('to', 'A hold is captured to someone other than its owner.');
    }
    const legs: Leg[] = [
      ...(input.amount > 0
        ? [
            {
              debit: hold.held_account_id,
              credit: target,
              amount: input.amount,
              kind: 'hold_capture',
              memo: { holdId: hold.id, ...(input.reason && { reason: input.reason }) },
            },
          ]
        : []),
      ...giveBack(hold, hold.amount - input.amount, hold.id),
    ];
    await postLegs(trx, legs, operationId, clock.now());
    return toHold(hold);
  }

  /** Resolves the hold as released and gives it all back, in the caller's transaction. */
  async function releaseIn(
    trx: Transaction<PairlySchema>,
    operationId: string | null,
    input: { holdId: string; ownerId: string | null },
    resolvedBy: string | null,
  ) {
    const hold = await resolve(trx, input.holdId, input.ownerId, 'released', () => 0, resolvedBy);
    await postLegs(trx, giveBack(hold, hold.amount, hold.id), operationId, clock.now());
    return toHold(hold);
  }

  const targetAccount = (to: CaptureTarget) =>
    'system' in to ? Promise.resolve(SYSTEM_ACCOUNTS[to.system]) : credits.accountOf(to.userId, to.account);

  return {
    /** Sets `amount` aside from the owner's account; `expiresAt` lets the sweep release a forgotten hold. */
    async hold(
      context: OperationContext,
      input: {
        userId: string;
        amount: number;
        purpose: string;
        account?: 'spendable' | 'earnings';
        expiresAt?: Date;
      },
    ): Promise<OperationResult<Hold>> {
      credits.checkAmount(input.amount);
      const source = await credits.accountOf(input.userId, input.account ?? 'spendable');
      const held = await credits.accountOf(input.userId, 'held');
      return credits.operations.run(
        { scope: context.scope, key: context.idempotencyKey, operation: 'hold', params: input },
        async (trx, operationId) => {
          // On the first request only, so a replay after the date still returns the first result.
          if (input.expiresAt && input.expiresAt.getTime() <= clock.now().getTime()) throw pastExpiry();
          const body = await placeIn(trx, operationId, context.scope, input, { source, held });
          await auditWithin(trx, clock, context, body);
          return { status: 201, body };
        },
      );
    },

    /**
     * Captures `amount` (at most the hold) to the target and gives the rest back. `ownerId` limits
     * the capture to that owner's holds (null: staff acting on any hold).
     */
    async capture(
      context: OperationContext,
      input: { holdId: string; ownerId: string | null; amount: number; to: CaptureTarget; reason?: string },
    ): Promise<OperationResult<Hold>> {
      checkCaptureAmount(input.amount);
      const target = await targetAccount(input.to);
      return credits.operations.run(
        { scope: context.scope, key: context.idempotencyKey, operation: 'capture', params: input },
        async (trx, operationId) => {
          const body = await captureIn(trx, operationId, input, target, null);
          await auditWithin(trx, clock, context, body);
          return { status: 200, body };
        },
      );
    },

    /** Gives the whole hold back to the account it came from. */
    async release(
      context: OperationContext,
      input: { holdId: string; ownerId: string | null; reason?: string },
    ): Promise<OperationResult<Hold>> {
      return credits.operations.run(
        { scope: context.scope, key: context.idempotencyKey, operation: 'release', params: input },
        async (trx, operationId) => {
          const body = await releaseIn(trx, operationId, input, null);
          await auditWithin(trx, clock, context, body);
          return { status: 200, body };
        },
      );
    },

    /**
     * The accounts a hold from `account` moves between, opened first: accounts are opened in their
     * own statement, never inside a transaction (ledger.ts), so holdWithin needs them beforehand.
     */
    async holdAccounts(
      userId: string,
      account: 'spendable' | 'earnings' = 'spendable',
    ): Promise<HoldAccounts> {
      return {
        source: await credits.accountOf(userId, account),
        held: await credits.accountOf(userId, 'held'),
      };
    },

    /**
     * Places a hold inside the caller's transaction (with the row it pays for, say), under the
     * caller's own key and audit; `placedBy` names the part that placed it (its owner may not
     * release it unless that is themselves). 402 insufficient_credits or 423 account_frozen roll
     * the caller's transaction back with it.
     */
    async holdWithin(
      trx: Transaction<PairlySchema>,
      input: {
        userId: string;
        amount: number;
        purpose: string;
        placedBy: string;
        accounts: HoldAccounts;
        expiresAt?: Date;
        operationId?: string | null;
      },
    ): Promise<Hold> {
      credits.checkAmount(input.amount);
      if (input.expiresAt && input.expiresAt.getTime() <= clock.now().getTime()) throw pastExpiry();
      return placeIn(trx, input.operationId ?? null, input.placedBy, input, input.accounts);
    },

    /**
     * Captures a pending hold inside the caller's transaction (a webhook inbox handler's, say) to a
     * system account: exactly once, by the same conditional update as capture (a second resolution
     * throws 409 hold_already_resolved). No key or audit of its own: the caller's record is the guard.
     */
    async captureWithin(
      trx: Transaction<PairlySchema>,
      input: {
        holdId: string;
        ownerId: string | null;
        amount: number;
        to: Extract<CaptureTarget, { system: string }>;
        reason?: string;
        operationId?: string | null;
        /** The part resolving it (a payout's hold only by 'payouts'). */
        resolvedBy: string;
      },
    ): Promise<Hold> {
      checkCaptureAmount(input.amount);
      return captureIn(
        trx,
        input.operationId ?? null,
        input,
        SYSTEM_ACCOUNTS[input.to.system],
        input.resolvedBy,
      );
    },

    /** Releases a pending hold in full inside the caller's transaction, exactly once (else 409). */
    async releaseWithin(
      trx: Transaction<PairlySchema>,
      input: { holdId: string; ownerId: string | null; operationId?: string | null; resolvedBy: string },
    ): Promise<Hold> {
      return releaseIn(trx, input.operationId ?? null, input, input.resolvedBy);
    },

    /** One hold; `ownerId` limits it to that owner's holds (null: staff). */
    async get(holdId: string, ownerId: string | null): Promise<Hold> {
      const row = await db
        .selectFrom('credit_holds')
        .selectAll()
        .where('id', '=', holdId)
        .$if(ownerId !== null, (q) => q.where('owner_id', '=', ownerId as string))
        .executeTakeFirst();
      if (!row) throw holdNotFound();
      return toHold(row);
    },
  };
}

export type Holds = ReturnType<typeof createHolds>;
