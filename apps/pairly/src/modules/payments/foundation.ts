// Owns what every money-moving pairly module shares with payments: the provider settings, the
// official Stripe and Razorpay SDK clients behind their circuit breakers, and the event router the
// two webhook endpoints dispatch through. Built once in app.ts and carried in the module context.
// Settings: settings.ts; clients and breakers: clients.ts.
import type { ServerDependencies } from '@app/platform';
import type Razorpay from 'razorpay';
import type Stripe from 'stripe';
import { createProviderGuards, createSdkClients, paymentsNotConfigured } from './clients.js';
import { createProviderEventRouter, type PaymentProvider, type ProviderEventRouter } from './event-router.js';
import { type PaymentSettings, readPaymentSettings } from './settings.js';

export interface ProviderClients {
  /** The official SDK clients; null when the provider's keys are not configured. */
  stripe: Stripe | null;
  razorpay: Razorpay | null;
  /**
   * Runs one provider call behind that provider's circuit breaker: an outage (connection failure,
   * 5xx, 429) becomes 503 payments_provider_unavailable with Retry-After; an unconfigured provider
   * is 503 payments_not_configured. Other provider refusals are mapped by the caller.
   */
  call<T>(provider: PaymentProvider, work: () => Promise<T>): Promise<T>;
}

export interface PaymentsFoundation {
  dependencies: ServerDependencies;
  /** The providers' keys, endpoints, webhook secrets and tolerances, and the allowed return origins. */
  settings: PaymentSettings;
  clients: ProviderClients;
  events: ProviderEventRouter;
}

/** Throws (the app refuses to start) when a payments setting is malformed, naming it. */
export function createPaymentsFoundation(dependencies: ServerDependencies): PaymentsFoundation {
  const settings = readPaymentSettings(dependencies.config);
  const sdk = createSdkClients(settings);
  const guards = createProviderGuards(dependencies.clock, dependencies.metrics);
  return {
    dependencies,
    settings,
    clients: {
      ...sdk,
      call(provider, work) {
        if (sdk[provider] === null) return Promise.reject(paymentsNotConfigured(provider));
        return guards[provider].run(work);
      },
    },
    events: createProviderEventRouter(),
  };
}
