// Owns applying refunds and chargebacks to paid orders, in the caller's transaction (the webhook
// inbox's, or a reconciliation repair's): each provider refund or dispute becomes one
// payment_reversals row (unique per provider and reversal id, so a redelivery or a repair of one
// already applied does nothing) and at most one ledger operation. Credits reversed are the order's
// granted credits pro rata to the refunded amount, counted on the running total so partial refunds
// never drift (floor(granted × refunded / amount) minus what is already taken back), and never more
// than the grant minus what is already reversed. A dispute takes back all that is left, and gives
// back what it took, once, when the platform wins, less what refunds recorded meanwhile account for
// (money refunded is never also credits given back). Only the payment that paid an order reverses
// it: a refund of another payment on the same provider order is unresolved (kept for finance). Spent credits freeze the account and open a
// finance review (reviews.ts) for what is still owed.
import { randomUUID } from 'node:crypto';
import { type Clock, UnresolvedWebhookEvent } from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../../db.js';
import type { PaymentProvider } from '../event-router.js';
import { GRANTED, lockOrder as lockOrderBy } from '../orders-repository.js';
import type { StoredOrder } from '../tables.js';
import type { OrderStatus } from '../types.js';
import { giveBack, takeBack } from './posting.js';

/**
 * The payment's grant is not there yet (the refund or dispute overtook the payment event, or the
 * payment is not one of ours yet): a transient failure. The inbox records the event as failed and
 * answers 500, the provider delivers it again later and it applies once the grant exists;
 * reconciliation repairs it if the provider gives up first.
 */
export class ReversalNotReady extends Error {
  override name = 'ReversalNotReady';
}

export type ReversalOutcome =
  | { outcome: 'applied'; reversalId: string; creditsReversed: number; creditsShort: number }
  | { outcome: 'already_applied'; reversalId: string }
  /** A cumulative refund total we have already passed (an older event delivered late). */
  | { outcome: 'stale' };

export interface PaymentRef {
  provider: PaymentProvider;
  /** Stripe PaymentIntent id / Razorpay payment id. */
  paymentId: string | null;
  /** Stripe Checkout Session id / Razorpay order id, when the event carries it. */
  providerOrderId?: string | null;
}

export interface RefundInput extends PaymentRef {
  reversalId: string;
  /** Razorpay: this refund's amount. */
  amount?: number;
  /** Stripe: the payment's running refunded total (charge.amount_refunded). */
  cumulativeAmount?: number;
  currency: string;
  /** Webhook event id or `reconciliation:<run>`. */
  source: string;
  memo?: Record<string, unknown>;
}

export interface DisputeInput extends PaymentRef {
  disputeId: string;
  amount: number;
  currency: string;
  disputeStatus: string;
  source: string;
}

type Reversal = PairlySchema['payment_reversals'];

export function createReversals(clock: Clock) {
  /** The order paid by the payment, locked for the length of the transaction (reversals of one order go one at a time). */
  async function lockOrder(trx: Transaction<PairlySchema>, ref: PaymentRef): Promise<StoredOrder> {
    const byPayment = ref.paymentId
      ? await lockOrderBy(trx, ref.provider, { paymentId: ref.paymentId })
      : undefined;
    if (byPayment) return readyOrder(byPayment);
    const order = ref.providerOrderId
      ? await lockOrderBy(trx, ref.provider, { providerOrderId: ref.providerOrderId })
      : undefined;
    if (!order) {
      throw new ReversalNotReady(
        `no order is paid by ${ref.provider} payment ${ref.paymentId ?? ref.providerOrderId}`,
      );
    }
    // Found by the provider's order only: the order must have been paid by this payment. A refund
    // of another payment on the same provider order (a duplicate capture finance refunds) must
    // never take back the grant of the payment that did pay it.
    if (order.provider_payment_id !== null && ref.paymentId && order.provider_payment_id !== ref.paymentId) {
      throw new UnresolvedWebhookEvent(
        `payment_not_granted: ${ref.provider} payment ${ref.paymentId} did not pay order ${order.id} (paid by ${order.provider_payment_id}); nothing reversed`,
      );
    }
    return readyOrder(order);
  }

  function readyOrder(order: StoredOrder): StoredOrder {
    if (!GRANTED.includes(order.status) && order.status !== 'review') {
      throw new ReversalNotReady(`order ${order.id} is ${order.status}: its grant has not been made yet`);
    }
    return order;
  }

  async function existing(trx: Transaction<PairlySchema>, provider: PaymentProvider, reversalId: string) {
    return trx
      .selectFrom('payment_reversals')
      .selectAll()
      .where('provider', '=', provider)
      .where('provider_reversal_id', '=', reversalId)
      .forUpdate()
      .executeTakeFirst();
  }

  /**
   * What the order's reversals add up to. `inForceCredits` is what is taken back now: refunds and
   * open (or lost) disputes whole, a won dispute what it kept (taken less given back).
   */
  async function totals(trx: Transaction<PairlySchema>, orderId: string, except?: string) {
    const rows = await trx
      .selectFrom('payment_reversals')
      .select(['id', 'kind', 'status', 'amount', 'credits_reversed', 'credits_short', 'credits_reinstated'])
      .where('order_id', '=', orderId)
      .execute();
    let refundedAmount = 0;
    let refundCredits = 0;
    let inForceCredits = 0;
    for (const row of rows) {
      if (row.id === except) continue;
      const held =
        row.status === 'reversed'
          ? Number(row.credits_reversed) + Number(row.credits_short)
          : Number(row.credits_reversed) - Number(row.credits_reinstated);
      if (row.kind === 'refund') {
        refundedAmount += Number(row.amount);
        refundCredits += held;
      }
      inForceCredits += held;
    }
    return { refundedAmount, refundCredits, inForceCredits };
  }

  /** Credits refunds of `refunded` (minor units) take back: pro rata, BigInt as credits × minor units may pass 2^53. */
  function refundedCredits(order: StoredOrder, refunded: number): number {
    const amount = Number(order.amount);
    return Number(
      (BigInt(Number(order.credits_granted)) * BigInt(Math.min(refunded, amount))) / BigInt(amount),
    );
  }

  /** Takes the credits back and records the reversal (and a review when some were spent). */
  async function record(
    trx: Transaction<PairlySchema>,
    order: StoredOrder,
    row: Pick<Reversal, 'provider' | 'provider_reversal_id' | 'kind' | 'amount' | 'currency' | 'source'> & {
      dispute_status?: string | null;
    },
    credits: number,
    extraMemo: Record<string, unknown> = {},
  ): Promise<ReversalOutcome> {
    const at = clock.now();
    const id = randomUUID();
    const taken = await takeBack(trx, {
      userId: order.user_id,
      credits,
      key: `reversal:${row.provider}:${row.provider_reversal_id}`,
      memo: {
        ...extraMemo,
        orderId: order.id,
        [row.kind === 'refund' ? 'refundId' : 'disputeId']: row.provider_reversal_id,
      },
      at,
    });
    await trx
      .insertInto('payment_reversals')
      .values({
        id,
        ...row,
        dispute_status: row.dispute_status ?? null,
        order_id: order.id,
        user_id: order.user_id,
        credits_reversed: taken.taken,
        credits_short: taken.short,
        reversal_transfer_id: taken.transferId,
        reinstate_transfer_id: null,
        created_at: at,
        reinstated_at: null,
      })
      .execute();
    if (taken.short > 0) {
      await trx
        .insertInto('payment_reviews')
        .values({
          id: randomUUID(),
          user_id: order.user_id,
          order_id: order.id,
          reversal_id: id,
          reason: row.kind === 'refund' ? 'refund_after_spend' : 'dispute_after_spend',
          credits_owed: taken.short,
          created_at: at,
        })
        .execute();
    }
    return { outcome: 'applied', reversalId: id, creditsReversed: taken.taken, creditsShort: taken.short };
  }

  async function setOrderStatus(
    trx: Transaction<PairlySchema>,
    order: StoredOrder,
    to: OrderStatus,
    from: OrderStatus[],
  ): Promise<void> {
    await trx
      .updateTable('payment_orders')
      .set({ status: to, updated_at: clock.now() })
      .where('id', '=', order.id)
      .where('status', 'in', from)
      .execute();
  }

  /** The status an order returns to when no dispute is in force: by how much of it was refunded. */
  async function settledStatus(trx: Transaction<PairlySchema>, order: StoredOrder): Promise<OrderStatus> {
    const { refundedAmount } = await totals(trx, order.id);
    if (refundedAmount <= 0) return 'paid';
    return refundedAmount >= Number(order.amount) ? 'refunded' : 'partially_refunded';
  }

  async function applyRefund(trx: Transaction<PairlySchema>, input: RefundInput): Promise<ReversalOutcome> {
    const order = await lockOrder(trx, input);
    const found = await existing(trx, input.provider, input.reversalId);
    if (found) return { outcome: 'already_applied', reversalId: found.id };
    const orderAmount = Number(order.amount);
    const granted = Number(order.credits_granted);
    const before = await totals(trx, order.id);
    const requested =
      input.cumulativeAmount !== undefined
        ? input.cumulativeAmount - before.refundedAmount
        : (input.amount ?? 0);
    if (requested <= 0) return { outcome: 'stale' };
    // What the refunds so far must have taken, less what is taken already (by refunds, or by a
    // dispute that holds them or kept them when won): never more than the grant in all.
    const dueByNow = refundedCredits(order, before.refundedAmount + requested);
    const credits = Math.max(0, Math.min(dueByNow - before.inForceCredits, granted - before.inForceCredits));
    const outcome = await record(
      trx,
      order,
      {
        provider: input.provider,
        provider_reversal_id: input.reversalId,
        kind: 'refund',
        amount: requested,
        currency: input.currency.toUpperCase(),
        source: input.source,
      },
      credits,
      input.memo,
    );
    if (GRANTED.includes(order.status)) {
      await setOrderStatus(
        trx,
        order,
        before.refundedAmount + requested >= orderAmount ? 'refunded' : 'partially_refunded',
        ['paid', 'partially_refunded'],
      );
    }
    return outcome;
  }

  async function openDispute(trx: Transaction<PairlySchema>, input: DisputeInput): Promise<ReversalOutcome> {
    const order = await lockOrder(trx, input);
    const found = await existing(trx, input.provider, input.disputeId);
    if (found) {
      await trx
        .updateTable('payment_reversals')
        .set({ dispute_status: input.disputeStatus })
        .where('id', '=', found.id)
        .where('status', '=', 'reversed')
        .execute();
      return { outcome: 'already_applied', reversalId: found.id };
    }
    const { inForceCredits } = await totals(trx, order.id);
    const credits = Math.max(0, Number(order.credits_granted) - inForceCredits);
    const outcome = await record(
      trx,
      order,
      {
        provider: input.provider,
        provider_reversal_id: input.disputeId,
        kind: 'dispute',
        amount: input.amount,
        currency: input.currency.toUpperCase(),
        source: input.source,
        dispute_status: input.disputeStatus,
      },
      credits,
    );
    if (GRANTED.includes(order.status)) {
      await setOrderStatus(trx, order, 'disputed', ['paid', 'partially_refunded', 'refunded']);
    }
    return outcome;
  }

  /**
   * A dispute closed: won gives back what it took (exactly once: a conditional update from
   * `reversed`); lost keeps it. A dispute closed before we saw it opened is recorded as it ends:
   * lost reverses the grant then, won reverses nothing (the row still makes a late `created` a no-op).
   */
  async function closeDispute(
    trx: Transaction<PairlySchema>,
    input: DisputeInput & { won: boolean },
  ): Promise<ReversalOutcome> {
    // The order first, as the other paths do: two closes of a dispute never seen open wait for each
    // other here instead of both inserting it.
    const order = await lockOrder(trx, input);
    const found = await existing(trx, input.provider, input.disputeId);
    if (!found) {
      if (!input.won) return openDispute(trx, input);
      const at = clock.now();
      const id = randomUUID();
      await trx
        .insertInto('payment_reversals')
        .values({
          id,
          provider: input.provider,
          provider_reversal_id: input.disputeId,
          kind: 'dispute',
          order_id: order.id,
          user_id: order.user_id,
          amount: input.amount,
          currency: input.currency.toUpperCase(),
          credits_reversed: 0,
          credits_short: 0,
          status: 'reinstated',
          dispute_status: input.disputeStatus,
          reversal_transfer_id: null,
          reinstate_transfer_id: null,
          source: input.source,
          created_at: at,
          reinstated_at: at,
        })
        .execute();
      return { outcome: 'applied', reversalId: id, creditsReversed: 0, creditsShort: 0 };
    }
    if (!input.won) {
      await trx
        .updateTable('payment_reversals')
        .set({ dispute_status: input.disputeStatus })
        .where('id', '=', found.id)
        .execute();
      return { outcome: 'already_applied', reversalId: found.id };
    }
    const at = clock.now();
    // Give back what the dispute took, but never credits for money refunded meanwhile: at most the
    // grant less what refunds took pro rata less what other reversals still hold.
    const others = await totals(trx, order.id, found.id);
    const giving = Math.max(
      0,
      Math.min(
        Number(found.credits_reversed),
        Number(order.credits_granted) -
          Math.max(refundedCredits(order, others.refundedAmount), others.refundCredits) -
          (others.inForceCredits - others.refundCredits),
      ),
    );
    const reinstated = await trx
      .updateTable('payment_reversals')
      .set({
        status: 'reinstated',
        reinstated_at: at,
        dispute_status: input.disputeStatus,
        credits_reinstated: giving,
      })
      .where('id', '=', found.id)
      .where('status', '=', 'reversed')
      .returning(['id'])
      .executeTakeFirst();
    if (!reinstated) return { outcome: 'already_applied', reversalId: found.id };
    const transferId = await giveBack(trx, {
      userId: order.user_id,
      credits: giving,
      key: `reversal:${input.provider}:${input.disputeId}:reinstated`,
      memo: { orderId: order.id, disputeId: input.disputeId, outcome: 'won' },
      at,
    });
    if (transferId !== null) {
      await trx
        .updateTable('payment_reversals')
        .set({ reinstate_transfer_id: transferId })
        .where('id', '=', found.id)
        .execute();
    }
    // Nothing is owed any more for this dispute; finance still decides about the freeze.
    await trx
      .updateTable('payment_reviews')
      .set({ credits_owed: 0 })
      .where('reversal_id', '=', found.id)
      .where('status', '=', 'open')
      .execute();
    await setOrderStatus(trx, order, await settledStatus(trx, order), ['disputed']);
    return {
      outcome: 'applied',
      reversalId: found.id,
      creditsReversed: -giving,
      creditsShort: 0,
    };
  }

  /** The payment's refunded total as we have applied it (reconciliation compares it with the provider's). */
  async function refundedAmount(trx: Transaction<PairlySchema>, orderId: string): Promise<number> {
    return (await totals(trx, orderId)).refundedAmount;
  }

  return { applyRefund, openDispute, closeDispute, refundedAmount };
}

export type Reversals = ReturnType<typeof createReversals>;
