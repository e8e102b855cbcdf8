// Owns Stripe's webhook signature scheme: the `Stripe-Signature` header `t=<unix>,v1=<hex>[,v1=…]`
// carries HMAC-SHA256 signatures of `${t}.${rawBody}`; any v1 made with any configured secret (several
// are active while one is rotated out) authenticates the body, compared in constant time. The
// signed timestamp must be within the tolerance of now either way (stripe-node only refuses old ones;
// a timestamp from the future is as suspicious). Only an authenticated body is parsed, with the
// kernel's strict JSON rules, so nothing an anonymous sender wrote is ever interpreted.
// It must never log or return a secret or a computed signature.
import { createHmac } from 'node:crypto';
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

const DEFAULT_TOLERANCE_SECONDS = 300;
const HEADER = 'stripe-signature';
const TIMESTAMP = /^\d{1,15}$/;

const documentation: SignatureDocumentation = {
  header: HEADER,
  headerDescription:
    '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint secret>`; several v1 while secrets rotate.',
  example: {
    id: 'evt_1QmExample0000000000000',
    object: 'event',
    api_version: '2026-10-28.endive',
    created: 1767225600,
    type: 'customer.subscription.updated',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: 'sub_1QmExample0000000000000',
        object: 'subscription',
        customer: 'cus_Example000000',
        status: 'active',
        cancel_at_period_end: false,
        metadata: { organisationId: '2f0c6a52-3f4e-4a49-9a43-5d9b6c1e0b7d', tier: 'pro' },
      },
    },
  },
};

interface SignatureHeader {
  timestamp: string;
  signatures: Buffer[];
}

function readHeader(headers: Record<string, string | string[] | undefined>): SignatureHeader {
  const value = headers[HEADER];
  if (value === undefined || value === '') throw new WebhookRejected('signature_missing');
  if (typeof value !== 'string') throw new WebhookRejected('signature_malformed');
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const item of value.split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) throw new WebhookRejected('signature_malformed');
    const key = item.slice(0, at).trim();
    const text = item.slice(at + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined || !TIMESTAMP.test(text)) throw new WebhookRejected('signature_malformed');
      timestamp = text;
    } else if (key === 'v1') {
      if (!SHA256_HEX.test(text)) throw new WebhookRejected('signature_malformed');
      signatures.push(Buffer.from(text, 'hex'));
    }
    // Other schemes (v0, future ones) are ignored, as Stripe's libraries do.
  }
  if (timestamp === undefined || signatures.length === 0) throw new WebhookRejected('signature_malformed');
  return { timestamp, signatures };
}

function parseEvent(rawBody: Buffer): WebhookEvent {
  const payload = parseObject(rawBody);
  const { id, type, created } = payload;
  if (!isBoundedText(id) || !isBoundedText(type)) throw new WebhookRejected('body_malformed');
  return { id, type, createdAt: createdAtFrom(created), payload };
}

export function stripeSignatureScheme(options: {
  secrets: string[];
  toleranceSeconds?: number;
}): SignatureScheme {
  const secrets = configuredSecrets(options.secrets);
  const tolerance = toleranceOption(options.toleranceSeconds, DEFAULT_TOLERANCE_SECONDS);

  const signed = (rawBody: Buffer, { timestamp, signatures }: SignatureHeader): boolean =>
    signedWithAnySecret(secrets, signatures, (secret) =>
      createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest(),
    );

  return {
    provider: 'stripe',
    documentation,
    verify(rawBody, headers, nowSeconds) {
      requireSecrets(secrets);
      const header = readHeader(headers);
      if (!signed(rawBody, header)) throw new WebhookRejected('signature_mismatch');
      // Checked after the signature, as Stripe does: only a genuine but stale (or early) delivery
      // is told about time, which is what an operator needs to spot a skewed clock or a replay.
      if (Math.abs(nowSeconds - Number(header.timestamp)) > tolerance) {
        throw new WebhookRejected('timestamp_outside_tolerance');
      }
      return parseEvent(rawBody);
    },
  };
}
