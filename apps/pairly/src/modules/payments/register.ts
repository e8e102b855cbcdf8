// Owns assembling pairly payments (docs/payments.md): credit packs and orders through Stripe and
// Razorpay, grants from verified provider events, and the two webhook endpoints. Each provider has
// one endpoint (`/webhooks/stripe`, `/webhooks/razorpay`: the provider's signature over the raw
// body, then its exactly-once inbox) dispatching through the payments event router, on which
// purchases (purchase-events.ts) and reversals (reversals/register.ts, which also brings the review
// queue and reconciliation) claim their event types. Without a provider's
// webhook secret its endpoint answers 503 webhooks_not_configured, so the provider keeps retrying.
import {
  createWebhookInbox,
  type PlatformServer,
  razorpaySignatureScheme,
  registerWebhookEndpoint,
  stripeSignatureScheme,
} from '@app/platform';
import type { PairlyContext } from '../context.js';
import { createGrants } from './grants.js';
import { registerPurchaseEvents } from './purchase-events.js';
import { registerReversals } from './reversals/register.js';
import { registerOrderRoutes } from './routes.js';

export function registerPayments(app: PlatformServer, context: PairlyContext): void {
  const { payments, db, clock, credits } = context;
  const { settings, events } = payments;

  const { applyPaidPayment } = createGrants({ credits, clock });
  registerPurchaseEvents(payments, applyPaidPayment);
  registerOrderRoutes(app, context);
  registerReversals(app, context, applyPaidPayment);

  registerWebhookEndpoint(app, {
    path: '/webhooks/stripe',
    scheme: stripeSignatureScheme({
      secrets: settings.stripe.webhookSecrets,
      toleranceSeconds: settings.stripe.webhookToleranceSeconds,
    }),
    inbox: createWebhookInbox(db, 'stripe', clock),
    handler: events.handlerFor('stripe'),
  });
  registerWebhookEndpoint(app, {
    path: '/webhooks/razorpay',
    scheme: razorpaySignatureScheme({
      secrets: settings.razorpay.webhookSecrets,
      toleranceSeconds: settings.razorpay.webhookToleranceSeconds,
    }),
    inbox: createWebhookInbox(db, 'razorpay', clock),
    handler: events.handlerFor('razorpay'),
  });
}
