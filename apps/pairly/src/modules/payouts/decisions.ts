// Owns finance's side of payouts: approving (then sending through the payout's provider), rejecting
// (the hold goes back) and confirming a payout by hand (the manual provider, or any sent payout
// finance has proof of), and sending approved payouts again after a provider outage (the retry job,
// or finance approving again). Every decision is a conditional update from the state it needs and
// is written to the audit log in the same transaction; nobody decides or confirms their own payout.
// A provider outage leaves the payout approved, to be sent again with the same idempotency key; so
// does a provider answer that could not be settled (the creator was frozen meanwhile): the error is
// kept on the payout and the retry job goes on with the next one. A frozen creator's payout is not
// approved (423). A payout first sent more than RESEND_WINDOW_HOURS ago is never sent again (the
// provider may have forgotten the key and pay twice): finance confirms it by hand.
import {
  type AuditEntry,
  type Clock,
  type Database,
  identityTrx,
  isAppError,
  type Logger,
  type RequestOrigin,
  recordAudit,
  withTransaction,
} from '@app/platform';
import type { Transaction } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../db.js';
import type { Holds } from '../credits/holds.js';
import { accountFrozen } from '../credits/ledger.js';
import { payoutNotFound, payoutNotInState, resendExpired, selfApproval, sendInProgress } from './errors.js';
import type { PayoutProvider, SendOutcome } from './provider.js';
import { type PayoutRecord, payoutRepository as repo } from './repository.js';
import { PAYOUT_HOLD_SCOPE } from './service.js';
import type { Settlement, SettleOutcome } from './settlement.js';
import type { PayoutProviderName } from './tables.js';

export interface Actor {
  id: string;
  origin: RequestOrigin;
}

export interface DecisionDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  holds: Holds;
  settlement: Settlement;
  providers: Record<PayoutProviderName, PayoutProvider>;
}

export interface DecisionResult {
  payout: PayoutRecord;
  /** Set when the provider could not be reached: the payout stays approved and is sent again later. */
  sendError?: string;
}

const ERROR_LIMIT = 500;

/** Stripe keeps an idempotency key 24 hours: a payout first sent longer ago than this is not resent. */
const RESEND_WINDOW_HOURS = 23;
const RESEND_WINDOW_MS = RESEND_WINDOW_HOURS * 60 * 60 * 1000;
/** How long a send holds its claim: far longer than a provider call may take (10 s). */
const SEND_CLAIM_MS = 2 * 60 * 1000;

function describe(error: unknown): string {
  if (isAppError(error)) return `${error.code}: ${error.message}`.slice(0, ERROR_LIMIT);
  const text = error instanceof Error ? error.message : JSON.stringify(error);
  return (text ?? 'unknown error').slice(0, ERROR_LIMIT);
}

export function createPayoutDecisions({ db, clock, logger, holds, settlement, providers }: DecisionDeps) {
  const kysely = pairlyDb(db);
  const transaction = <T>(work: (trx: Transaction<PairlySchema>) => Promise<T>) =>
    withTransaction(db as Database<PairlySchema>, work);

  const audit = (trx: Transaction<PairlySchema>, actor: Actor, entry: Omit<AuditEntry, 'actorId'>) =>
    recordAudit(identityTrx(trx), clock, actor.origin, {
      actorId: actor.id,
      ...entry,
    });

  /** The payout finance acts on: 404 when unknown, 403 when it is the actor's own. */
  async function decidable(actor: Actor, payoutId: string): Promise<PayoutRecord> {
    const payout = await repo.find(kysely, payoutId);
    if (!payout) throw payoutNotFound();
    if (payout.creator_id === actor.id) throw selfApproval();
    return payout;
  }

  /** Records what the provider answered: processing, or settled (paid or failed) in one transaction. */
  async function recordSent(payout: PayoutRecord, outcome: SendOutcome): Promise<PayoutRecord> {
    return transaction(async (trx) => {
      await repo.recordSendAttempt(trx, payout.id, {
        claim: payout.send_claimed_until,
        error: null,
        now: clock.now(),
      });
      if (outcome.status === 'pending') {
        const processing = await repo.transition(trx, payout.id, ['approved'], {
          status: 'processing',
          provider_payout_id: outcome.providerPayoutId,
          updated_at: clock.now(),
        });
        // Not approved any more: a webhook settled it first.
        return processing ?? ((await repo.find(trx, payout.id)) as PayoutRecord);
      }
      const settled = await settlement.settleWithin(trx, payout.id, {
        outcome: outcome.status as SettleOutcome,
        providerPayoutId: outcome.providerPayoutId,
        failureReason: outcome.failureReason,
        settledBy: 'provider',
      });
      return settled.payout;
    });
  }

  /** Keeps the error (and an answer that could not be settled) on the payout, which stays approved. */
  async function sendFailed(
    payout: PayoutRecord,
    sendError: string,
    error: unknown,
    message: string,
    providerPayoutId: string | null = null,
  ): Promise<DecisionResult> {
    await repo.recordSendAttempt(kysely, payout.id, {
      claim: payout.send_claimed_until,
      error: sendError,
      now: clock.now(),
      providerPayoutId,
    });
    logger.warn(
      { event: 'payout_send_failed', payoutId: payout.id, provider: payout.provider, err: error },
      message,
    );
    return { payout: (await repo.find(kysely, payout.id)) as PayoutRecord, sendError };
  }

  /** Until when a send taken now holds the payout. */
  const claimUntil = () => new Date(clock.now().getTime() + SEND_CLAIM_MS);

  /** Claims a payout read earlier (the retry job's list) for a send: 409 when it moved on or is being sent. */
  async function claim(stale: PayoutRecord): Promise<PayoutRecord> {
    const payout = await repo.claimSend(kysely, stale.id, clock.now(), claimUntil());
    if (payout) return payout;
    const current = (await repo.find(kysely, stale.id)) as PayoutRecord;
    throw current.status === 'approved' ? sendInProgress() : payoutNotInState(current.status, 'sent');
  }

  /**
   * Sends a payout this call has claimed (approved, no other send in flight) through its provider,
   * with the payout id as the idempotency key, after checking it again as it is now (a frozen creator,
   * its age). Whatever happens, the claim ends or lapses (SEND_CLAIM_MS).
   */
  async function sendClaimed(payout: PayoutRecord): Promise<DecisionResult> {
    try {
      await checkSendable(payout);
    } catch (error) {
      await repo.endClaim(kysely, payout.id, payout.send_claimed_until);
      throw error;
    }
    let outcome: SendOutcome;
    try {
      outcome = await providers[payout.provider].send({
        id: payout.id,
        creatorId: payout.creator_id,
        amount: payout.amount,
        currency: payout.currency,
        destinationAccountId: payout.destination_account_id,
      });
    } catch (error) {
      const message = 'payout could not be sent; it stays approved and is sent again later';
      return sendFailed(payout, describe(error), error, message);
    }
    try {
      return { payout: await recordSent(payout, outcome) };
    } catch (error) {
      // The provider answered but settling was refused (a frozen creator, say): rolled back, so the
      // payout stays approved; its provider id and what the provider said are kept, and it is sent
      // again (same key, same answer) once that is cleared, or confirmed by finance.
      const { status, providerPayoutId } = outcome;
      const said = `${status} at the provider${providerPayoutId ? ` (${providerPayoutId})` : ''} but not settled: `;
      const message = 'payout was sent but its answer could not be settled; it stays approved';
      try {
        return await sendFailed(payout, said + describe(error), error, message, providerPayoutId);
      } catch (recording) {
        logger.error(
          {
            event: 'payout_answer_unrecorded',
            payoutId: payout.id,
            providerPayoutId,
            status,
            err: recording,
          },
          'the provider answered a payout but neither the answer nor the error could be recorded',
        );
        throw recording;
      }
    }
  }

  /** The creator's accounts must not be frozen, and a payout sent long ago is not sent again. */
  async function checkSendable(payout: PayoutRecord): Promise<void> {
    if (await repo.creatorFrozen(kysely, payout.creator_id)) throw accountFrozen();
    if (
      payout.status === 'approved' &&
      payout.decided_at &&
      clock.now().getTime() - payout.decided_at.getTime() > RESEND_WINDOW_MS
    ) {
      throw resendExpired(RESEND_WINDOW_HOURS);
    }
  }

  return {
    /**
     * Approves a requested payout and sends it; approving an approved payout (one an outage left
     * unsent) sends it again with the same key. Anything further along is a 409.
     */
    async approve(actor: Actor, payoutId: string): Promise<DecisionResult> {
      const payout = await decidable(actor, payoutId);
      if (payout.status !== 'requested' && payout.status !== 'approved') {
        throw payoutNotInState(payout.status, 'approved');
      }
      await checkSendable(payout);
      // Approved (or, approving again, claimed) with the send's claim in the same statement and the
      // audit row: a send in flight makes it a 409 that records nothing.
      const approved = await transaction(async (trx) => {
        const now = clock.now();
        const row =
          payout.status === 'requested'
            ? await repo.transition(trx, payoutId, ['requested'], {
                status: 'approved',
                decided_by: actor.id,
                decided_at: now,
                updated_at: now,
                send_claimed_until: claimUntil(),
              })
            : await repo.claimSend(trx, payoutId, now, claimUntil());
        if (!row) {
          const current = await repo.find(trx, payoutId);
          if (current?.status === 'approved') throw sendInProgress();
          throw payoutNotInState(current?.status ?? payout.status, 'approved');
        }
        await audit(trx, actor, {
          action: payout.status === 'requested' ? 'payouts.approve' : 'payouts.resend',
          targetType: 'payout',
          targetId: payoutId,
          before: { status: payout.status },
          after: {
            status: 'approved',
            creatorId: row.creator_id,
            credits: row.credits,
            amount: row.amount,
            currency: row.currency,
            provider: row.provider,
          },
        });
        return row;
      });
      return sendClaimed(approved);
    },

    /** Rejects a requested payout with a reason; its hold goes back to the creator's earnings once. */
    async reject(actor: Actor, payoutId: string, reason: string): Promise<PayoutRecord> {
      const payout = await decidable(actor, payoutId);
      return transaction(async (trx) => {
        const now = clock.now();
        const rejected = await repo.transition(trx, payoutId, ['requested'], {
          status: 'rejected',
          decided_by: actor.id,
          decided_at: now,
          decision_reason: reason,
          settled_at: now,
          updated_at: now,
        });
        if (!rejected) {
          const current = await repo.find(trx, payoutId);
          throw payoutNotInState(current?.status ?? payout.status, 'rejected');
        }
        await holds.releaseWithin(trx, {
          holdId: rejected.hold_id,
          ownerId: null,
          resolvedBy: PAYOUT_HOLD_SCOPE,
        });
        await audit(trx, actor, {
          action: 'payouts.reject',
          targetType: 'payout',
          targetId: payoutId,
          before: { status: 'requested' },
          after: { status: 'rejected', reason, creatorId: rejected.creator_id, credits: rejected.credits },
        });
        return rejected;
      });
    },

    /**
     * Finance confirms a sent payout by hand (paid with the bank's reference, or failed): settled
     * exactly once like a provider answer; a payout already settled (by a webhook, say) is a 409.
     */
    async confirm(
      actor: Actor,
      payoutId: string,
      input: { outcome: SettleOutcome; reference: string; note?: string | undefined },
    ): Promise<PayoutRecord> {
      const payout = await decidable(actor, payoutId);
      return transaction(async (trx) => {
        // Locked against a send: one in flight must finish (or its claim lapse) before finance decides.
        const current = await repo.findForUpdate(trx, payoutId);
        const claim = current?.send_claimed_until;
        if (current?.status === 'approved' && claim && claim > clock.now()) throw sendInProgress();
        const settled = await settlement.settleWithin(trx, payoutId, {
          outcome: input.outcome,
          failureReason: input.outcome === 'failed' ? (input.note ?? 'confirmed failed by finance') : null,
          settledBy: actor.id,
          reference: input.reference,
          ...(input.note !== undefined && { note: input.note }),
        });
        // Already settled either way (or never sent): a 409, and the rollback drops any late mark.
        if (settled.result !== 'settled')
          throw payoutNotInState(settled.payout.status, `confirmed ${input.outcome}`);
        await audit(trx, actor, {
          action: 'payouts.confirm',
          targetType: 'payout',
          targetId: payoutId,
          before: { status: payout.status },
          after: {
            status: input.outcome,
            reference: input.reference,
            note: input.note ?? null,
            creatorId: settled.payout.creator_id,
            credits: settled.payout.credits,
          },
        });
        return settled.payout;
      });
    },

    /**
     * Sends approved payouts an outage left unsent (the retry job); answers how many were sent. One
     * payout that cannot be sent never stops the others; those first sent more than
     * RESEND_WINDOW_HOURS ago and those of a frozen creator are left alone.
     */
    async sendApproved(limit = 50): Promise<{ sent: number; failed: number; skipped: number }> {
      let sent = 0;
      let failed = 0;
      let skipped = 0;
      const since = new Date(clock.now().getTime() - RESEND_WINDOW_MS);
      for (const payout of await repo.unsent(kysely, limit, since)) {
        try {
          const result = await sendClaimed(await claim(payout));
          if (result.sendError) failed += 1;
          else sent += 1;
        } catch (error) {
          // Settled, claimed by another send, or no longer sendable since the list was read.
          skipped += 1;
          logger.warn(
            { event: 'payout_send_skipped', payoutId: payout.id, provider: payout.provider, err: error },
            'payout was not sent again',
          );
        }
      }
      const agedOut = await repo.countAgedOut(kysely, since);
      if (agedOut > 0)
        logger.warn(
          { event: 'payouts_resend_expired', count: agedOut, hours: RESEND_WINDOW_HOURS },
          'approved payouts too old to send again wait for finance to confirm them',
        );
      return { sent, failed, skipped };
    },
  };
}

export type PayoutDecisions = ReturnType<typeof createPayoutDecisions>;
