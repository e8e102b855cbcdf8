// Owns the creator's side of payouts: the earnings balance a payout may draw on, the destination
// payouts are sent to, requesting a payout (the credits are held from earnings in the same
// transaction as the payout row, once per Idempotency-Key) and canceling it while it is still
// requested (the hold goes back, exactly once). Rules only: the routes decide who may ask.
import { randomUUID } from 'node:crypto';
import { AppError, type Clock, type Database, withTransaction } from '@app/platform';
import { type PairlySchema, pairlyDb } from '../../db.js';
import type { Holds } from '../credits/holds.js';
import type { OperationResult } from '../credits/idempotency.js';
import type { CreditsService } from '../credits/service.js';
import {
  amountTooLarge,
  belowMinimum,
  currencyNotOffered,
  destinationMalformed,
  destinationMissing,
  exceedsAvailable,
  payoutNotFound,
  payoutNotInState,
} from './errors.js';
import { decodeCursor, encodeCursor, type PresentedPayout, presentPayout } from './presenters.js';
import { type PayoutRecord, payoutRepository as repo } from './repository.js';
import type { PayoutSettings } from './settings.js';
import type { DestinationProvider, PayoutStatus } from './tables.js';

/** Who places payout holds (credit_holds.placed_by): the creator may see them but never release them. */
export const PAYOUT_HOLD_SCOPE = 'payouts';

const DESTINATION_FORMATS: Record<DestinationProvider, RegExp> = {
  stripe: /^acct_[A-Za-z0-9]{6,64}$/,
  razorpay: /^fa_[A-Za-z0-9]{6,64}$/,
};

const badCursor = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'invalid_cursor',
    detail: 'cursor is not the nextCursor of a page.',
    fields: [{ path: '/querystring/cursor', message: 'must be the nextCursor of a page' }],
  });

export interface PayoutServiceDeps {
  db: Database;
  clock: Clock;
  credits: CreditsService;
  holds: Holds;
  settings: PayoutSettings;
}

export function createPayoutService({ db, clock, credits, holds, settings }: PayoutServiceDeps) {
  const kysely = pairlyDb(db);

  async function own(creatorId: string, payoutId: string): Promise<PayoutRecord> {
    const row = await repo.find(kysely, payoutId, creatorId);
    if (!row) throw payoutNotFound();
    return row;
  }

  return {
    async balance(creatorId: string) {
      const available = await repo.earningsBalance(kysely, creatorId);
      return {
        available,
        heldForPayouts: await repo.heldCredits(kysely, creatorId),
        minimum: settings.minimumCredits,
        provider: settings.provider,
        rates: Object.entries(settings.rates).map(([currency, minorUnitsPerCredit]) => ({
          currency,
          minorUnitsPerCredit,
          availableAmount: available * minorUnitsPerCredit,
        })),
      };
    },

    async destinations(creatorId: string) {
      return (await repo.destinations(kysely, creatorId)).map((row) => ({
        provider: row.provider,
        accountId: row.account_id,
        updatedAt: row.updated_at.toISOString(),
      }));
    },

    async setDestination(creatorId: string, input: { provider: DestinationProvider; accountId: string }) {
      if (!DESTINATION_FORMATS[input.provider].test(input.accountId))
        throw destinationMalformed(input.provider);
      const row = await repo.saveDestination(kysely, {
        creator_id: creatorId,
        provider: input.provider,
        account_id: input.accountId,
        updated_at: clock.now(),
      });
      return { provider: row.provider, accountId: row.account_id, updatedAt: row.updated_at.toISOString() };
    },

    /**
     * Requests a payout of `credits` in `currency`, once per key: at least the minimum, at most the
     * earnings available; the credits are held (placed by payouts, from earnings) with the row in one
     * transaction. A refusal of the input keeps the key unused, so the same key may be sent again.
     */
    async request(
      creatorId: string,
      idempotencyKey: string,
      input: { credits: number; currency: string },
    ): Promise<OperationResult<PresentedPayout>> {
      credits.checkAmount(input.credits, 'credits');
      if (input.credits < settings.minimumCredits) throw belowMinimum(settings.minimumCredits);
      const rate = settings.rates[input.currency];
      if (rate === undefined) throw currencyNotOffered(Object.keys(settings.rates));
      const amount = input.credits * rate;
      if (!Number.isSafeInteger(amount)) throw amountTooLarge();
      const provider = settings.provider;
      const destination =
        provider === 'manual' ? undefined : await repo.destination(kysely, creatorId, provider);
      if (provider !== 'manual' && !destination) throw destinationMissing(provider);
      const accounts = await holds.holdAccounts(creatorId, 'earnings');
      return credits.operations.run(
        {
          scope: `${PAYOUT_HOLD_SCOPE}:${creatorId}`,
          key: idempotencyKey,
          operation: 'payout_request',
          params: input,
        },
        async (trx, operationId) => {
          const available = await repo.earningsBalance(trx, creatorId);
          if (input.credits > available) throw exceedsAvailable(available);
          const hold = await holds.holdWithin(trx, {
            userId: creatorId,
            amount: input.credits,
            purpose: 'payout',
            placedBy: PAYOUT_HOLD_SCOPE,
            accounts,
            operationId,
          });
          const now = clock.now();
          const row = await repo.insert(trx, {
            id: randomUUID(),
            creator_id: creatorId,
            credits: input.credits,
            amount,
            currency: input.currency,
            rate,
            provider,
            destination_account_id: destination?.account_id ?? null,
            hold_id: hold.id,
            status: 'requested',
            provider_payout_id: null,
            failure_reason: null,
            decided_by: null,
            decided_at: null,
            decision_reason: null,
            settled_by: null,
            reference: null,
            note: null,
            last_send_error: null,
            send_claimed_until: null,
            late_outcome: null,
            late_reason: null,
            requested_at: now,
            updated_at: now,
            settled_at: null,
          });
          return { status: 201, body: presentPayout(row) };
        },
      );
    },

    async get(creatorId: string, payoutId: string): Promise<PresentedPayout> {
      return presentPayout(await own(creatorId, payoutId));
    },

    async list(creatorId: string, query: { status?: PayoutStatus; limit?: number; cursor?: string }) {
      const after = decodeCursor(query.cursor);
      if (query.cursor && !after) throw badCursor();
      const limit = query.limit ?? 20;
      const rows = await repo.list(kysely, { creatorId, status: query.status, limit: limit + 1, after });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(presentPayout),
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
      };
    },

    /** Cancels the creator's own payout while it is requested; its hold goes back to earnings once. */
    async cancel(creatorId: string, payoutId: string): Promise<PresentedPayout> {
      await own(creatorId, payoutId);
      return withTransaction(db as Database<PairlySchema>, async (trx) => {
        const now = clock.now();
        const canceled = await repo.transition(trx, payoutId, ['requested'], {
          status: 'canceled',
          settled_at: now,
          updated_at: now,
        });
        if (!canceled) {
          const current = await repo.find(trx, payoutId);
          throw payoutNotInState(current?.status ?? 'canceled', 'canceled');
        }
        await holds.releaseWithin(trx, {
          holdId: canceled.hold_id,
          ownerId: null,
          resolvedBy: PAYOUT_HOLD_SCOPE,
        });
        return presentPayout(canceled);
      });
    },

    /** Pages for the staff list (any creator), newest first. */
    async listAll(query: { status?: PayoutStatus; creatorId?: string; limit?: number; cursor?: string }) {
      const after = decodeCursor(query.cursor);
      if (query.cursor && !after) throw badCursor();
      const limit = query.limit ?? 50;
      const rows = await repo.list(kysely, {
        creatorId: query.creatorId,
        status: query.status,
        limit: limit + 1,
        after,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },
  };
}

export type PayoutService = ReturnType<typeof createPayoutService>;
