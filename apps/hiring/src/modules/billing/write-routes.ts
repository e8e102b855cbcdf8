// Owns billing's Stripe-facing HTTP surface (docs/billing.md): an owner starts a Checkout, opens the
// customer portal, cancels (also at the spec's `POST /cancel-subscription`) or resumes; Stripe
// delivers events at `POST /webhooks/stripe` (signature over the raw body, exactly-once inbox);
// admins reconcile on demand at `POST /admin/billing/reconcile`. Handlers validate, call one
// service method and return what the response schema describes. Without STRIPE_SECRET_KEY every
// route that needs Stripe answers 503 billing_not_configured; when Stripe fails, 503
// payments_provider_unavailable with Retry-After and nothing changed here.
import {
  caller,
  type Identity,
  type PlatformServer,
  problemResponses,
  registerWebhookEndpoint,
  stripeSignatureScheme,
} from '@app/platform';
import type { OrganisationService } from '../organisations/service.js';
import type { Billing } from './index.js';
import { createReconciliation, registerBillingReconciliation } from './reconcile.js';
import { createSubscriptionActions } from './subscription-actions.js';
import type { LocalSubscription } from './types.js';
import { createStripeWebhooks } from './webhook-handlers.js';
import {
  CancelBody,
  CancelSubscriptionBody,
  CheckoutBody,
  CheckoutSession,
  IdempotencyHeaders,
  OrganisationParams,
  PortalBody,
  PortalSession,
  ReconciliationReport,
  SubscriptionChange,
} from './write-schemas.js';

const tags = ['billing'];
const OWNERS = 'Owners of the organisation only (recruiters and viewers: 403; non-members: 404).';
const STRIPE_DOWN =
  '503 `billing_not_configured` when this server has no Stripe key; 503 `payments_provider_unavailable` with Retry-After when Stripe cannot be reached (nothing changes here).';

const toChange = (subscription: LocalSubscription) => ({
  organisationId: subscription.organisationId,
  tier: subscription.tier,
  status: subscription.status,
  cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
  currentPeriodEnd: subscription.currentPeriodEnd.toISOString(),
  stripeSubscriptionId: subscription.stripeSubscriptionId,
});

export function registerBillingWriteRoutes(
  app: PlatformServer,
  identity: Identity,
  { billing, organisations }: { billing: Billing; organisations: OrganisationService },
): void {
  const owner = identity.requirePermission('billing:own');
  const admin = identity.requirePermission('billing:reconcile');
  const actions = createSubscriptionActions({
    billing,
    organisations,
    emailOf: async (userId) => (await identity.accounts.profile(userId)).email,
  });
  const webhooks = createStripeWebhooks(billing);
  const reconciliation = createReconciliation(billing, webhooks);
  registerBillingReconciliation(billing, reconciliation);

  app.post(
    '/organisations/:organisationId/billing/checkout',
    {
      preValidation: owner,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Start a Stripe Checkout for a paid tier',
        description: [
          OWNERS,
          'Answers the Checkout page to send the user to; the tier changes when Stripe confirms the payment (webhook). `successUrl` and `cancelUrl` must be on an allowed origin (400 `return_url_not_allowed`). 400 `tier_not_purchasable` when the tier has no Stripe price here; 409 `subscription_exists` when the organisation already pays (change the tier in the portal); 409 `idempotency_key_reused` when the Idempotency-Key was used for another request.',
          STRIPE_DOWN,
        ].join('\n\n'),
        params: OrganisationParams,
        headers: IdempotencyHeaders,
        body: CheckoutBody,
        response: { 200: CheckoutSession, ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (request) =>
      actions.checkout(
        caller(request).userId,
        request.params.organisationId,
        request.body,
        request.headers['idempotency-key'],
      ),
  );

  app.post(
    '/organisations/:organisationId/billing/portal',
    {
      preValidation: owner,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: "Open Stripe's customer portal (payment method, invoices, tier changes)",
        description: [
          OWNERS,
          '409 `no_billing_customer` when the organisation never went through a checkout. `returnUrl` must be on an allowed origin (400 `return_url_not_allowed`).',
          STRIPE_DOWN,
        ].join('\n\n'),
        params: OrganisationParams,
        body: PortalBody,
        response: { 200: PortalSession, ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (request) =>
      actions.portal(caller(request).userId, request.params.organisationId, request.body.returnUrl),
  );

  const cancelDescription = [
    OWNERS,
    'At period end by default (the tier stays until then), or now with `atPeriodEnd: false`. Cancelling again, or a subscription Stripe already ended, succeeds and answers the ended state. 409 `no_active_subscription` when the organisation never subscribed.',
    STRIPE_DOWN,
  ].join('\n\n');

  app.post(
    '/organisations/:organisationId/billing/cancel',
    {
      preValidation: owner,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: "Cancel the organisation's subscription",
        description: cancelDescription,
        params: OrganisationParams,
        headers: IdempotencyHeaders,
        body: CancelBody,
        response: { 200: SubscriptionChange, ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (request) =>
      toChange(
        await actions.cancel(
          caller(request).userId,
          request.params.organisationId,
          request.body?.atPeriodEnd ?? true,
          request.headers['idempotency-key'],
        ),
      ),
  );

  app.post(
    '/cancel-subscription',
    {
      preValidation: owner,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Cancel a subscription (the spec’s path; same as …/billing/cancel)',
        description: `${cancelDescription}\n\nWithout \`organisationId\`, the one organisation you belong to (400 \`organisation_required\` when you belong to several).`,
        headers: IdempotencyHeaders,
        body: CancelSubscriptionBody,
        response: { 200: SubscriptionChange, ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (request) => {
      const { userId } = caller(request);
      const organisationId = request.body?.organisationId ?? (await actions.soleOrganisation(userId));
      const atPeriodEnd = request.body?.atPeriodEnd ?? true;
      return toChange(
        await actions.cancel(userId, organisationId, atPeriodEnd, request.headers['idempotency-key']),
      );
    },
  );

  app.post(
    '/organisations/:organisationId/billing/resume',
    {
      preValidation: owner,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Undo a cancel at period end',
        description: [
          OWNERS,
          'Resuming a subscription that is not cancelled succeeds and changes nothing. 409 `no_active_subscription` when the organisation never subscribed; 409 `subscription_ended` when it already ended (start a new checkout).',
          STRIPE_DOWN,
        ].join('\n\n'),
        params: OrganisationParams,
        headers: IdempotencyHeaders,
        response: { 200: SubscriptionChange, ...problemResponses(400, 401, 403, 404, 409, 429, 503) },
      },
    },
    async (request) =>
      toChange(
        await actions.resume(
          caller(request).userId,
          request.params.organisationId,
          request.headers['idempotency-key'],
        ),
      ),
  );

  registerWebhookEndpoint(app, {
    path: '/webhooks/stripe',
    scheme: stripeSignatureScheme({
      secrets: billing.settings.webhookSecrets,
      toleranceSeconds: billing.settings.webhookToleranceSeconds,
    }),
    inbox: webhooks.inbox,
    handler: webhooks.handler,
  });

  app.post(
    '/admin/billing/reconcile',
    {
      preValidation: admin,
      schema: {
        tags,
        summary: 'Reconcile every subscription with Stripe now (admins)',
        description:
          'Retries the webhook events recorded as failed, then compares every Stripe subscription with the local state, repairs drift and reports each field it changed and what it could not match. The same run happens daily. 503 `billing_not_configured` without a Stripe key; 503 `payments_provider_unavailable` when Stripe cannot be reached.',
        response: { 200: ReconciliationReport, ...problemResponses(401, 403, 503) },
      },
    },
    async (request) => {
      const report = await reconciliation.run();
      await identity.audit(request, {
        action: 'billing.reconcile',
        after: {
          checked: report.checked,
          repaired: report.repaired.length,
          unresolved: report.unresolved.length,
        },
      });
      return report;
    },
  );
}
