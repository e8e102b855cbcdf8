// Owns the Kysely row types of the payment orders table (migration 0010_payment_orders.sql), so the
// order repository queries it with checked column names. Amounts are minor units; credits whole.
import type { Generated, Selectable } from 'kysely';
import type { OrderStatus, PaymentCurrency, PaymentProvider } from './types.js';

export interface PaymentOrderRow {
  id: string;
  user_id: string;
  pack_id: string;
  credits: number;
  amount: number;
  currency: PaymentCurrency;
  provider: PaymentProvider;
  status: OrderStatus;
  provider_order_id: string | null;
  provider_payment_id: string | null;
  checkout_url: string | null;
  success_url: string | null;
  cancel_url: string | null;
  idempotency_key: string;
  request_hash: string;
  credits_granted: Generated<number>;
  review_reason: string | null;
  callback_verified_at: Date | null;
  created_at: Date;
  updated_at: Date;
  paid_at: Date | null;
}

export interface PaymentTables {
  payment_orders: PaymentOrderRow;
}

/** A row as selected (generated columns are plain values). */
export type StoredOrder = Selectable<PaymentOrderRow>;
