// Owns translating Stripe into hiring billing's vocabulary: a subscription object (from the API or
// an event, at the SDK's pinned API version or an older one) into a SubscriptionSnapshot, and a
// Stripe failure into an AppError. Stripe's own error messages never reach a client (they can echo
// a masked key or another account's ids): refusals carry a fixed message with Stripe's code.
import { AppError } from '@app/platform';
import Stripe from 'stripe';
import type { BillingSettings } from './settings.js';
import { type SubscriptionSnapshot, type SubscriptionStatus, TIER_NAMES, type TierName } from './types.js';

type Raw = Record<string, unknown>;

/**
 * Stripe's statuses onto ours. `incomplete_expired` (first payment never made) ended: canceled.
 * `unpaid` (retries exhausted, subscription kept open with unpaid invoices) and `paused` (trial
 * ended without a payment method) have no end and collect nothing, so they grant what
 * `incomplete` grants (nothing paid) rather than past_due's grace, which only lasts while Stripe
 * retries and then cancels. A status Stripe adds later is treated the same way.
 */
const STATUSES: Record<string, SubscriptionStatus> = {
  trialing: 'trialing',
  active: 'active',
  past_due: 'past_due',
  canceled: 'canceled',
  incomplete: 'incomplete',
  incomplete_expired: 'canceled',
  unpaid: 'incomplete',
  paused: 'incomplete',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const record = (value: unknown): Raw | null =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : null;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const instant = (value: unknown): Date | null => (typeof value === 'number' ? new Date(value * 1000) : null);
const idOf = (value: unknown): string | null => text(value) ?? text(record(value)?.id);

function malformed(field: string): Error {
  return new Error(`Stripe subscription object without ${field}`);
}

/**
 * A subscription object as a snapshot. The tier comes from the price of an item (configuration),
 * else metadata.tier; the period from that item (recent API versions) or the subscription itself
 * (versions before 2025-03-31, which events rendered at an older account version still carry).
 */
export function toSubscriptionSnapshot(
  object: Stripe.Subscription | Raw,
  priceIds: BillingSettings['priceIds'],
): SubscriptionSnapshot {
  const raw = object as Raw;
  const id = text(raw.id);
  if (!id) throw malformed('id');
  const customerId = idOf(raw.customer);
  if (!customerId) throw malformed('customer');
  const tierOfPrice = new Map<string, TierName>();
  for (const [tier, price] of Object.entries(priceIds)) if (price) tierOfPrice.set(price, tier as TierName);
  const items =
    (record(raw.items)?.data as unknown[] | undefined)?.map(record).filter((item) => item !== null) ?? [];
  const priced = items.map((item) => ({ item, tier: tierOfPrice.get(idOf(item.price) ?? '') ?? null }));
  const governing = priced.find((entry) => entry.tier !== null) ?? priced[0];
  const metadata = record(raw.metadata) ?? {};
  const metadataTier = text(metadata.tier) as TierName | null;
  const start = instant(governing?.item.current_period_start) ?? instant(raw.current_period_start);
  const end = instant(governing?.item.current_period_end) ?? instant(raw.current_period_end);
  if (!start || !end) throw malformed('a current period');
  const organisationId = text(metadata.organisation_id);
  return {
    id,
    customerId,
    organisationId: organisationId && UUID.test(organisationId) ? organisationId.toLowerCase() : null,
    tier: governing?.tier ?? (metadataTier && TIER_NAMES.includes(metadataTier) ? metadataTier : null),
    status: STATUSES[text(raw.status) ?? ''] ?? 'incomplete',
    currentPeriodStart: start,
    currentPeriodEnd: end,
    cancelAtPeriodEnd: raw.cancel_at_period_end === true,
    trialEnd: instant(raw.trial_end),
  };
}

/** Stripe's verdict that the subscription has ended (canceling it again is a no-op). */
export const hasEnded = (subscription: Stripe.Subscription): boolean =>
  subscription.status === 'canceled' || subscription.status === 'incomplete_expired';

/** Stripe refused the request as made (400/404), not a key reuse. */
export const isRefusal = (error: unknown): error is Stripe.errors.StripeInvalidRequestError =>
  error instanceof Stripe.errors.StripeInvalidRequestError;

export const isResourceMissing = (error: unknown): boolean =>
  isRefusal(error) && error.code === 'resource_missing';

export const subscriptionNotFound = () =>
  new AppError({
    kind: 'not_found',
    code: 'subscription_not_found',
    detail: 'Stripe has no such subscription.',
  });

export const subscriptionCanceled = () =>
  new AppError({
    kind: 'conflict',
    code: 'subscription_canceled',
    detail: 'This subscription has ended and cannot be resumed; start a new checkout instead.',
  });

export const tierNotPurchasable = (tier: string) =>
  new AppError({
    kind: 'invalid_input',
    code: 'tier_not_purchasable',
    detail: `The ${tier} tier has no Stripe price configured and cannot be bought.`,
    fields: [{ path: '/body/tier', message: 'no price configured for this tier' }],
  });

/**
 * A refusal of a Stripe call as the AppError the routes answer with (outages and an open circuit
 * are already 503s from the provider call guard). Errors that are not Stripe's pass through.
 */
export function toBillingError(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    return new AppError({
      kind: 'conflict',
      code: 'idempotency_key_reused',
      detail: 'This idempotency key was already used for a different billing request; use a new key.',
      cause: error,
    });
  }
  if (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  ) {
    return new AppError({
      kind: 'internal',
      code: 'payments_provider_misconfigured',
      detail: `Stripe refused this service's API key (${error.statusCode}); check STRIPE_SECRET_KEY.`,
      expose: false,
      cause: error,
    });
  }
  const reason = [
    `code ${error.code ?? error.rawType ?? 'unknown'}`,
    error.param && `parameter ${error.param}`,
  ];
  return new AppError({
    kind: 'invalid_input',
    code: 'billing_request_invalid',
    detail: `Stripe refused the request (${reason.filter(Boolean).join(', ')}).`,
    cause: error,
  });
}
