// Owns the parts the HMAC webhook schemes (Stripe, Razorpay) share: the configured secrets and the
// tolerance option, matching a signature against every configured secret in constant time, and
// parsing an authenticated body with the kernel's strict JSON rules (only ever after the signature
// was verified). It must never log or return a secret or a computed signature.
import { timingSafeEqual } from 'node:crypto';
import { createJsonBodyParser } from '../http/json-body.js';
import { WebhookRejected } from './errors.js';

// Provider events nest about ten levels deep; far deeper is not an event.
const MAX_JSON_DEPTH = 32;
// The inbox columns' limits (migrations/webhooks/0001_webhook_events.sql).
export const MAX_ID_LENGTH = 255;
export const SHA256_HEX = /^[0-9a-f]{64}$/i;

const parseJson = createJsonBodyParser(MAX_JSON_DEPTH);

/** The non-empty secrets (several are active while one is rotated out). */
export const configuredSecrets = (secrets: string[]) => secrets.filter((secret) => secret.length > 0);

/** The tolerance in seconds: the given one or the default; a RangeError unless a positive integer. */
export function toleranceOption(value: number | undefined, fallback: number): number {
  const tolerance = value ?? fallback;
  if (!Number.isInteger(tolerance) || tolerance <= 0) {
    throw new RangeError(`toleranceSeconds must be a positive integer, got ${tolerance}`);
  }
  return tolerance;
}

/** A `secret_not_configured` rejection when no secret is configured. */
export function requireSecrets(secrets: string[]): void {
  if (secrets.length === 0) throw new WebhookRejected('secret_not_configured');
}

/**
 * Whether any candidate equals the digest of any secret, compared in constant time. Every candidate
 * must be 32 bytes (checked as 64 hex digits), as timingSafeEqual requires.
 */
export const signedWithAnySecret = (
  secrets: string[],
  candidates: Buffer[],
  digest: (secret: string) => Buffer,
): boolean =>
  secrets.some((secret) => {
    const expected = digest(secret);
    return candidates.some((candidate) => timingSafeEqual(candidate, expected));
  });

/** A non-empty string that fits the inbox's id columns. */
export const isBoundedText = (text: unknown): text is string =>
  typeof text === 'string' && text.length > 0 && text.length <= MAX_ID_LENGTH;

/** The authenticated body as a JSON object; `body_malformed` otherwise. */
export function parseObject(rawBody: Buffer): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = parseJson(rawBody);
  } catch {
    throw new WebhookRejected('body_malformed');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new WebhookRejected('body_malformed');
  }
  return payload as Record<string, unknown>;
}

/** A body's creation time from non-negative unix seconds; `body_malformed` otherwise. */
export function createdAtFrom(created: unknown): Date {
  if (typeof created !== 'number' || !Number.isSafeInteger(created) || created < 0) {
    throw new WebhookRejected('body_malformed');
  }
  return new Date(created * 1000);
}
