// Owns Razorpay's signatures: the webhook scheme (header `X-Razorpay-Signature` = hex HMAC-SHA256 of
// the raw body keyed with the webhook secret; any configured secret, compared in constant time; the
// event id from `X-Razorpay-Event-Id`, which Razorpay repeats on every retry of one event) and the
// Checkout callback check (hex HMAC-SHA256 of `order_id|payment_id` keyed with the API key secret).
// Razorpay signs no timestamp: freshness comes from the signed body's `created_at`, checked after
// the signature, so only a genuine delivery learns it was late. Razorpay retries a failed delivery
// for 24 h and the dashboard can replay one for 7 days, so the default tolerance is 7 days + 1 h in
// the past and 5 minutes in the future. Only an authenticated body is parsed (the kernel's strict
// JSON rules). It must never log or return a secret or a computed signature.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookRejected } from './errors.js';
import {
  configuredSecrets,
  createdAtFrom,
  isBoundedText,
  parseObject,
  requireSecrets,
  SHA256_HEX,
  signedWithAnySecret,
  toleranceOption,
} from './signature-parts.js';
import type { SignatureDocumentation, SignatureScheme, WebhookEvent } from './types.js';

/** 7 days (the dashboard's replay window) and 1 hour of slack. */
export const RAZORPAY_DEFAULT_TOLERANCE_SECONDS = 7 * 86_400 + 3_600;
/** How far in the future `created_at` may be (clock skew). */
const FUTURE_SECONDS = 300;
const SIGNATURE_HEADER = 'x-razorpay-signature';
const EVENT_ID_HEADER = 'x-razorpay-event-id';
/** Razorpay event ids are short base-62 strings (`KxT3qYp0Y0R1aB`); allow a little more, never spaces. */
const EVENT_ID = /^[A-Za-z0-9_.:-]{1,255}$/;

const documentation: SignatureDocumentation = {
  header: SIGNATURE_HEADER,
  headerDescription:
    '`<hex HMAC-SHA256 of the raw body with the webhook secret>`; the header `x-razorpay-event-id` (required) names the event and repeats on every retry.',
  example: {
    entity: 'event',
    account_id: 'acc_BFQ7uQEaa7j2z7',
    event: 'payment.captured',
    contains: ['payment'],
    payload: {
      payment: {
        entity: {
          id: 'pay_Q5ExamplePay001',
          entity: 'payment',
          amount: 49900,
          currency: 'INR',
          status: 'captured',
          order_id: 'order_Q5ExampleOrd01',
          method: 'upi',
          captured: true,
          amount_refunded: 0,
          refund_status: null,
          notes: { orderId: '2f0c6a52-3f4e-4a49-9a43-5d9b6c1e0b7d' },
          fee: 1178,
          tax: 180,
          created_at: 1767225590,
        },
      },
    },
    created_at: 1767225600,
  },
};

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) throw new WebhookRejected('signature_malformed');
  return value;
}

function readSignature(headers: Record<string, string | string[] | undefined>): Buffer {
  const value = header(headers, SIGNATURE_HEADER);
  if (value === undefined || value === '') throw new WebhookRejected('signature_missing');
  const text = value.trim();
  if (!SHA256_HEX.test(text)) throw new WebhookRejected('signature_malformed');
  return Buffer.from(text, 'hex');
}

/** The event id header, after the signature: missing or malformed is `body_malformed` (docs/webhooks.md). */
function readEventId(headers: Record<string, string | string[] | undefined>): string {
  let value: string | undefined;
  try {
    value = header(headers, EVENT_ID_HEADER);
  } catch {
    throw new WebhookRejected('body_malformed');
  }
  if (value === undefined || !EVENT_ID.test(value)) throw new WebhookRejected('body_malformed');
  return value;
}

function parseEvent(rawBody: Buffer, id: string): WebhookEvent {
  const payload = parseObject(rawBody);
  const { event: type, created_at: created } = payload;
  if (!isBoundedText(type)) throw new WebhookRejected('body_malformed');
  return { id, type, createdAt: createdAtFrom(created), payload };
}

export function razorpaySignatureScheme(options: {
  secrets: string[];
  /** How old `created_at` may be; default 7 days + 1 h. */
  toleranceSeconds?: number;
}): SignatureScheme {
  const secrets = configuredSecrets(options.secrets);
  const tolerance = toleranceOption(options.toleranceSeconds, RAZORPAY_DEFAULT_TOLERANCE_SECONDS);
  const future = Math.min(FUTURE_SECONDS, tolerance);

  const signed = (rawBody: Buffer, signature: Buffer): boolean =>
    signedWithAnySecret(secrets, [signature], (secret) =>
      createHmac('sha256', secret).update(rawBody).digest(),
    );

  return {
    provider: 'razorpay',
    documentation,
    verify(rawBody, headers, nowSeconds) {
      requireSecrets(secrets);
      const signature = readSignature(headers);
      if (!signed(rawBody, signature)) throw new WebhookRejected('signature_mismatch');
      const event = parseEvent(rawBody, readEventId(headers));
      const age = nowSeconds - event.createdAt.getTime() / 1000;
      if (age > tolerance || -age > future) throw new WebhookRejected('timestamp_outside_tolerance');
      return event;
    },
  };
}

/**
 * The Checkout handler's callback check: `signature` must be the hex HMAC-SHA256 of
 * `${orderId}|${paymentId}` keyed with the API key secret. False on any malformed input (never
 * throws). It proves the customer's browser saw Razorpay accept the payment; it grants nothing on
 * its own (only a verified webhook or an API read does).
 */
export function verifyRazorpayCheckoutSignature(input: {
  orderId: unknown;
  paymentId: unknown;
  signature: unknown;
  keySecret: unknown;
}): boolean {
  const { orderId, paymentId, signature, keySecret } = input;
  const valid = (value: unknown): value is string => isBoundedText(value) && !value.includes('|');
  if (!valid(orderId) || !valid(paymentId)) return false;
  if (typeof keySecret !== 'string' || keySecret.length === 0) return false;
  if (typeof signature !== 'string' || !SHA256_HEX.test(signature)) return false;
  const expected = createHmac('sha256', keySecret).update(`${orderId}|${paymentId}`).digest();
  return timingSafeEqual(Buffer.from(signature, 'hex'), expected);
}
