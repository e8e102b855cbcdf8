// Owns the official SDK clients pairly calls Stripe and Razorpay through, and the one rule every
// call follows: it runs behind its provider's call guard (platform net/provider-calls.ts), whose
// circuit breaker is also the whole retry policy (the SDKs' own retries are off; 10 s per call).
// After 5 consecutive outages (connection failures, timeouts, 5xx, 429) calls fail fast for 30 s
// with 503 payments_provider_unavailable and Retry-After, then one trial call decides; the state is
// the gauge <provider>_circuit_state (0 closed, 1 half-open, 2 open). An unconfigured provider is
// 503 payments_not_configured. Any other provider refusal reaches the caller unchanged, to be mapped
// where its meaning is known (Stripe: Stripe.errors.*; Razorpay: a plain `{ statusCode, error }`).
// It must never log or return a key, nor a provider's own error message (which may echo one).
import {
  AppError,
  type AppMetrics,
  type Clock,
  configureRazorpayClient,
  createProviderCallGuard,
  isRazorpayOutage,
  isStripeOutage,
  type ProviderCallGuard,
  stripeClientConfig,
} from '@app/platform';
import Razorpay from 'razorpay';
import Stripe from 'stripe';
import type { PaymentProvider } from './event-router.js';
import type { PaymentSettings } from './settings.js';

const CALL_TIMEOUT_MS = 10_000;

/** A Razorpay refusal as the SDK throws it: `{ statusCode, error: { code, description, field? } }`. */
interface RazorpayRefusal {
  statusCode: number;
  error: { code?: string; description?: string; field?: string | null } | undefined;
}

export function isRazorpayRefusal(error: unknown): error is RazorpayRefusal {
  return (
    typeof error === 'object' &&
    error !== null &&
    !(error instanceof Error) &&
    typeof (error as { statusCode?: unknown }).statusCode === 'number'
  );
}

export const paymentsNotConfigured = (provider: PaymentProvider) =>
  new AppError({
    kind: 'unavailable',
    code: 'payments_not_configured',
    detail: `Payments through ${provider === 'stripe' ? 'Stripe' : 'Razorpay'} are not configured on this server.`,
  });

export function createProviderGuards(
  clock: Clock,
  metrics?: AppMetrics,
): Record<PaymentProvider, ProviderCallGuard> {
  return {
    stripe: createProviderCallGuard({
      name: 'stripe',
      clock,
      isOutage: isStripeOutage,
      ...(metrics && { metrics }),
    }),
    razorpay: createProviderCallGuard({
      name: 'razorpay',
      clock,
      isOutage: isRazorpayOutage,
      ...(metrics && { metrics }),
    }),
  };
}

export function createSdkClients(settings: PaymentSettings): {
  stripe: Stripe | null;
  razorpay: Razorpay | null;
} {
  const { stripe, razorpay } = settings;
  return {
    stripe: stripe.secretKey ? new Stripe(stripe.secretKey, stripeClientConfig(stripe.apiUrl)) : null,
    razorpay:
      razorpay.keyId && razorpay.keySecret
        ? configureRazorpayClient(new Razorpay({ key_id: razorpay.keyId, key_secret: razorpay.keySecret }), {
            apiUrl: razorpay.apiUrl,
            timeoutMs: CALL_TIMEOUT_MS,
          })
        : null,
  };
}
