// Owns the Kysely row types of the tables of refunds and chargebacks (payment_reversals), the finance
// review queue of accounts frozen by a reversal (payment_reviews) and reconciliation runs and
// findings (migration 0011_payment_reversals.sql).
import type { ColumnType, Generated } from 'kysely';
import type { PaymentProvider } from './event-router.js';

type Json<T> = ColumnType<T, string, string>;

export type ReversalKind = 'refund' | 'dispute';
export type ReversalStatus = 'reversed' | 'reinstated';
export type ReviewReason = 'refund_after_spend' | 'dispute_after_spend';
export type ReviewAction = 'unfreeze' | 'keep_frozen';
export type FindingKind = 'missing_grant' | 'missing_reversal' | 'unknown_to_provider' | 'amount_mismatch';
export type FindingStatus = 'open' | 'repaired' | 'resolved';
export type FindingResolution = 'fixed_manually' | 'provider_error' | 'accepted' | 'false_positive';

export interface ReversalTables {
  payment_reversals: {
    id: string;
    provider: PaymentProvider;
    provider_reversal_id: string;
    kind: ReversalKind;
    order_id: string;
    user_id: string;
    amount: number;
    currency: string;
    credits_reversed: number;
    credits_short: number;
    /** A won dispute: credits given back (never more than credits_reversed). */
    credits_reinstated: Generated<number>;
    status: Generated<ReversalStatus>;
    dispute_status: string | null;
    reversal_transfer_id: number | null;
    reinstate_transfer_id: number | null;
    source: string;
    created_at: Date;
    reinstated_at: Date | null;
  };
  payment_reviews: {
    id: string;
    user_id: string;
    order_id: string;
    reversal_id: string;
    reason: ReviewReason;
    credits_owed: number;
    status: Generated<'open' | 'resolved'>;
    action: ReviewAction | null;
    note: string | null;
    resolved_by: string | null;
    resolved_at: Date | null;
    created_at: Date;
  };
  payment_reconciliation_runs: {
    id: string;
    trigger: 'schedule' | 'finance';
    requested_by: string | null;
    period_from: Date;
    period_to: Date;
    providers: Json<PaymentProvider[]>;
    status: 'running' | 'completed' | 'failed';
    matched: Generated<number>;
    repaired: Generated<number>;
    open: Generated<number>;
    error: string | null;
    started_at: Date;
    finished_at: Date | null;
  };
  payment_reconciliation_findings: {
    id: string;
    provider: PaymentProvider;
    kind: FindingKind;
    provider_object_id: string;
    order_id: string | null;
    status: FindingStatus;
    detail: Json<Record<string, unknown>>;
    first_run_id: string;
    last_run_id: string;
    resolution: FindingResolution | null;
    note: string | null;
    resolved_by: string | null;
    resolved_at: Date | null;
    created_at: Date;
    updated_at: Date;
  };
}
