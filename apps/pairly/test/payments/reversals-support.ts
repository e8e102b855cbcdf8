// Test support for refunds, chargebacks, the finance review queue and reconciliation: a paid order
// through either fake provider (the purchase events delivered, the grant checked), the provider's
// reversal events, and readers of what a user or finance would notice (balance, frozen, reversals,
// ledger entries, audit rows).
import { expect } from 'vitest';
import { balanceOf } from '../credits/http-support.js';
import type { Response, TestUser } from '../support/pairly-client.js';
import {
  type Delivery,
  deliver,
  type OrderJson,
  order,
  type PaymentsTestEnv,
  payRazorpay,
  payStripe,
  razorpayDelivery,
  stripeDelivery,
  stripeOrderBody,
} from './support.js';

export interface PaidStripe {
  order: OrderJson;
  paymentIntentId: string;
  chargeId: string;
}

export interface PaidRazorpay {
  order: OrderJson;
  paymentId: string;
}

export async function expectDelivered(
  env: PaymentsTestEnv,
  delivery: Delivery,
  outcome?: string,
): Promise<Response> {
  const response = await deliver(env, delivery);
  expect(response.statusCode, response.body).toBe(200);
  if (outcome) expect(response.json().outcome, response.body).toBe(outcome);
  return response;
}

/** A Stripe order of the pack paid at Checkout, its events delivered: the grant is made. */
export async function paidStripe(
  env: PaymentsTestEnv,
  user: TestUser,
  packId = 'popular',
): Promise<PaidStripe> {
  const created = await order(env, user, stripeOrderBody(packId));
  const paid = payStripe(env, created);
  for (const event of paid.events) await expectDelivered(env, event);
  return { order: created, paymentIntentId: paid.paymentIntent.id, chargeId: paid.charge.id };
}

/** A Razorpay (INR) order of the pack paid in the widget, its events delivered. */
export async function paidRazorpay(
  env: PaymentsTestEnv,
  user: TestUser,
  packId = 'popular',
): Promise<PaidRazorpay> {
  const created = await order(env, user, { packId, currency: 'INR' });
  const paid = payRazorpay(env, created);
  for (const event of paid.events) await expectDelivered(env, event);
  return { order: created, paymentId: paid.paymentId };
}

/** Stripe refunds the charge (part of it with `amount`) and answers the charge.refunded delivery. */
export function stripeRefund(env: PaymentsTestEnv, chargeId: string, amount?: number): Delivery {
  const { charge } = env.stripe.refundCharge(chargeId, amount);
  return stripeDelivery(env, { type: 'charge.refunded', object: charge });
}

/** Razorpay refunds the payment and answers the refund.processed delivery. */
export function razorpayRefund(env: PaymentsTestEnv, paymentId: string, amount?: number): Delivery {
  const refund = env.razorpay.refundPayment(paymentId, amount);
  const payment = env.razorpay.payments.get(paymentId);
  return razorpayDelivery(env, 'refund.processed', { refund, ...(payment && { payment }) });
}

/** The user's balance as they see it (credits' own helper, on the payments app). */
export const balance = (env: PaymentsTestEnv, user: TestUser) => balanceOf(env.t, user);

export async function orderStatus(env: PaymentsTestEnv, orderId: string): Promise<string> {
  const { rows } = await env.t.db.executeSql('select status from payment_orders where id = $1', [orderId]);
  return (rows[0] as { status: string }).status;
}

/** Ledger entries of a kind touching the user's accounts, with their amounts. */
export async function entries(env: PaymentsTestEnv, userId: string, kind: string): Promise<number[]> {
  const { rows } = await env.t.db.executeSql(
    `select t.amount from credit_transfers t
       join credit_accounts a on a.id in (t.debit_account_id, t.credit_account_id)
      where a.owner_id = $1 and t.kind = $2 order by t.id`,
    [userId, kind],
  );
  return (rows as Array<{ amount: number | string }>).map((row) => Number(row.amount));
}

export async function auditRows(
  env: PaymentsTestEnv,
  action: string,
): Promise<Array<Record<string, unknown>>> {
  const { rows } = await env.t.db.executeSql(
    'select actor_id, target_id, before, after from audit_log where action = $1 order by occurred_at, id',
    [action],
  );
  return rows as Array<Record<string, unknown>>;
}

/** Puts credits of the user aside (a call hold): they are no longer spendable. */
export async function spend(env: PaymentsTestEnv, user: TestUser, amount: number): Promise<void> {
  const response = await env.t.app.inject({
    method: 'POST',
    url: '/credits/holds',
    headers: { ...user.headers, 'idempotency-key': crypto.randomUUID() },
    payload: { amount, purpose: 'call' },
  });
  expect(response.statusCode, response.body).toBe(201);
}
