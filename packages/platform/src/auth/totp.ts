// Owns the time-based second factor (RFC 6238 with SHA-1, 6 digits and 30-second steps, which is
// what authenticator apps expect): secret generation, the otpauth:// enrolment URI, and
// verification with one step of clock drift either side, replay refusal and constant-time
// comparison. otplib computes the HOTP values; the window and replay rules are ours.
import { timingSafeEqual } from 'node:crypto';
import { generateSecret, generateSync } from 'otplib';

const DIGITS = 6;
const PERIOD_SECONDS = 30;
const SECRET_BYTES = 20;

/** A new base32 secret of 160 random bits, the size RFC 4226 recommends for SHA-1. */
export function generateTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/** The provisioning URI an authenticator app reads from a QR code (Key URI format). */
export function totpUri({
  secret,
  accountName,
  issuer,
}: {
  secret: string;
  accountName: string;
  issuer: string;
}): string {
  // Apps split the label on its first colon, so neither part may contain one.
  if (issuer.includes(':') || accountName.includes(':')) {
    throw new Error('TOTP issuer and account name must not contain a colon');
  }
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = [
    `secret=${encodeURIComponent(secret)}`,
    `issuer=${encodeURIComponent(issuer)}`,
    'algorithm=SHA1',
    `digits=${DIGITS}`,
    `period=${PERIOD_SECONDS}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}

/** RFC 4226 HOTP value for a counter; a string secret is base32. Exposed for test vectors. */
export function hotpCode(secret: string | Uint8Array, counter: number, digits: number): string {
  return generateSync({ strategy: 'hotp', secret, counter, digits });
}

function stepAt(ms: number): number {
  return Math.floor(ms / 1000 / PERIOD_SECONDS);
}

/** The code an authenticator app shows at the given time (for tests and tools). */
export function totpCode(secret: string, atMs: number): string {
  return hotpCode(secret, stepAt(atMs), DIGITS);
}

/**
 * Checks a code against the current step and one step either side. Steps at or before
 * `lastUsedStep` are refused, so a code works once and never after a newer one was accepted.
 * Returns the matched step, which the caller stores as the new `lastUsedStep`, or null.
 */
export function verifyTotp({
  secret,
  code,
  nowMs,
  lastUsedStep,
}: {
  secret: string;
  code: string;
  nowMs: number;
  lastUsedStep: number | null;
}): { step: number } | null {
  if (!/^\d{6}$/.test(code)) return null;
  const given = Buffer.from(code);
  const current = stepAt(nowMs);
  let matched: number | null = null;
  // Every candidate is compared (no early exit); on a coincidental double match the latest step
  // wins so the same code cannot be replayed in the later step.
  for (const step of [current - 1, current, current + 1]) {
    const expected = Buffer.from(hotpCode(secret, step, DIGITS));
    if (timingSafeEqual(given, expected) && (lastUsedStep === null || step > lastUsedStep)) matched = step;
  }
  return matched === null ? null : { step: matched };
}
