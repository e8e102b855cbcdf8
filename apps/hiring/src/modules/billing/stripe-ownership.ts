// Owns deciding which organisation a Stripe subscription belongs to (docs/billing.md, "Whose
// subscription"): our own mappings first (the row naming the subscription, then the row naming its
// customer), then metadata.organisation_id, which only our Checkout sets (a Payment Link, a pricing
// table or a buyer cannot). client_reference_id is never trusted: anyone can put any id in it.
// When the sources disagree, or after the store refused a state because the organisation has
// another customer or another live subscription, the answer is a conflict for a person, with the
// ids involved: never applied, never guessed.

import { UNPAID_STATUSES } from './tiers.js';
import type { HiringTrx, SubscriptionSnapshot, SubscriptionStore } from './types.js';

/** What Stripe says a subscription is and whom it names. */
export interface StripeParties {
  subscriptionId: string | null;
  customerId: string | null;
  /** metadata.organisation_id, already checked to be one of our ids. */
  metadataOrganisation: string | null;
}

export type Ownership = { organisationId: string } | { unresolved: string };

/** A subscription that grants a paid tier (trialing, active, past_due): a second one is a double charge. */
export const isLive = (status: SubscriptionSnapshot['status']) => !UNPAID_STATUSES.includes(status);

export async function ownerOf(
  store: SubscriptionStore,
  trx: HiringTrx | null,
  parties: StripeParties,
): Promise<Ownership> {
  const { subscriptionId, customerId, metadataOrganisation } = parties;
  const bySubscription = subscriptionId ? await store.findByStripeSubscription(trx, subscriptionId) : null;
  const byCustomer = customerId ? await store.findByStripeCustomer(trx, customerId) : null;
  const claims: [string, string | null | undefined][] = [
    [`subscription ${subscriptionId}`, bySubscription?.organisationId],
    [`customer ${customerId}`, byCustomer?.organisationId],
    ['metadata.organisation_id', metadataOrganisation],
  ];
  const named = claims.filter((claim): claim is [string, string] => typeof claim[1] === 'string');
  const [first] = named;
  if (!first) {
    return {
      unresolved: `no organisation for subscription ${subscriptionId ?? '(none)'}: no local mapping of it or of customer ${customerId ?? '(none)'}, and no metadata.organisation_id`,
    };
  }
  if (named.some(([, organisationId]) => organisationId !== first[1])) {
    const who = named.map(([source, organisationId]) => `${source} → organisation ${organisationId}`);
    return { unresolved: `conflict: ${who.join(', ')}` };
  }
  return { organisationId: first[1] };
}

/**
 * Why the store refused `snapshot` for the organisation, when it is a conflict rather than an older
 * state (null): another customer of record, or another live subscription beside this live one.
 */
export async function refusalConflict(
  trx: HiringTrx,
  organisationId: string,
  snapshot: SubscriptionSnapshot,
): Promise<string | null> {
  const stored = await trx
    .selectFrom('hiring_subscriptions')
    .select(['stripe_customer_id', 'stripe_subscription_id', 'status'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!stored) return null;
  if (stored.stripe_customer_id !== null && stored.stripe_customer_id !== snapshot.customerId) {
    return `conflict: organisation ${organisationId} has customer ${stored.stripe_customer_id}, subscription ${snapshot.id} belongs to customer ${snapshot.customerId}`;
  }
  const other = stored.stripe_subscription_id;
  if (other !== null && other !== snapshot.id && isLive(stored.status) && isLive(snapshot.status)) {
    return `several live subscriptions: organisation ${organisationId} has ${other} and ${snapshot.id}; cancel and refund one`;
  }
  return null;
}
