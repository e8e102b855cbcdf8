// Owns assembling hiring billing (docs/billing.md): settings, the Stripe gateway behind its circuit
// breaker, the subscription store and usage meter, the Stripe webhook inbox and handler, the
// reconciliation job, and the routes. Other hiring modules take `usage` (period quotas) from here.
import {
  createWebhookInbox,
  type Identity,
  type PlatformServer,
  type ServerDependencies,
  type WebhookInbox,
} from '@app/platform';
import type { OrganisationService } from '../organisations/service.js';
import { registerBillingReadRoutes } from './read-routes.js';
import { type BillingSettings, readBillingSettings } from './settings.js';
import { createStripeGateway } from './stripe-gateway.js';
import { createSubscriptionStore } from './subscriptions.js';
import type { BillingGateway, SubscriptionStore, UsageMeter } from './types.js';
import { createUsageMeter } from './usage.js';
import { registerBillingWriteRoutes } from './write-routes.js';

export interface Billing {
  dependencies: ServerDependencies;
  settings: BillingSettings;
  /** null when STRIPE_SECRET_KEY is not set: Stripe-facing routes answer 503 billing_not_configured. */
  gateway: BillingGateway | null;
  store: SubscriptionStore;
  usage: UsageMeter;
  inbox: WebhookInbox;
}

export function createBilling(dependencies: ServerDependencies): Billing {
  const { config, db, kv, clock, metrics } = dependencies;
  const settings = readBillingSettings(config);
  const store = createSubscriptionStore({ db, kv, clock });
  return {
    dependencies,
    settings,
    gateway: createStripeGateway({ settings, clock, ...(metrics && { metrics }) }),
    store,
    usage: createUsageMeter({ db, clock, store }),
    inbox: createWebhookInbox(db, 'stripe', clock),
  };
}

export function registerBillingRoutes(
  app: PlatformServer,
  identity: Identity,
  billing: Billing,
  organisations: OrganisationService,
): void {
  registerBillingReadRoutes(app, identity, { store: billing.store, usage: billing.usage, organisations });
  registerBillingWriteRoutes(app, identity, { billing, organisations });
}
