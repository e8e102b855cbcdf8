// Owns the tier catalogue (docs/billing.md), the one place tiers are declared: the features each
// tier grants and its quotas, per billing period (AI assessments, invitations) or held at once
// (published jobs, seats); null means unlimited. Also owns the rules derived from it: which tier a
// subscription in a given status actually gets, and the free tier's billing period.
import type {
  ConcurrentMetric,
  Feature,
  LocalSubscription,
  Metric,
  PeriodMetric,
  SubscriptionStatus,
  TierName,
} from './types.js';

export interface Tier {
  name: TierName;
  features: readonly Feature[];
  /** Per metric; null = unlimited. */
  quotas: Record<Metric, number | null>;
}

export const PERIOD_METRICS: readonly PeriodMetric[] = ['ai_assessments', 'invitations'];
export const CONCURRENT_METRICS: readonly ConcurrentMetric[] = ['job_postings', 'seats'];
export const METRICS: readonly Metric[] = [...PERIOD_METRICS, ...CONCURRENT_METRICS];
export const FEATURES: readonly Feature[] = [
  'ai_assessments',
  'invitations',
  'job_postings',
  'seats',
  'candidate_ranking',
  'job_board_ingestion',
  'custom_branding',
  'sso',
];

// Ranking and job-board ingestion were open to every organisation before tiers existed, and stay so:
// tiers differ by quotas and by the features built for paying customers (branding, SSO).
const core: readonly Feature[] = [
  'ai_assessments',
  'invitations',
  'job_postings',
  'seats',
  'candidate_ranking',
  'job_board_ingestion',
];

export const TIERS: Readonly<Record<TierName, Tier>> = {
  free: {
    name: 'free',
    features: core,
    quotas: { ai_assessments: 10, invitations: 25, job_postings: 3, seats: 3 },
  },
  starter: {
    name: 'starter',
    features: core,
    quotas: { ai_assessments: 100, invitations: 250, job_postings: 10, seats: 5 },
  },
  pro: {
    name: 'pro',
    features: [...core, 'custom_branding'],
    quotas: { ai_assessments: 1000, invitations: 2500, job_postings: 50, seats: 25 },
  },
  enterprise: {
    name: 'enterprise',
    features: FEATURES,
    quotas: { ai_assessments: null, invitations: null, job_postings: null, seats: null },
  },
};

export function isMetric(feature: Feature): feature is Metric {
  return (METRICS as readonly string[]).includes(feature);
}

export function isPeriodMetric(metric: Metric): metric is PeriodMetric {
  return (PERIOD_METRICS as readonly string[]).includes(metric);
}

/** Statuses that keep no paid tier: a canceled subscription, or one whose first payment never succeeded. */
export const UNPAID_STATUSES: readonly SubscriptionStatus[] = ['canceled', 'incomplete'];

/**
 * The tier a subscription actually grants: free once canceled or while incomplete; past_due keeps
 * the paid tier (Stripe retries the payment during its dunning period, and then cancels).
 */
export function effectiveTier(subscription: { tier: TierName; status: SubscriptionStatus }): TierName {
  return UNPAID_STATUSES.includes(subscription.status) ? 'free' : subscription.tier;
}

export function quotaOf(tier: TierName, metric: Metric): number | null {
  return TIERS[tier].quotas[metric];
}

/** The free tier's billing period: the UTC calendar month holding `now`. */
export function calendarMonth(now: Date): { start: Date; end: Date } {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return { start: new Date(Date.UTC(year, month, 1)), end: new Date(Date.UTC(year, month + 1, 1)) };
}

/**
 * The period usage is counted in: the subscription's own while it grants a paid tier, else the
 * calendar month. A paid period whose end passed before Stripe's renewal arrived stays in use until
 * the renewal (or reconciliation) applies the next one.
 */
export function usagePeriod(subscription: LocalSubscription, now: Date): { start: Date; end: Date } {
  if (effectiveTier(subscription) === 'free') return calendarMonth(now);
  return { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd };
}
