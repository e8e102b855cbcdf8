// Owns hiring billing's configuration, read from the app's environment (docs/billing.md):
// STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (secrets; the webhook secret may list several,
// comma-separated, while one is rotated), STRIPE_PRICE_STARTER / _PRO / _ENTERPRISE (the Stripe
// price of each paid tier), STRIPE_API_URL (another Stripe endpoint, e.g. a local stripe-mock),
// STRIPE_WEBHOOK_TOLERANCE_SECONDS (default 300) and BILLING_RETURN_ORIGINS (where Checkout and the
// portal may send a user back; default the CORS origins). Without a secret key, everything that
// calls Stripe answers 503 billing_not_configured and the free tier still works.
import { type PlatformConfig, readProviderApiUrl } from '@app/platform';
import type { TierName } from './types.js';

export type PaidTier = Exclude<TierName, 'free'>;

export interface BillingSettings {
  stripeSecretKey: string | null;
  /** Parsed STRIPE_API_URL; null for Stripe itself. */
  apiUrl: URL | null;
  /** Stripe price id per paid tier; a tier without one cannot be bought. */
  priceIds: Record<PaidTier, string | null>;
  webhookSecrets: string[];
  webhookToleranceSeconds: number;
  returnOrigins: string[];
}

export const BILLING_SECRETS = ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const;
export const BILLING_SETTINGS = [
  'STRIPE_PRICE_STARTER',
  'STRIPE_PRICE_PRO',
  'STRIPE_PRICE_ENTERPRISE',
  'STRIPE_API_URL',
  'STRIPE_WEBHOOK_TOLERANCE_SECONDS',
  'BILLING_RETURN_ORIGINS',
] as const;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** Reads the settings; throws an Error naming every malformed value (the app refuses to start). */
export function readBillingSettings(config: PlatformConfig): BillingSettings {
  const { settings, secrets } = config;
  const problems: string[] = [];
  // The secret key travels with every call: in clear text only to this machine (a local stripe-mock).
  const api = readProviderApiUrl('STRIPE_API_URL', settings.STRIPE_API_URL, 'https://stripe.internal:12111');
  if (api.problem) problems.push(api.problem);
  const apiUrl = api.url ?? null;
  const tolerance = Number(settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS ?? 300);
  if (!Number.isInteger(tolerance) || tolerance < 1 || tolerance > 3600) {
    problems.push('STRIPE_WEBHOOK_TOLERANCE_SECONDS must be a whole number of seconds from 1 to 3600');
  }
  const given = list(settings.BILLING_RETURN_ORIGINS);
  for (const origin of given) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      problems.push(
        `BILLING_RETURN_ORIGINS entry ${JSON.stringify(origin)} is not an origin like https://app.example.com`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`billing settings: ${problems.join('; ')}`);
  return {
    stripeSecretKey: secrets.STRIPE_SECRET_KEY ?? null,
    apiUrl,
    priceIds: {
      starter: settings.STRIPE_PRICE_STARTER ?? null,
      pro: settings.STRIPE_PRICE_PRO ?? null,
      enterprise: settings.STRIPE_PRICE_ENTERPRISE ?? null,
    },
    webhookSecrets: list(secrets.STRIPE_WEBHOOK_SECRET),
    webhookToleranceSeconds: tolerance,
    returnOrigins: given.length > 0 ? given : config.corsOrigins.filter((origin) => origin !== '*'),
  };
}
