// Owns settling a sent payout, the one place its hold is resolved once the money moved or did not:
// paid captures the hold to the payouts system account, failed releases it back to the creator's
// earnings. It runs inside the caller's transaction (a webhook inbox handler's, the approve call's
// after the provider answered, finance's confirm) and is exactly-once twice over: the payout changes
// by a conditional update from approved | processing, and the hold by its own conditional resolution
// (holds.ts). An answer that arrives again (any event id) changes nothing; one that arrives after the
// other outcome (reversed after paid, say) moves nothing and is recorded on the payout as its late
// outcome for finance to review.
import { AppError, type Clock, isAppError } from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';
import type { Holds } from '../credits/holds.js';
import { type PayoutRecord, payoutRepository as repo } from './repository.js';
import { PAYOUT_HOLD_SCOPE } from './service.js';

export type SettleOutcome = 'paid' | 'failed';

export interface SettleInput {
  outcome: SettleOutcome;
  providerPayoutId?: string | null | undefined;
  failureReason?: string | null | undefined;
  /** 'provider' (its answer or webhook) or the id of the finance member who confirmed it. */
  settledBy: string;
  reference?: string | undefined;
  note?: string | undefined;
}

export type SettleResult =
  /** This call settled it: the hold was captured or released now. */
  | { result: 'settled'; payout: PayoutRecord }
  /** It already had this outcome: nothing moved. */
  | { result: 'already'; payout: PayoutRecord }
  /** It already had the other outcome: nothing moved; recorded as its late outcome. */
  | { result: 'late'; payout: PayoutRecord }
  /** It was never sent (requested, rejected, canceled): nothing moved. */
  | { result: 'not_sent'; payout: PayoutRecord };

/**
 * The payout's hold was resolved elsewhere (by finance through the credits routes): thrown, so the
 * caller's transaction rolls the payout's change back with it.
 */
const holdResolvedElsewhere = (payoutId: string) =>
  new AppError({
    kind: 'conflict',
    code: 'payout_hold_resolved',
    detail: `The hold of payout ${payoutId} was already captured or released outside payouts; finance must review it.`,
  });

const SENT: readonly PayoutRecord['status'][] = ['approved', 'processing'];
const FINAL: readonly PayoutRecord['status'][] = ['paid', 'failed'];

export function createSettlement(holds: Holds, clock: Clock) {
  return {
    async settleWithin(
      trx: Transaction<PairlySchema>,
      payoutId: string,
      input: SettleInput,
    ): Promise<SettleResult> {
      const now = clock.now();
      const settled = await repo.transition(trx, payoutId, SENT, {
        status: input.outcome,
        ...(input.providerPayoutId && { provider_payout_id: input.providerPayoutId }),
        failure_reason: input.outcome === 'failed' ? (input.failureReason ?? 'failed') : null,
        settled_by: input.settledBy,
        ...(input.reference !== undefined && { reference: input.reference }),
        ...(input.note !== undefined && { note: input.note }),
        settled_at: now,
        updated_at: now,
      });
      if (settled) {
        try {
          if (input.outcome === 'paid') {
            await holds.captureWithin(trx, {
              holdId: settled.hold_id,
              ownerId: null,
              amount: settled.credits,
              to: { system: 'payouts' },
              reason: `payout ${settled.id}`,
              resolvedBy: PAYOUT_HOLD_SCOPE,
            });
          } else {
            await holds.releaseWithin(trx, {
              holdId: settled.hold_id,
              ownerId: null,
              resolvedBy: PAYOUT_HOLD_SCOPE,
            });
          }
        } catch (error) {
          if (isAppError(error) && error.code === 'hold_already_resolved') {
            throw holdResolvedElsewhere(settled.id);
          }
          throw error;
        }
        return { result: 'settled', payout: settled };
      }
      const current = await repo.find(trx, payoutId);
      if (!current) throw new Error(`payout ${payoutId} vanished`);
      if (current.status === input.outcome) return { result: 'already', payout: current };
      if (!FINAL.includes(current.status)) return { result: 'not_sent', payout: current };
      const late = await repo.transition(trx, payoutId, [current.status], {
        late_outcome: input.outcome,
        late_reason: (
          input.failureReason ?? `${input.outcome} reported after the payout was ${current.status}`
        ).slice(0, 500),
        updated_at: now,
      });
      return { result: 'late', payout: late ?? current };
    },
  };
}

export type Settlement = ReturnType<typeof createSettlement>;
