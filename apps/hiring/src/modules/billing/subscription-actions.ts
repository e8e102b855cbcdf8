// Owns what an organisation's owner does to its subscription through Stripe: start a Checkout for a
// paid tier, open the customer portal, cancel (at period end or now) and resume. Rules, no HTTP:
// owners only (404 to non-members), return URLs only on the configured origins (no open
// redirects), one Stripe idempotency key per attempt (the client's Idempotency-Key when given), one
// Stripe customer per organisation, created and stored before its first checkout, so two checkouts
// (two tabs, a retry) cannot make two customers each with a live subscription. The
// snapshot Stripe answers a cancel or resume with is applied locally at once, so the owner sees the
// change before the webhook arrives; when Stripe fails nothing local changes (the gateway's 503
// with Retry-After reaches the client as it is). Input and local state are checked before asking
// whether Stripe is configured at all, so a request that could never succeed says why.
import { randomUUID } from 'node:crypto';
import { AppError, type Database, withTransaction } from '@app/platform';
import type { HiringSchema } from '../../db.js';
import type { OrganisationService } from '../organisations/service.js';
import type { Billing } from './index.js';
import { tierNotPurchasable } from './stripe-mapping.js';
import type { BillingGateway, LocalSubscription, SubscriptionSnapshot } from './types.js';
import type { CheckoutInput } from './write-schemas.js';

export interface SubscriptionActionsDependencies {
  billing: Billing;
  organisations: OrganisationService;
  /** The caller's e-mail, given to the organisation's Stripe customer when it is created. */
  emailOf: (userId: string) => Promise<string | null>;
}

const conflict = (code: string, detail: string) => new AppError({ kind: 'conflict', code, detail });

export function createSubscriptionActions({
  billing,
  organisations,
  emailOf,
}: SubscriptionActionsDependencies) {
  const { settings, store, dependencies } = billing;
  const { clock } = dependencies;
  const db = dependencies.db as Database<HiringSchema>;

  function gateway(): BillingGateway {
    if (billing.gateway) return billing.gateway;
    throw new AppError({
      kind: 'unavailable',
      code: 'billing_not_configured',
      detail: 'Paid plans are not available on this server (Stripe is not configured).',
    });
  }

  function requireAllowedReturn(url: string, field: string): void {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      origin = 'null';
    }
    if (!settings.returnOrigins.includes(origin)) {
      throw new AppError({
        kind: 'invalid_input',
        code: 'return_url_not_allowed',
        detail:
          settings.returnOrigins.length === 0
            ? `${field} cannot be accepted: no return origin is configured (set BILLING_RETURN_ORIGINS or CORS_ORIGINS).`
            : `${field} must be on one of this service's own origins: ${settings.returnOrigins.join(', ')}.`,
        fields: [{ path: `/body/${field}`, message: 'origin not allowed' }],
      });
    }
  }

  /** Stripe keys are account-wide: the organisation and action scope a client's key. */
  const idempotencyKey = (action: string, organisationId: string, clientKey: string | undefined) =>
    `${action}:${organisationId}:${clientKey ?? randomUUID()}`;

  async function ownerSubscription(userId: string, organisationId: string): Promise<LocalSubscription> {
    await organisations.requireRight(userId, organisationId, 'manage');
    return store.get(organisationId);
  }

  function requireSubscription(local: LocalSubscription): string {
    if (local.stripeSubscriptionId) return local.stripeSubscriptionId;
    throw conflict('no_active_subscription', 'This organisation has no paid subscription.');
  }

  /** The organisation's one Stripe customer: the stored one, else created (idempotently) and stored. */
  async function customerOf(userId: string, local: LocalSubscription): Promise<string> {
    if (local.stripeCustomerId) return local.stripeCustomerId;
    const { organisationId } = local;
    const created = await gateway().createCustomer({
      organisationId,
      email: await emailOf(userId),
      idempotencyKey: `customer:${organisationId}`,
    });
    const stored = await store.setCustomer(null, organisationId, created.id);
    await store.invalidate(organisationId);
    if (stored) return created.id;
    // Another request stored a customer first (the idempotency key has expired since): use that one.
    const current = await store.get(organisationId);
    return current.stripeCustomerId ?? created.id;
  }

  async function applyNow(
    organisationId: string,
    snapshot: SubscriptionSnapshot,
  ): Promise<LocalSubscription> {
    const observedAt = clock.now();
    await withTransaction(db, (trx) => store.apply(trx, organisationId, snapshot, observedAt));
    await store.invalidate(organisationId);
    return store.get(organisationId);
  }

  return {
    async checkout(userId: string, organisationId: string, input: CheckoutInput, clientKey?: string) {
      const local = await ownerSubscription(userId, organisationId);
      requireAllowedReturn(input.successUrl, 'successUrl');
      requireAllowedReturn(input.cancelUrl, 'cancelUrl');
      if (local.stripeSubscriptionId && local.status !== 'canceled' && local.status !== 'incomplete') {
        throw conflict(
          'subscription_exists',
          'This organisation already has a subscription; change its tier in the customer portal.',
        );
      }
      const stripe = gateway();
      // Before a customer is created for nothing.
      if (!settings.priceIds[input.tier]) throw tierNotPurchasable(input.tier);
      const session = await stripe.createCheckoutSession({
        organisationId,
        tier: input.tier,
        customerId: await customerOf(userId, local),
        successUrl: input.successUrl,
        cancelUrl: input.cancelUrl,
        idempotencyKey: idempotencyKey('checkout', organisationId, clientKey),
      });
      return { url: session.url, sessionId: session.id };
    },

    async portal(userId: string, organisationId: string, returnUrl: string) {
      const local = await ownerSubscription(userId, organisationId);
      requireAllowedReturn(returnUrl, 'returnUrl');
      if (!local.stripeCustomerId) {
        throw conflict(
          'no_billing_customer',
          'This organisation has never subscribed: start with a checkout.',
        );
      }
      return gateway().createPortalSession({ customerId: local.stripeCustomerId, returnUrl });
    },

    /** Cancelling a subscription Stripe already ended is a success: the ended state is applied. */
    async cancel(userId: string, organisationId: string, atPeriodEnd: boolean, clientKey?: string) {
      const local = await ownerSubscription(userId, organisationId);
      const subscriptionId = requireSubscription(local);
      const key = idempotencyKey(`cancel-${atPeriodEnd ? 'period-end' : 'now'}`, organisationId, clientKey);
      return applyNow(
        organisationId,
        await gateway().cancel(subscriptionId, { atPeriodEnd, idempotencyKey: key }),
      );
    },

    async resume(userId: string, organisationId: string, clientKey?: string) {
      const local = await ownerSubscription(userId, organisationId);
      const subscriptionId = requireSubscription(local);
      if (local.status === 'canceled') {
        throw conflict('subscription_ended', 'This subscription has ended; start a new one with a checkout.');
      }
      const key = idempotencyKey('resume', organisationId, clientKey);
      return applyNow(organisationId, await gateway().resume(subscriptionId, key));
    },

    /** The organisation `/cancel-subscription` means when the body names none: the caller's only one. */
    async soleOrganisation(userId: string): Promise<string> {
      const mine = await organisations.listMine(userId);
      const [only] = mine;
      if (mine.length === 1 && only) return only.id;
      if (mine.length === 0) {
        throw new AppError({
          kind: 'not_found',
          code: 'organisation_not_found',
          detail: 'You have no organisation.',
        });
      }
      throw new AppError({
        kind: 'invalid_input',
        code: 'organisation_required',
        detail: 'You belong to several organisations: name one in organisationId.',
        fields: [
          { path: '/body/organisationId', message: 'required when you belong to several organisations' },
        ],
      });
    },
  };
}

export type SubscriptionActions = ReturnType<typeof createSubscriptionActions>;
