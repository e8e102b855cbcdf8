// Owns what payouts do with the providers' verified events (claimed on context.payments.events, run
// inside the webhook inbox's transaction): RazorpayX payout.processed settles the payout paid,
// payout.reversed / payout.failed / payout.rejected settle it failed; Stripe transfer.reversed
// settles it failed. The payout is found by the provider's id, or by our id the provider echoes
// (Razorpay reference_id, Stripe metadata.payoutId) when the answer beat the send's own bookkeeping.
// Settling is exactly once (settlement.ts): a repeated answer is ignored, one after the other outcome
// is recorded as late, an answer for a payout never sent or whose hold was resolved elsewhere is
// unresolved (rolled back, kept for reconciliation). Events for payouts not ours are ignored.
import { isAppError, UnresolvedWebhookEvent, type WebhookEvent, type WebhookOutcome } from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';
import type { ProviderEventRouter } from '../payments/event-router.js';
import { payoutRepository as repo } from './repository.js';
import type { Settlement, SettleOutcome } from './settlement.js';
import type { PayoutProviderName } from './tables.js';

const RAZORPAY_PAYOUT_EVENTS = ['payout.processed', 'payout.reversed', 'payout.failed', 'payout.rejected'];
const STRIPE_PAYOUT_EVENTS = ['transfer.reversed'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Json = Record<string, unknown>;
const object = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

interface ProviderAnswer {
  provider: PayoutProviderName;
  providerPayoutId: string | undefined;
  /** Our payout id as the provider echoes it. */
  payoutId: string | undefined;
  outcome: SettleOutcome;
  failureReason: string | undefined;
}

function razorpayAnswer(event: WebhookEvent): ProviderAnswer {
  const entity = object(object(object(event.payload.payload).payout).entity);
  const notes = object(entity.notes);
  const details = object(entity.status_details);
  const outcome: SettleOutcome = event.type === 'payout.processed' ? 'paid' : 'failed';
  const detail = text(entity.failure_reason) ?? text(details.description) ?? text(details.reason);
  return {
    provider: 'razorpay',
    providerPayoutId: text(entity.id),
    payoutId: text(entity.reference_id) ?? text(notes.payoutId),
    outcome,
    failureReason:
      outcome === 'failed' ? `razorpay ${event.type}${detail ? `: ${detail}` : ''}`.slice(0, 500) : undefined,
  };
}

function stripeAnswer(event: WebhookEvent): ProviderAnswer {
  const transfer = object(object(event.payload.data).object);
  return {
    provider: 'stripe',
    providerPayoutId: text(transfer.id),
    payoutId: text(object(transfer.metadata).payoutId),
    outcome: 'failed',
    failureReason: `stripe ${event.type}: ${String(transfer.amount_reversed ?? '?')} of ${String(transfer.amount ?? '?')} reversed`,
  };
}

function createPayoutEventHandlers(settlement: Settlement) {
  async function apply(trx: Transaction<PairlySchema>, answer: ProviderAnswer): Promise<WebhookOutcome> {
    const byProviderId = answer.providerPayoutId
      ? await repo.findByProviderPayout(trx, answer.provider, answer.providerPayoutId)
      : undefined;
    const payout =
      byProviderId ??
      (answer.payoutId && UUID.test(answer.payoutId) ? await repo.find(trx, answer.payoutId) : undefined);
    if (!payout || payout.provider !== answer.provider) return 'ignored';
    if (
      answer.providerPayoutId &&
      payout.provider_payout_id &&
      payout.provider_payout_id !== answer.providerPayoutId
    ) {
      throw new UnresolvedWebhookEvent(
        `${answer.provider} payout ${answer.providerPayoutId} names payout ${payout.id}, which was sent as ${payout.provider_payout_id}`,
      );
    }
    try {
      const settled = await settlement.settleWithin(trx, payout.id, {
        outcome: answer.outcome,
        providerPayoutId: answer.providerPayoutId,
        failureReason: answer.failureReason,
        settledBy: 'provider',
      });
      switch (settled.result) {
        case 'settled':
        case 'late':
          return 'processed';
        case 'already':
          return 'ignored';
        case 'not_sent':
          throw new UnresolvedWebhookEvent(
            `${answer.provider} reports payout ${payout.id} ${answer.outcome}, but it was ${settled.payout.status}, never sent`,
          );
      }
    } catch (error) {
      if (isAppError(error) && error.code === 'payout_hold_resolved')
        throw new UnresolvedWebhookEvent(error.message);
      throw error;
    }
  }

  return {
    razorpay: (trx: Transaction<PairlySchema>, event: WebhookEvent) => apply(trx, razorpayAnswer(event)),
    stripe: (trx: Transaction<PairlySchema>, event: WebhookEvent) => apply(trx, stripeAnswer(event)),
  };
}

/** Claims the payout event types on the payments event router. */
export function claimPayoutEvents(events: ProviderEventRouter, settlement: Settlement): void {
  const handlers = createPayoutEventHandlers(settlement);
  events.on('razorpay', RAZORPAY_PAYOUT_EVENTS, handlers.razorpay);
  events.on('stripe', STRIPE_PAYOUT_EVENTS, handlers.stripe);
}
