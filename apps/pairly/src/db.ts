// Owns the Kysely row types of the pairly tables (migrations/), so services query them with checked
// column names. Credits are whole numbers; bigint columns arrive as numbers (the platform parses
// int8 when it is a safe integer).
import type { Database, IdentitySchema, WebhookTables } from '@app/platform';
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { ReversalTables } from './modules/payments/reversal-tables.js';
import type { PaymentTables } from './modules/payments/tables.js';
import type { PayoutTables } from './modules/payouts/tables.js';

type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null, string | null>;

export type CreditAccountKind = 'spendable' | 'earnings' | 'held' | 'system';
export type HoldStatus = 'pending' | 'captured' | 'released';

export interface CreditTables {
  credit_accounts: {
    id: string;
    owner_id: string | null;
    kind: CreditAccountKind;
    system_name: string | null;
    balance: Generated<number>;
    allow_negative: Generated<boolean>;
    frozen: Generated<boolean>;
    version: Generated<number>;
    created_at: Date;
  };
  credit_operations: {
    id: string;
    scope: string;
    idempotency_key: string;
    operation: string;
    request_hash: string;
    status: number | null;
    response: NullableJson<unknown>;
    created_at: Date;
  };
  credit_transfers: {
    id: Generated<number>;
    operation_id: string | null;
    debit_account_id: string;
    credit_account_id: string;
    amount: number;
    kind: string;
    debit_balance_after: number;
    credit_balance_after: number;
    memo: NullableJson<Record<string, unknown>>;
    created_at: Date;
  };
  credit_lots: {
    id: Generated<number>;
    account_id: string;
    transfer_id: number;
    amount: number;
    remaining: number;
    expires_at: Date;
  };
  credit_lot_draws: { lot_id: number; transfer_id: number; amount: number };
  credit_holds: {
    id: string;
    owner_id: string;
    source_account_id: string;
    held_account_id: string;
    amount: number;
    captured: Generated<number>;
    status: Generated<HoldStatus>;
    purpose: string;
    placed_by: string;
    hold_transfer_id: number;
    expires_at: Date | null;
    created_at: Date;
    resolved_at: Date | null;
  };
}

export interface PromotionTables {
  promo_codes: {
    id: string;
    code: string;
    campaign: string;
    amount: number;
    starts_at: Date;
    ends_at: Date;
    max_redemptions: number;
    per_user_limit: number;
    new_users_only: boolean;
    credit_expiry_days: number | null;
    redeemed: Generated<number>;
    disabled_at: Date | null;
    disabled_by: string | null;
    created_by: string;
    created_at: Date;
  };
  promo_code_redeemers: { code_id: string; user_id: string; redeemed: number; last_redeemed_at: Date };
  promo_campaign_redeemers: {
    campaign: string;
    user_id: string;
    first_code_id: string;
    first_redeemed_at: Date;
  };
}

export type GiftStatus = 'sent' | 'pending_review' | 'approved' | 'rejected';

export interface GiftTables {
  gifts: {
    id: string;
    sender_id: string;
    recipient_id: string;
    amount: number;
    note: string | null;
    status: GiftStatus;
    review_reasons: Json<Array<{ rule: string; outcome: string; detail: string }>>;
    operation_id: string;
    hold_transfer_id: number | null;
    delivery_transfer_id: number | null;
    created_at: Date;
    delivered_at: Date | null;
    reviewed_by: string | null;
    reviewed_at: Date | null;
    review_note: string | null;
  };
  gift_senders: { sender_id: string };
}

export interface MessagingTables {
  conversations: {
    id: string;
    /** The smaller participant id; user_b the larger. */
    user_a: string;
    user_b: string;
    created_at: Date;
    last_seq: Generated<number>;
    last_message_at: Date | null;
  };
  messages: {
    id: string;
    conversation_id: string;
    seq: number;
    sender_id: string;
    client_message_id: string;
    /** Null once unsent (a tombstone). */
    body: string | null;
    price: Generated<number>;
    charge_operation_id: string | null;
    created_at: Date;
    unsent_at: Date | null;
  };
  conversation_receipts: {
    conversation_id: string;
    user_id: string;
    delivered_seq: Generated<number>;
    read_seq: Generated<number>;
    updated_at: Date;
  };
  message_hidden: { message_id: string; user_id: string; created_at: Date };
  messaging_settings: {
    user_id: string;
    message_price: Generated<number>;
    read_receipts: Generated<boolean>;
    updated_at: Date;
  };
}

export interface SettingsTables {
  pairly_settings: { key: string; value: Json<unknown>; updated_at: Generated<Date> };
}

export type PairlySchema = CreditTables &
  PromotionTables &
  GiftTables &
  MessagingTables &
  SettingsTables &
  PaymentTables &
  ReversalTables &
  PayoutTables &
  WebhookTables &
  IdentitySchema;
export type PairlyDb = Kysely<PairlySchema>;

export function pairlyDb(db: Database): PairlyDb {
  return db.kysely as unknown as PairlyDb;
}
