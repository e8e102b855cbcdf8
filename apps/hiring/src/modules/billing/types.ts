// Owns the contracts between the parts of hiring billing: the tier catalogue's vocabulary, the
// local subscription state an organisation has, Stripe's view of a subscription (a snapshot the
// gateway reads and webhooks carry), the gateway to Stripe, and the store that keeps local state and
// per-period usage. Implementations: tiers.ts, subscriptions.ts, usage.ts, stripe-gateway.ts,
// webhook-handlers.ts, reconcile.ts (docs/billing.md).
import type { Transaction } from 'kysely';
import type { HiringSchema } from '../../db.js';

export type TierName = 'free' | 'starter' | 'pro' | 'enterprise';
export const TIER_NAMES: readonly TierName[] = ['free', 'starter', 'pro', 'enterprise'];

/** Stripe's subscription statuses we keep; `incomplete_expired` maps to canceled, `unpaid` and `paused` to incomplete (no paid tier). */
export type SubscriptionStatus = 'trialing' | 'active' | 'past_due' | 'canceled' | 'incomplete';

/** Counted per billing period (reset at each period start, history kept). */
export type PeriodMetric = 'ai_assessments' | 'invitations';
/** Counted as what is held at once (published jobs, members). */
export type ConcurrentMetric = 'job_postings' | 'seats';
export type Metric = PeriodMetric | ConcurrentMetric;

/** Features a tier grants; metered ones also have a quota (Metric of the same name). */
export type Feature =
  | 'ai_assessments'
  | 'invitations'
  | 'job_postings'
  | 'seats'
  | 'candidate_ranking'
  | 'job_board_ingestion'
  | 'custom_branding'
  | 'sso';

/** The organisation's subscription as this service knows it (one row per organisation). */
export interface LocalSubscription {
  organisationId: string;
  tier: TierName;
  status: SubscriptionStatus;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  trialEnd: Date | null;
  /** Stripe's time of the state last applied (event `created`, or when it was fetched): older states never overwrite it. */
  stateAt: Date | null;
}

/** Stripe's view of one subscription, from the API or an event's object, already mapped. */
export interface SubscriptionSnapshot {
  id: string;
  customerId: string;
  /** From metadata.organisation_id (set at checkout); null when Stripe has none (foreign subscription). */
  organisationId: string | null;
  /** From the price id (configuration), else metadata.tier; null when neither names a tier. */
  tier: TierName | null;
  status: SubscriptionStatus;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  cancelAtPeriodEnd: boolean;
  trialEnd: Date | null;
}

/** Every Stripe call the service makes. Failures are AppErrors: unavailable (503 + Retry-After, breaker), not_found, invalid_input. */
export interface BillingGateway {
  /**
   * The organisation's Stripe customer, created once before its first checkout (metadata
   * organisation_id), so that every checkout of the organisation uses that one customer.
   */
  createCustomer(input: {
    organisationId: string;
    email: string | null;
    /** `customer:<organisation>`: concurrent first checkouts get the same customer from Stripe. */
    idempotencyKey: string;
  }): Promise<{ id: string }>;
  createCheckoutSession(input: {
    organisationId: string;
    tier: Exclude<TierName, 'free'>;
    /** The organisation's own customer (createCustomer), never a new one per session. */
    customerId: string;
    successUrl: string;
    cancelUrl: string;
    /** One per attempt: a retried attempt returns Stripe's first answer. */
    idempotencyKey: string;
  }): Promise<{ id: string; url: string }>;
  createPortalSession(input: { customerId: string; returnUrl: string }): Promise<{ url: string }>;
  /** Cancels at period end, or at once. Already canceled at Stripe resolves with the canceled snapshot. */
  cancel(
    subscriptionId: string,
    input: { atPeriodEnd: boolean; idempotencyKey: string },
  ): Promise<SubscriptionSnapshot>;
  /** Undoes a cancel-at-period-end. */
  resume(subscriptionId: string, idempotencyKey: string): Promise<SubscriptionSnapshot>;
  /** null when Stripe does not know it. */
  retrieveSubscription(subscriptionId: string): Promise<SubscriptionSnapshot | null>;
  /** Every subscription of the account, paged by the SDK (reconciliation). */
  listSubscriptions(): AsyncIterable<SubscriptionSnapshot>;
  /** The breaker's state, for metrics and docs. */
  breakerState(): 'closed' | 'open' | 'half_open';
}

export type HiringTrx = Transaction<HiringSchema>;

export interface SubscriptionStore {
  /**
   * The organisation's subscription; a free one (calendar-month period) when it never subscribed.
   * Served from a short-lived KV cache (seconds) that invalidate() clears.
   */
  get(organisationId: string): Promise<LocalSubscription>;
  /** Drops the cached state; called after a transaction that applied a new state has committed. */
  invalidate(organisationId: string): Promise<void>;
  /** By Stripe subscription id; null when none is ours. */
  findByStripeSubscription(trx: HiringTrx | null, subscriptionId: string): Promise<LocalSubscription | null>;
  /** By Stripe customer id; null when none is ours. */
  findByStripeCustomer(trx: HiringTrx | null, customerId: string): Promise<LocalSubscription | null>;
  /**
   * Remembers the Stripe customer of an organisation, keeping the rest. False (nothing written)
   * when the organisation already has another customer: it is never replaced.
   */
  setCustomer(trx: HiringTrx | null, organisationId: string, customerId: string): Promise<boolean>;
  /**
   * Applies Stripe's state `snapshot`, seen at `observedAt`, with one conditional write: not
   * written (false) when the stored state is newer, when the organisation has another Stripe
   * customer than the snapshot's, or when it has another subscription that is live (whoever calls
   * tells a conflict from a stale state by reading the row back). Sets the tier's concurrent limits
   * (job_postings_limit) in the same transaction; never deletes anything.
   */
  apply(
    trx: HiringTrx,
    organisationId: string,
    snapshot: SubscriptionSnapshot,
    observedAt: Date,
  ): Promise<boolean>;
}

export interface ConsumeResult {
  allowed: boolean;
  used: number;
  /** null = unlimited. */
  limit: number | null;
  /** The period the amount was counted in: what release() must be given back. */
  periodStart: Date;
  periodEnd: Date;
}

export interface UsageMeter {
  /** Takes `amount` of a period metric atomically (one conditional statement); refused when it would pass the limit. */
  consume(organisationId: string, metric: PeriodMetric, amount?: number): Promise<ConsumeResult>;
  /**
   * Gives back what a failed action took in the period consume() answered (`periodStart`), never in
   * another one: a boundary or a renewal between the two must not refund the new period. Never below zero.
   */
  release(organisationId: string, metric: PeriodMetric, periodStart: Date, amount?: number): Promise<void>;
  /** Usage and limit of every metric in the current period. */
  usage(organisationId: string): Promise<Record<Metric, { used: number; limit: number | null }>>;
}
