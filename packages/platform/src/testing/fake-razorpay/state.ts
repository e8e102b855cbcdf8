// Owns the fake Razorpay account: orders (created, attempted, paid), payments (captured, failed,
// refunded), refunds, disputes and RazorpayX payouts (processing, then processed, reversed, failed
// or rejected), what the API endpoints read and write, and the test controls that play the
// customer, the bank and the dashboard (capture, refund, dispute, settle a payout). Every object
// starts from an answer recorded from Razorpay's API reference (the *.json next to this file), copied
// with what differs. Test support only.
import type { Clock } from '../../time/clock.js';
import disputeJson from './dispute.json' with { type: 'json' };
import type {
  PaymentSeed,
  PayoutStatus,
  RazorpayDispute,
  RazorpayOrder,
  RazorpayPayment,
  RazorpayPayout,
  RazorpayRefund,
} from './entities.js';
import orderJson from './order.json' with { type: 'json' };
import paymentJson from './payment.json' with { type: 'json' };
import payoutJson from './payout.json' with { type: 'json' };
import refundJson from './refund.json' with { type: 'json' };
import {
  badRequest,
  collection,
  copy,
  type Json,
  noSuchId,
  type Paging,
  razorpayId,
  readAmount,
  readCurrency,
  readNotes,
  recorded,
  seconds,
} from './wire.js';

const SETTLED: Record<'processed' | 'reversed' | 'failed' | 'rejected', PayoutStatus[]> = {
  processed: ['queued', 'pending', 'processing'],
  reversed: ['processing', 'processed'],
  failed: ['queued', 'pending', 'processing'],
  rejected: ['queued', 'pending'],
};

export function createFakeRazorpayState(clock: Clock) {
  const orders = new Map<string, RazorpayOrder>();
  const payments = new Map<string, RazorpayPayment>();
  const refunds = new Map<string, RazorpayRefund>();
  const disputes = new Map<string, RazorpayDispute>();
  const payouts = new Map<string, RazorpayPayout>();
  const now = () => seconds(clock.now());

  const found = <T>(map: Map<string, T>, id: string): T => {
    const value = map.get(id);
    if (!value) throw noSuchId();
    return value;
  };

  /** POST /v1/orders */
  const createOrder = (body: Json): RazorpayOrder => {
    const known = ['amount', 'currency', 'receipt', 'notes', 'partial_payment', 'first_payment_min_amount'];
    const extra = Object.keys(body).find((key) => !known.includes(key));
    if (extra !== undefined) throw badRequest(`${extra} is/are not required and should not be sent`, extra);
    const amount = readAmount(body.amount);
    const currency = readCurrency(body.currency);
    if (body.receipt !== undefined && (typeof body.receipt !== 'string' || body.receipt.length > 40)) {
      throw badRequest('The receipt may not be greater than 40 characters.', 'receipt');
    }
    const partial = body.partial_payment;
    if (partial !== undefined && typeof partial !== 'boolean' && partial !== '0' && partial !== '1') {
      throw badRequest('The partial payment field must be true or false.', 'partial_payment');
    }
    const order = recorded<RazorpayOrder>(orderJson, {
      id: razorpayId('order'),
      amount,
      amount_due: amount,
      currency,
      receipt: (body.receipt as string | undefined) ?? null,
      notes: readNotes(body.notes),
      created_at: now(),
      ...(partial === undefined ? {} : { partial_payment: partial === true || partial === '1' }),
    });
    orders.set(order.id, order);
    return copy(order);
  };

  const addPayment = (seed: PaymentSeed): RazorpayPayment => {
    const status = seed.status ?? 'captured';
    const captured = status === 'captured';
    const fee = captured ? Math.round(seed.amount * 0.02) : null;
    const payment = recorded<RazorpayPayment>(paymentJson, {
      id: razorpayId('pay'),
      amount: seed.amount,
      currency: seed.currency ?? 'INR',
      status,
      order_id: seed.orderId ?? null,
      method: seed.method ?? 'upi',
      captured,
      vpa: (seed.method ?? 'upi') === 'upi' ? 'success@razorpay' : null,
      email: seed.email ?? 'fan@example.com',
      contact: '+919900000000',
      notes: seed.notes && Object.keys(seed.notes).length > 0 ? { ...seed.notes } : [],
      fee,
      tax: fee === null ? null : Math.round((fee * 18) / 118),
      error_code: status === 'failed' ? 'BAD_REQUEST_ERROR' : null,
      error_description: status === 'failed' ? 'Payment failed because the customer cancelled it.' : null,
      error_source: status === 'failed' ? 'customer' : null,
      error_step: status === 'failed' ? 'payment_authentication' : null,
      error_reason: status === 'failed' ? 'payment_cancelled' : null,
      acquirer_data: { rrn: captured ? String(Math.floor(Math.random() * 1e12)).padStart(12, '0') : null },
      created_at: seconds(seed.createdAt ?? clock.now()),
    });
    payments.set(payment.id, payment);
    return copy(payment);
  };

  /** The customer pays the order on the Checkout: a captured payment; the order paid once fully paid. */
  const capturePayment = (
    orderId: string,
    options: { amount?: number; currency?: string; method?: string } = {},
  ) => {
    const order = found(orders, orderId);
    const payment = addPayment({
      amount: options.amount ?? order.amount_due,
      currency: options.currency ?? order.currency,
      orderId,
      notes: Array.isArray(order.notes) ? {} : order.notes,
      ...(options.method === undefined ? {} : { method: options.method }),
    });
    order.attempts += 1;
    order.amount_paid += payment.amount;
    order.amount_due = Math.max(0, order.amount - order.amount_paid);
    order.status = order.amount_paid >= order.amount ? 'paid' : 'attempted';
    return { payment, order: copy(order) };
  };

  /** A payment attempt for the order that failed (payment.failed). */
  const failPayment = (orderId: string): RazorpayPayment => {
    const order = found(orders, orderId);
    order.attempts += 1;
    if (order.status === 'created') order.status = 'attempted';
    return addPayment({ amount: order.amount_due, currency: order.currency, orderId, status: 'failed' });
  };

  /** A refund from the dashboard (or the API): processed at once; cumulative on the payment. */
  const refundPayment = (paymentId: string, amount?: number): RazorpayRefund => {
    const payment = found(payments, paymentId);
    if (payment.status !== 'captured')
      throw new Error(`payment ${paymentId} is ${payment.status}, not captured`);
    const value = amount ?? payment.amount - payment.amount_refunded;
    if (!Number.isInteger(value) || value < 1 || payment.amount_refunded + value > payment.amount) {
      throw new Error(
        `cannot refund ${value} of payment ${paymentId} (${payment.amount_refunded} of ${payment.amount} refunded)`,
      );
    }
    payment.amount_refunded += value;
    const full = payment.amount_refunded === payment.amount;
    payment.refund_status = full ? 'full' : 'partial';
    if (full) payment.status = 'refunded';
    const refund = recorded<RazorpayRefund>(refundJson, {
      id: razorpayId('rfnd'),
      amount: value,
      currency: payment.currency,
      payment_id: paymentId,
      created_at: now(),
    });
    refunds.set(refund.id, refund);
    return copy(refund);
  };

  const disputePayment = (paymentId: string, amount?: number): RazorpayDispute => {
    const payment = found(payments, paymentId);
    const dispute = recorded<RazorpayDispute>(disputeJson, {
      id: razorpayId('disp'),
      payment_id: paymentId,
      amount: amount ?? payment.amount,
      currency: payment.currency,
      respond_by: now() + 7 * 86_400,
      created_at: now(),
    });
    disputes.set(dispute.id, dispute);
    return copy(dispute);
  };

  const resolveDispute = (id: string, outcome: 'won' | 'lost' | 'closed'): RazorpayDispute => {
    const dispute = found(disputes, id);
    dispute.status = outcome;
    dispute.amount_deducted = outcome === 'lost' ? dispute.amount : 0;
    return copy(dispute);
  };

  /** POST /v1/payouts (RazorpayX) */
  const createPayout = (body: Json): RazorpayPayout => {
    for (const field of ['account_number', 'fund_account_id', 'mode', 'purpose']) {
      if (typeof body[field] !== 'string' || body[field] === '')
        throw badRequest(`The ${field} field is required.`, field);
    }
    const amount = readAmount(body.amount);
    const currency = readCurrency(body.currency);
    if (currency !== 'INR') throw badRequest('Currency other than INR is not supported.', 'currency');
    if (!['NEFT', 'RTGS', 'IMPS', 'UPI', 'card', 'amazonpay'].includes(body.mode as string)) {
      throw badRequest('Invalid payout mode', 'mode');
    }
    const payout = recorded<RazorpayPayout>(payoutJson, {
      id: razorpayId('pout'),
      fund_account_id: body.fund_account_id as string,
      amount,
      currency,
      notes: readNotes(body.notes),
      purpose: body.purpose as string,
      mode: body.mode as string,
      reference_id: typeof body.reference_id === 'string' ? body.reference_id : null,
      narration: typeof body.narration === 'string' ? body.narration : null,
      created_at: now(),
    });
    payouts.set(payout.id, payout);
    return copy(payout);
  };

  /** The bank's verdict on a payout (or the dashboard's rejection); throws on a transition Razorpay never makes. */
  const settlePayout = (
    id: string,
    outcome: 'processed' | 'reversed' | 'failed' | 'rejected',
  ): RazorpayPayout => {
    const payout = found(payouts, id);
    if (!SETTLED[outcome].includes(payout.status))
      throw new Error(`payout ${id} is ${payout.status}; it cannot become ${outcome}`);
    payout.status = outcome;
    if (outcome === 'processed') payout.utr = razorpayId('').toUpperCase();
    payout.status_details =
      outcome === 'processed'
        ? null
        : {
            description:
              outcome === 'rejected'
                ? 'Payout rejected by the approver.'
                : 'Payout failed at the beneficiary bank.',
            source: outcome === 'rejected' ? 'business' : 'beneficiary_bank',
            reason: outcome === 'rejected' ? 'payout_rejected' : 'beneficiary_bank_failure',
          };
    return copy(payout);
  };

  const select = <T extends { created_at: number }>(
    map: Map<string, T>,
    keep: (item: T) => boolean = () => true,
  ) => [...map.values()].filter(keep);

  return {
    createOrder,
    order: (id: string) => copy(found(orders, id)),
    orderPayments: (id: string) => {
      found(orders, id);
      const items = select(payments, (payment) => payment.order_id === id).map((p) => copy(p));
      return { entity: 'collection' as const, count: items.length, items };
    },
    payments: (paging: Paging) => collection(select(payments), paging),
    payment: (id: string) => copy(found(payments, id)),
    paymentRefunds: (id: string, paging: Paging) => {
      found(payments, id);
      return collection(
        select(refunds, (refund) => refund.payment_id === id),
        paging,
      );
    },
    refunds: (paging: Paging) => collection(select(refunds), paging),
    refund: (id: string) => copy(found(refunds, id)),
    dispute: (id: string) => copy(found(disputes, id)),
    createPayout,
    payout: (id: string) => copy(found(payouts, id)),
    addPayment,
    capturePayment,
    failPayment,
    refundPayment,
    disputePayment,
    resolveDispute,
    settlePayout,
  };
}
