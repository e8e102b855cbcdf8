// The Stripe signature scheme on its own: what the SDK signs is accepted with any configured secret,
// and every alteration of the body, the header, the secret or the time is refused with its reason
// before the body is read.
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeSignatureScheme, WebhookRejected, type WebhookRejection } from '../../src/index.js';
import { signatureFor, stripeEvent } from './support.js';

const secret = 'whsec_scheme_test_current_0123456789';
const now = 1_767_225_600;
const scheme = stripeSignatureScheme({ secrets: [secret] });

function refusal(run: () => unknown): WebhookRejection | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookRejected) return error.reason;
    throw error;
  }
  return undefined;
}

const headers = (signature: string) => ({ 'stripe-signature': signature });

describe('the Stripe signature scheme', () => {
  const event = stripeEvent({ type: 'invoice.paid', created: now - 5 });
  const payload = JSON.stringify(event);
  const body = Buffer.from(payload);

  it('accepts what the official SDK signs and returns the parsed event', () => {
    const verified = scheme.verify(body, headers(signatureFor(payload, now, secret)), now);
    expect(verified).toEqual({
      id: event.id,
      type: 'invoice.paid',
      createdAt: new Date((now - 5) * 1000),
      payload: event,
    });
    expect(scheme.provider).toBe('stripe');
  });

  it('accepts exactly what the SDK’s own constructEvent accepts', () => {
    // The SDK judges against the real clock: sign for it, and give the scheme the same time.
    const realNow = Math.floor(Date.now() / 1000);
    const signature = signatureFor(payload, realNow, secret);
    const stripe = new Stripe('sk_test_webhook_fixture_only');
    expect(stripe.webhooks.constructEvent(payload, signature, secret).id).toBe(event.id);
    expect(scheme.verify(body, headers(signature), realNow).id).toBe(event.id);
  });

  it('refuses the body with any single byte changed, at every position', () => {
    const signature = signatureFor(payload, now, secret);
    for (let position = 0; position < body.length; position++) {
      const tampered = Buffer.from(body);
      tampered[position] = (tampered[position] as number) ^ 0x01;
      expect(
        refusal(() => scheme.verify(tampered, headers(signature), now)),
        `byte ${position}`,
      ).toBe('signature_mismatch');
    }
  });

  it('refuses a body with a byte added or removed', () => {
    const signature = signatureFor(payload, now, secret);
    const longer = Buffer.concat([body, Buffer.from(' ')]);
    expect(refusal(() => scheme.verify(longer, headers(signature), now))).toBe('signature_mismatch');
    expect(refusal(() => scheme.verify(body.subarray(1), headers(signature), now))).toBe(
      'signature_mismatch',
    );
  });

  it('refuses a signature made with another secret', () => {
    const signature = signatureFor(payload, now, 'whsec_someone_else_0123456789');
    expect(refusal(() => scheme.verify(body, headers(signature), now))).toBe('signature_mismatch');
  });

  it('refuses a signature whose hex digits were changed', () => {
    const signature = signatureFor(payload, now, secret);
    const last = signature.at(-1) === '0' ? '1' : '0';
    expect(refusal(() => scheme.verify(body, headers(`${signature.slice(0, -1)}${last}`), now))).toBe(
      'signature_mismatch',
    );
  });

  it('accepts every active secret while one is rotated, and only those', () => {
    const rotating = stripeSignatureScheme({ secrets: ['whsec_old_secret_0123456789', secret] });
    for (const active of ['whsec_old_secret_0123456789', secret]) {
      expect(rotating.verify(body, headers(signatureFor(payload, now, active)), now).id).toBe(event.id);
    }
    const retired = signatureFor(payload, now, 'whsec_retired_secret_0123456789');
    expect(refusal(() => rotating.verify(body, headers(retired), now))).toBe('signature_mismatch');
  });

  it('accepts a header with several v1 signatures when any one matches', () => {
    const good = signatureFor(payload, now, secret).split(',v1=')[1];
    const other = signatureFor(payload, now, 'whsec_other_0123456789').split(',v1=')[1];
    expect(scheme.verify(body, headers(`t=${now},v1=${other},v1=${good}`), now).id).toBe(event.id);
  });

  it('ignores other schemes such as v0, and refuses a header carrying only those', () => {
    const good = signatureFor(payload, now, secret);
    expect(scheme.verify(body, headers(`${good},v0=${'ab'.repeat(32)}`), now).id).toBe(event.id);
    expect(refusal(() => scheme.verify(body, headers(`t=${now},v0=${'ab'.repeat(32)}`), now))).toBe(
      'signature_malformed',
    );
  });

  it('refuses stale and future timestamps beyond the 300 s default, and accepts the edges', () => {
    for (const offset of [-301, 301, -86_400, 86_400]) {
      const signature = signatureFor(payload, now + offset, secret);
      expect(
        refusal(() => scheme.verify(body, headers(signature), now)),
        `offset ${offset}`,
      ).toBe('timestamp_outside_tolerance');
    }
    for (const offset of [-300, 300]) {
      expect(scheme.verify(body, headers(signatureFor(payload, now + offset, secret)), now).id).toBe(
        event.id,
      );
    }
  });

  it('uses a configured tolerance', () => {
    const strict = stripeSignatureScheme({ secrets: [secret], toleranceSeconds: 10 });
    expect(strict.verify(body, headers(signatureFor(payload, now - 10, secret)), now).id).toBe(event.id);
    expect(refusal(() => strict.verify(body, headers(signatureFor(payload, now - 11, secret)), now))).toBe(
      'timestamp_outside_tolerance',
    );
    expect(() => stripeSignatureScheme({ secrets: [secret], toleranceSeconds: 0 })).toThrow(RangeError);
  });

  it('refuses a missing or empty header', () => {
    expect(refusal(() => scheme.verify(body, {}, now))).toBe('signature_missing');
    expect(refusal(() => scheme.verify(body, headers(''), now))).toBe('signature_missing');
  });

  it('refuses malformed headers', () => {
    const hex = 'a'.repeat(64);
    for (const header of [
      'garbage',
      `v1=${hex}`,
      `t=${now}`,
      `t=abc,v1=${hex}`,
      `t=${now},t=${now},v1=${hex}`,
      `t=${now},v1=xyz`,
      `t=${now},v1=${hex.slice(2)}`,
      `t=-${now},v1=${hex}`,
      `t=${now},=${hex}`,
    ]) {
      expect(
        refusal(() => scheme.verify(body, headers(header), now)),
        header,
      ).toBe('signature_malformed');
    }
    expect(refusal(() => scheme.verify(body, { 'stripe-signature': ['a', 'b'] }, now))).toBe(
      'signature_malformed',
    );
  });

  it('refuses a correctly signed body that is not an event', () => {
    for (const text of [
      '',
      'not json',
      '[1,2,3]',
      '"event"',
      '{"id":"evt_1","type":"x"}',
      '{"id":"evt_1","type":"x","created":"1767225600"}',
      '{"id":"evt_1","type":"x","created":1.5}',
      '{"id":1,"type":"x","created":1}',
      '{"id":"","type":"x","created":1}',
      `{"id":"${'e'.repeat(256)}","type":"x","created":1}`,
      '{"id":"evt_1","type":"x","created":1,"note":"\\u0000"}',
      '{"id":"evt_1","type":"x","created":1,"__proto__":{"admin":true}}',
      `{"id":"evt_1","type":"x","created":1,"deep":${'['.repeat(40)}${']'.repeat(40)}}`,
    ]) {
      const signature = signatureFor(text, now, secret);
      expect(
        refusal(() => scheme.verify(Buffer.from(text), headers(signature), now)),
        text,
      ).toBe('body_malformed');
    }
  });

  it('refuses everything when no secret is configured', () => {
    const unconfigured = stripeSignatureScheme({ secrets: ['', ''] });
    expect(refusal(() => unconfigured.verify(body, headers(signatureFor(payload, now, secret)), now))).toBe(
      'secret_not_configured',
    );
  });
});
