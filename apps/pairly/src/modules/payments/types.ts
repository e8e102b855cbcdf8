// Owns the vocabulary pairly payments share between purchases (orders and grants), reversals
// (refunds and chargebacks) and reconciliation: providers, orders and their states, and a payment as
// a provider reports it. Nothing in here touches the database.
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';
import type { PaymentProvider } from './event-router.js';

export type { PaymentProvider };

/** ISO 4217, upper case. INR through Razorpay; USD, EUR and GBP through Stripe. */
export type PaymentCurrency = 'INR' | 'USD' | 'EUR' | 'GBP';

/**
 * created → paid (credits granted) → partially_refunded | refunded | disputed (and back from
 * disputed when won); created → failed | expired; paid with the wrong amount or currency → review.
 */
export type OrderStatus =
  | 'created'
  | 'paid'
  | 'partially_refunded'
  | 'refunded'
  | 'disputed'
  | 'failed'
  | 'expired'
  | 'review';

export interface PaymentOrder {
  id: string;
  userId: string;
  packId: string;
  credits: number;
  /** Minor units of `currency`. */
  amount: number;
  currency: PaymentCurrency;
  provider: PaymentProvider;
  /** Stripe Checkout Session id or Razorpay order id. */
  providerOrderId: string | null;
  /** Stripe PaymentIntent id or Razorpay payment id, once paid. */
  providerPaymentId: string | null;
  status: OrderStatus;
  /** Credits granted by this order (0 until paid). */
  creditsGranted: number;
  createdAt: Date;
  paidAt: Date | null;
}

/** A successful payment as the provider reports it (a verified event, or a reconciliation listing). */
export interface ProviderPayment {
  provider: PaymentProvider;
  /** Stripe PaymentIntent id / Razorpay payment id. */
  paymentId: string;
  /** Stripe Checkout Session id / Razorpay order id, when known. */
  providerOrderId: string | null;
  /** Our order id when the provider echoes it (metadata / notes / receipt), else null. */
  orderId: string | null;
  amount: number;
  currency: string;
}

export type GrantOutcome =
  | { outcome: 'granted'; order: PaymentOrder }
  | { outcome: 'already_granted'; order: PaymentOrder }
  /** Amount or currency differ from the order: nothing granted, the order goes to review. */
  | { outcome: 'mismatch'; order: PaymentOrder }
  /** No order of ours matches the payment. */
  | { outcome: 'unknown_order' };

/**
 * The one path credits are granted by (purchases' webhook handlers and reconciliation's repair):
 * exactly once per provider payment, in the caller's transaction. Built by payments/grants.ts.
 */
export type ApplyPaidPayment = (
  trx: Transaction<PairlySchema>,
  payment: ProviderPayment,
) => Promise<GrantOutcome>;
