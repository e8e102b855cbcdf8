// Owns the Kysely row types of the payouts tables (migrations/0012_payouts.sql): a creator's payout
// destinations and payout requests. Amounts are whole credits and minor units (bigint as numbers).
import type { Generated } from 'kysely';

export type PayoutStatus =
  | 'requested'
  | 'approved'
  | 'processing'
  | 'paid'
  | 'failed'
  | 'rejected'
  | 'canceled';
export type PayoutProviderName = 'manual' | 'stripe' | 'razorpay';
export type DestinationProvider = Exclude<PayoutProviderName, 'manual'>;

export interface PayoutRow {
  id: string;
  creator_id: string;
  credits: number;
  amount: number;
  currency: string;
  rate: number;
  provider: PayoutProviderName;
  destination_account_id: string | null;
  hold_id: string;
  status: PayoutStatus;
  provider_payout_id: string | null;
  failure_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  settled_by: string | null;
  reference: string | null;
  note: string | null;
  send_attempts: Generated<number>;
  last_send_error: string | null;
  /** While a send is in flight: until when it holds the payout (0013_payout_send_claim.sql). */
  send_claimed_until: Date | null;
  late_outcome: 'paid' | 'failed' | null;
  late_reason: string | null;
  requested_at: Date;
  updated_at: Date;
  settled_at: Date | null;
}

export interface PayoutTables {
  payout_destinations: {
    creator_id: string;
    provider: DestinationProvider;
    account_id: string;
    updated_at: Date;
  };
  payouts: PayoutRow;
}
