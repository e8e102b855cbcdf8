// Owns pairly payments' configuration, read once at start-up (docs/payments.md, "Configuration").
// Secrets: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, RAZORPAY_KEY_SECRET, RAZORPAY_WEBHOOK_SECRET
// (the webhook secrets may list several, comma-separated, while one is rotated out). Settings:
// RAZORPAY_KEY_ID (public: the checkout widget needs it), STRIPE_API_URL and RAZORPAY_API_URL
// (another endpoint, e.g. a local fake), STRIPE_WEBHOOK_TOLERANCE_SECONDS and
// RAZORPAY_WEBHOOK_TOLERANCE_SECONDS, PAYMENTS_RETURN_ORIGINS (where Stripe Checkout may send a user
// back; default the CORS origins). A provider without its keys is simply not offered (its
// currencies are not listed nor accepted; its calls answer 503 payments_not_configured); a
// malformed value stops the app from starting, naming it.
import { type PlatformConfig, RAZORPAY_DEFAULT_TOLERANCE_SECONDS, readProviderApiUrl } from '@app/platform';
import type { PaymentProvider } from './types.js';

export const PAYMENT_SECRETS = [
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'RAZORPAY_KEY_SECRET',
  'RAZORPAY_WEBHOOK_SECRET',
] as const;
export const PAYMENT_SETTINGS = [
  'RAZORPAY_KEY_ID',
  'STRIPE_API_URL',
  'RAZORPAY_API_URL',
  'STRIPE_WEBHOOK_TOLERANCE_SECONDS',
  'RAZORPAY_WEBHOOK_TOLERANCE_SECONDS',
  'PAYMENTS_RETURN_ORIGINS',
] as const;

export interface PaymentSettings {
  stripe: {
    secretKey: string | null;
    /** Parsed STRIPE_API_URL; null for Stripe itself. */
    apiUrl: URL | null;
    webhookSecrets: string[];
    webhookToleranceSeconds: number;
  };
  razorpay: {
    /** Both null unless both are set. */
    keyId: string | null;
    keySecret: string | null;
    /** Parsed RAZORPAY_API_URL; null for Razorpay itself. */
    apiUrl: URL | null;
    webhookSecrets: string[];
    webhookToleranceSeconds: number;
  };
  /** Origins a Checkout success or cancel URL may point at. */
  returnOrigins: string[];
}

const DEFAULT_WEBHOOK_TOLERANCE_SECONDS: Record<PaymentProvider, number> = {
  stripe: 300,
  // Razorpay signs no timestamp: its body's created_at is checked instead, and a delivery may be
  // retried for 24 hours or replayed from the dashboard for 7 days (7 days + 1 h).
  razorpay: RAZORPAY_DEFAULT_TOLERANCE_SECONDS,
};
const MAX_TOLERANCE_SECONDS = 30 * 86_400;

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function readApiUrl(name: string, value: string | undefined, problems: string[]): URL | null {
  const read = readProviderApiUrl(name, value);
  if (read.problem !== undefined) problems.push(read.problem);
  return read.url ?? null;
}

function readTolerance(name: string, value: string | undefined, fallback: number, problems: string[]) {
  if (value === undefined || value === '') return fallback;
  const seconds = Number(value);
  if (
    !/^\d+$/.test(value.trim()) ||
    !Number.isSafeInteger(seconds) ||
    seconds < 1 ||
    seconds > MAX_TOLERANCE_SECONDS
  ) {
    problems.push(`${name} must be a whole number of seconds from 1 to ${MAX_TOLERANCE_SECONDS}`);
    return fallback;
  }
  return seconds;
}

/** Reads the settings; throws an Error naming every malformed value (the app refuses to start). */
export function readPaymentSettings(config: PlatformConfig): PaymentSettings {
  const { settings, secrets } = config;
  const problems: string[] = [];
  const stripeApiUrl = readApiUrl('STRIPE_API_URL', settings.STRIPE_API_URL, problems);
  const razorpayApiUrl = readApiUrl('RAZORPAY_API_URL', settings.RAZORPAY_API_URL, problems);
  const stripeTolerance = readTolerance(
    'STRIPE_WEBHOOK_TOLERANCE_SECONDS',
    settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
    DEFAULT_WEBHOOK_TOLERANCE_SECONDS.stripe,
    problems,
  );
  const razorpayTolerance = readTolerance(
    'RAZORPAY_WEBHOOK_TOLERANCE_SECONDS',
    settings.RAZORPAY_WEBHOOK_TOLERANCE_SECONDS,
    DEFAULT_WEBHOOK_TOLERANCE_SECONDS.razorpay,
    problems,
  );

  const stripeSecretKey = secrets.STRIPE_SECRET_KEY || null;
  if (stripeSecretKey !== null && !/^(sk|rk)_(test|live)_\S+$/.test(stripeSecretKey)) {
    problems.push(
      'STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_test_..., sk_live_..., rk_...)',
    );
  }
  const keyId = settings.RAZORPAY_KEY_ID || null;
  const keySecret = secrets.RAZORPAY_KEY_SECRET || null;
  if (keyId !== null && !/^rzp_(test|live)_[A-Za-z0-9]+$/.test(keyId)) {
    problems.push('RAZORPAY_KEY_ID must be a Razorpay key id (rzp_test_... or rzp_live_...)');
  }
  if ((keyId === null) !== (keySecret === null)) {
    problems.push('RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET must be set together');
  }

  const given = list(settings.PAYMENTS_RETURN_ORIGINS);
  for (const origin of given) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      problems.push(
        `PAYMENTS_RETURN_ORIGINS entry ${JSON.stringify(origin)} is not an origin like https://app.example.com`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`payments settings: ${problems.join('; ')}`);
  const razorpayConfigured = keyId !== null && keySecret !== null;
  return {
    stripe: {
      secretKey: stripeSecretKey,
      apiUrl: stripeApiUrl,
      webhookSecrets: list(secrets.STRIPE_WEBHOOK_SECRET),
      webhookToleranceSeconds: stripeTolerance,
    },
    razorpay: {
      keyId: razorpayConfigured ? keyId : null,
      keySecret: razorpayConfigured ? keySecret : null,
      apiUrl: razorpayApiUrl,
      webhookSecrets: list(secrets.RAZORPAY_WEBHOOK_SECRET),
      webhookToleranceSeconds: razorpayTolerance,
    },
    returnOrigins: given.length > 0 ? given : config.corsOrigins.filter((origin) => origin !== '*'),
  };
}
