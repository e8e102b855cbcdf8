// Owns the one path credits are granted for a payment (docs/payments.md, "Events and grants"):
// `applyPaidPayment`, run inside the caller's transaction by the purchase webhook handlers and by
// reconciliation's repair. It finds the order the payment belongs to (the order that already holds
// the payment id, else the provider's order id, else, only when the provider names no order, our
// order id echoed in metadata / notes / receipt), locks it, and grants exactly once: the ledger operation keyed `grant:<provider>:<paymentId>`
// (scope `payments`) and the order's move to `paid` commit together with the caller's other writes.
// Nothing is granted, and the order goes to `review` with the reason, when the amount or currency
// differ from the order's, when the payment's provider order is not the order's, when the order was
// already paid by another payment, or when the user's credits account is frozen.
// It never calls a provider and never opens a transaction of its own.
import { AppError, type Clock } from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';
import type { CreditsService } from '../credits/service.js';
import { GRANTABLE, isUuid, lockOrder, markPaid, markReview, toPaymentOrder } from './orders-repository.js';
import type { StoredOrder } from './tables.js';
import type { ApplyPaidPayment, GrantOutcome, OrderStatus, ProviderPayment } from './types.js';

/** The credits operation scope of every payment grant. */
const GRANT_SCOPE = 'payments';

/** The grant's idempotency key: one per provider payment, whatever order or delivery it came in. */
const grantKey = (payment: Pick<ProviderPayment, 'provider' | 'paymentId'>) =>
  `grant:${payment.provider}:${payment.paymentId}`;

/** States a second payment moves to review; reversal states stay as they are (reversals owns them). */
const REVIEWABLE_AFTER_PAYMENT: readonly OrderStatus[] = ['paid'];

/** The payment's notes / metadata name one order, the provider's order id another. */
const CONFLICT = Symbol('conflicting order');

async function findOrder(
  trx: Transaction<PairlySchema>,
  payment: ProviderPayment,
): Promise<StoredOrder | typeof CONFLICT | undefined> {
  // The payment's own order first: a replay (or reconciliation) finds the order it already paid,
  // whatever the metadata says.
  const holder = await lockOrder(trx, payment.provider, { paymentId: payment.paymentId });
  if (holder) return holder;
  // Then the provider's own order id (Razorpay order, Stripe Checkout Session): the customer cannot
  // set it. Notes can be set by the browser at checkout, so they only count when the provider names
  // no order, and a payment whose notes name another order than its provider order touches neither.
  if (payment.providerOrderId) {
    const byProvider = await lockOrder(trx, payment.provider, { providerOrderId: payment.providerOrderId });
    if (byProvider && payment.orderId !== null && payment.orderId !== byProvider.id) return CONFLICT;
    return byProvider;
  }
  if (isUuid(payment.orderId)) return lockOrder(trx, payment.provider, { id: payment.orderId });
  return undefined;
}

/** Why a payment cannot grant its order as it is; null when it can. */
function mismatchOf(order: StoredOrder, payment: ProviderPayment): string | null {
  if (payment.currency.toUpperCase() !== order.currency) {
    return `currency_mismatch: paid ${payment.currency.toUpperCase()}, order is in ${order.currency}`;
  }
  if (payment.amount !== order.amount) {
    return `amount_mismatch: paid ${payment.amount}, order is ${order.amount} (minor units of ${order.currency})`;
  }
  if (
    payment.providerOrderId !== null &&
    order.provider_order_id !== null &&
    payment.providerOrderId !== order.provider_order_id
  ) {
    return `provider_order_mismatch: the payment is for ${payment.providerOrderId}, the order's is ${order.provider_order_id}`;
  }
  return null;
}

/**
 * Grants an order finance settles from review (a purchase paid while the buyer was frozen): the same
 * ledger operation, keyed `grant:<provider>:<paymentId>` on the payment the order recorded, and the
 * move review → paid, in the caller's transaction. The order must be locked by the caller, in
 * `review`, with a payment recorded and nothing granted; undefined when it was not. Throws the
 * credits error (account_frozen) when the account is still frozen.
 */
export async function grantReviewed(
  deps: { credits: CreditsService; clock: Clock },
  trx: Transaction<PairlySchema>,
  order: StoredOrder,
): Promise<StoredOrder | undefined> {
  if (
    order.status !== 'review' ||
    order.provider_payment_id === null ||
    Number(order.credits_granted) !== 0
  ) {
    return undefined;
  }
  const paymentId = order.provider_payment_id;
  await deps.credits.addWithin(
    trx,
    { scope: GRANT_SCOPE, idempotencyKey: grantKey({ provider: order.provider, paymentId }) },
    {
      userId: order.user_id,
      amount: order.credits,
      source: 'purchase',
      // The memo of applyPaidPayment's grant: the key's parameters are the same whichever path posts it.
      memo: { orderId: order.id, provider: order.provider, paymentId, packId: order.pack_id },
    },
  );
  const at = deps.clock.now();
  return trx
    .updateTable('payment_orders')
    .set({ status: 'paid', credits_granted: order.credits, paid_at: at, updated_at: at })
    .where('id', '=', order.id)
    .where('status', '=', 'review')
    .returningAll()
    .executeTakeFirst();
}

export function createGrants(deps: { credits: CreditsService; clock: Clock }): {
  applyPaidPayment: ApplyPaidPayment;
} {
  const { credits, clock } = deps;

  async function review(
    trx: Transaction<PairlySchema>,
    order: StoredOrder,
    reason: string,
    payment: ProviderPayment,
    from: readonly OrderStatus[],
  ): Promise<GrantOutcome> {
    const moved = await markReview(trx, order.id, {
      reason,
      paymentId: payment.paymentId,
      from,
      at: clock.now(),
    });
    return { outcome: 'mismatch', order: toPaymentOrder(moved ?? order) };
  }

  const applyPaidPayment: ApplyPaidPayment = async (trx, payment) => {
    const order = await findOrder(trx, payment);
    // A conflict is no order of ours for certain: nothing changes for either order.
    if (!order || order === CONFLICT) return { outcome: 'unknown_order' };

    if (order.provider_payment_id === payment.paymentId) {
      // Applied before: granted, or sent to review then (and left there for finance).
      return order.status === 'review' || order.credits_granted === 0
        ? { outcome: 'mismatch', order: toPaymentOrder(order) }
        : { outcome: 'already_granted', order: toPaymentOrder(order) };
    }
    if (order.provider_payment_id !== null) {
      return review(
        trx,
        order,
        `second_payment: ${payment.paymentId} after ${order.provider_payment_id} already paid the order`,
        payment,
        REVIEWABLE_AFTER_PAYMENT,
      );
    }
    if (!GRANTABLE.includes(order.status)) return { outcome: 'mismatch', order: toPaymentOrder(order) };
    const mismatch = mismatchOf(order, payment);
    if (mismatch) return review(trx, order, mismatch, payment, GRANTABLE);

    try {
      await credits.addWithin(
        trx,
        { scope: GRANT_SCOPE, idempotencyKey: grantKey(payment) },
        {
          userId: order.user_id,
          amount: order.credits,
          source: 'purchase',
          memo: {
            orderId: order.id,
            provider: payment.provider,
            paymentId: payment.paymentId,
            packId: order.pack_id,
          },
        },
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'account_frozen') {
        return review(
          trx,
          order,
          'account_frozen: the buyer’s credits account is frozen',
          payment,
          GRANTABLE,
        );
      }
      throw error;
    }
    const paid = await markPaid(trx, order.id, {
      paymentId: payment.paymentId,
      providerOrderId: payment.providerOrderId,
      credits: order.credits,
      at: clock.now(),
    });
    // The order is locked and was grantable: losing this update means the lock did not hold.
    if (!paid) throw new Error(`payments: order ${order.id} left ${order.status} while locked`);
    return { outcome: 'granted', order: toPaymentOrder(paid) };
  };

  return { applyPaidPayment };
}
