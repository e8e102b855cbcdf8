// Owns every call hiring billing makes to Stripe, through the official SDK (docs/billing.md). Each
// HTTP call goes through the platform's provider call guard named "stripe" (a circuit breaker,
// net/provider-calls.ts), which is also the whole retry policy
// (the SDK's own retries are off): after 5 consecutive outages (connection failures, 5xx, 429)
// calls fail fast for 30 s with 503 payments_provider_unavailable and Retry-After, then one trial
// call decides. Its state is the gauge stripe_circuit_state (0 closed, 1 half-open, 2 open). A
// failed call changes nothing here and says so; cancel is idempotent (a subscription Stripe has
// already ended resolves with its ended snapshot). Mapping to our vocabulary: stripe-mapping.ts.
import {
  type AppMetrics,
  type Clock,
  createProviderCallGuard,
  isStripeOutage,
  stripeClientConfig,
} from '@app/platform';
import Stripe from 'stripe';
import type { BillingSettings } from './settings.js';
import {
  hasEnded,
  isRefusal,
  isResourceMissing,
  subscriptionCanceled,
  subscriptionNotFound,
  tierNotPurchasable,
  toBillingError,
  toSubscriptionSnapshot,
} from './stripe-mapping.js';
import type { BillingGateway } from './types.js';

export { toSubscriptionSnapshot } from './stripe-mapping.js';

/** Subscriptions per page when listing them all (Stripe's maximum). */
const PAGE_SIZE = 100;

/** null when STRIPE_SECRET_KEY is not set. */
export function createStripeGateway(input: {
  settings: BillingSettings;
  clock: Clock;
  metrics?: AppMetrics;
}): BillingGateway | null {
  const { settings, clock, metrics } = input;
  if (settings.stripeSecretKey === null) return null;
  const stripe = new Stripe(settings.stripeSecretKey, stripeClientConfig(settings.apiUrl));
  // Outages answer 503 payments_provider_unavailable (with Retry-After) from the guard itself.
  const guard = createProviderCallGuard({
    name: 'stripe',
    displayName: 'Stripe',
    clock,
    isOutage: isStripeOutage,
    ...(metrics && { metrics }),
  });
  const snapshot = (subscription: Stripe.Subscription) =>
    toSubscriptionSnapshot(subscription, settings.priceIds);

  /**
   * One Stripe call through the breaker. `recover` may turn a Stripe error into an answer (or a
   * more precise error) by returning a promise; otherwise the error is mapped (stripe-mapping.ts).
   */
  async function call<T>(
    work: () => Promise<T>,
    recover?: (error: unknown) => Promise<T> | null,
  ): Promise<T> {
    try {
      return await guard.run(work);
    } catch (error) {
      const recovered = recover?.(error);
      if (recovered) return recovered;
      throw toBillingError(error);
    }
  }

  const retrieve = (subscriptionId: string) =>
    call<Stripe.Subscription | null>(
      () => stripe.subscriptions.retrieve(subscriptionId),
      (error) => (isResourceMissing(error) ? Promise.resolve(null) : null),
    );

  /**
   * After Stripe refused a cancel or resume: an unknown subscription is not_found; an ended one
   * is `ended(subscription)`; anything else is the refusal itself.
   */
  async function explainRefusal(
    subscriptionId: string,
    refusal: unknown,
    ended: (subscription: Stripe.Subscription) => Stripe.Subscription,
  ): Promise<Stripe.Subscription> {
    const current = await retrieve(subscriptionId);
    if (!current) throw subscriptionNotFound();
    if (hasEnded(current)) return ended(current);
    throw toBillingError(refusal);
  }

  return {
    async createCustomer(request) {
      const customer = await call(() =>
        stripe.customers.create(
          {
            ...(request.email && { email: request.email }),
            metadata: { organisation_id: request.organisationId },
          },
          { idempotencyKey: request.idempotencyKey },
        ),
      );
      return { id: customer.id };
    },

    async createCheckoutSession(request) {
      const price = settings.priceIds[request.tier];
      if (!price) throw tierNotPurchasable(request.tier);
      const metadata = { organisation_id: request.organisationId, tier: request.tier };
      const session = await call(() =>
        stripe.checkout.sessions.create(
          {
            mode: 'subscription',
            line_items: [{ price, quantity: 1 }],
            client_reference_id: request.organisationId,
            metadata,
            subscription_data: { metadata },
            customer: request.customerId,
            success_url: request.successUrl,
            cancel_url: request.cancelUrl,
          },
          { idempotencyKey: request.idempotencyKey },
        ),
      );
      if (!session.url) throw new Error(`Stripe created Checkout Session ${session.id} without a URL`);
      return { id: session.id, url: session.url };
    },

    async createPortalSession(request) {
      const session = await call(() =>
        stripe.billingPortal.sessions.create({ customer: request.customerId, return_url: request.returnUrl }),
      );
      return { url: session.url };
    },

    async cancel(subscriptionId, { atPeriodEnd, idempotencyKey }) {
      const options = { idempotencyKey };
      const subscription = await call(
        () =>
          atPeriodEnd
            ? stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true }, options)
            : stripe.subscriptions.cancel(subscriptionId, {}, options),
        // Stripe answers "no such subscription" (DELETE) or a 400 (update) for one it already ended.
        (error) => (isRefusal(error) ? explainRefusal(subscriptionId, error, (ended) => ended) : null),
      );
      return snapshot(subscription);
    },

    async resume(subscriptionId, idempotencyKey) {
      const subscription = await call(
        () =>
          stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false }, { idempotencyKey }),
        (error) =>
          isRefusal(error)
            ? explainRefusal(subscriptionId, error, () => {
                throw subscriptionCanceled();
              })
            : null,
      );
      return snapshot(subscription);
    },

    async retrieveSubscription(subscriptionId) {
      const subscription = await retrieve(subscriptionId);
      return subscription && snapshot(subscription);
    },

    /** Pages by hand (starting_after) so that every page's request goes through the breaker. */
    async *listSubscriptions() {
      let startingAfter: string | undefined;
      for (;;) {
        const after = startingAfter;
        const page = await call(() =>
          stripe.subscriptions.list({
            status: 'all',
            limit: PAGE_SIZE,
            ...(after === undefined ? {} : { starting_after: after }),
          }),
        );
        for (const subscription of page.data) yield snapshot(subscription);
        startingAfter = page.data.at(-1)?.id;
        if (!page.has_more || startingAfter === undefined) return;
      }
    },

    breakerState: () => guard.state(),
  };
}
