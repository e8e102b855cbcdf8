// The Razorpay signature scheme on its own: what Razorpay signs (the SDK's own check agrees) is
// accepted with any configured secret; every alteration of the body, the signature, the secret,
// the event id or the event's age is refused with its reason; only a verified body is parsed. And
// the Checkout callback check: HMAC of `order_id|payment_id`, false on anything malformed.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  RAZORPAY_DEFAULT_TOLERANCE_SECONDS,
  razorpaySignatureScheme,
  verifyRazorpayCheckoutSignature,
  WebhookRejected,
  type WebhookRejection,
} from '../../src/index.js';
import { razorpaySignedEvent } from '../../src/testing/index.js';

const secret = 'razorpay_webhook_secret_current';
const previous = 'razorpay_webhook_secret_previous';
const now = 1_767_225_600;
const scheme = razorpaySignatureScheme({ secrets: [secret] });
const payment = {
  id: 'pay_Q5ExamplePay001',
  entity: 'payment',
  amount: 49_900,
  currency: 'INR',
  status: 'captured',
  order_id: 'order_Q5ExampleOrd01',
} as never;

function refusal(run: () => unknown): WebhookRejection | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookRejected) return error.reason;
    throw error;
  }
  return undefined;
}

const delivery = (options: { secret?: string; createdAt?: number; eventId?: string } = {}) =>
  razorpaySignedEvent(
    'payment.captured',
    { payment },
    {
      secret: options.secret ?? secret,
      eventId: options.eventId ?? 'KxT3qYp0Y0R1aB',
      createdAt: new Date((options.createdAt ?? now - 5) * 1000),
    },
  );

const sign = (body: string, key = secret) => createHmac('sha256', key).update(body).digest('hex');

describe('the Razorpay webhook signature scheme', () => {
  it('accepts a signed delivery and returns the event keyed by x-razorpay-event-id', () => {
    const { body, headers, event } = delivery();
    expect(scheme.verify(Buffer.from(body), headers, now)).toEqual({
      id: 'KxT3qYp0Y0R1aB',
      type: 'payment.captured',
      createdAt: new Date((now - 5) * 1000),
      payload: event,
    });
    expect(scheme.provider).toBe('razorpay');
    expect(scheme.documentation?.header).toBe('x-razorpay-signature');
  });

  it('refuses the body with any single byte changed', () => {
    const { body, headers } = delivery();
    const bytes = Buffer.from(body);
    for (let position = 0; position < bytes.length; position += 7) {
      const tampered = Buffer.from(bytes);
      tampered[position] = (tampered[position] as number) ^ 0x01;
      expect(
        refusal(() => scheme.verify(tampered, headers, now)),
        `byte ${position}`,
      ).toBe('signature_mismatch');
    }
  });

  it('refuses a delivery signed with another secret, and accepts both while one is rotated', () => {
    const old = delivery({ secret: previous });
    expect(refusal(() => scheme.verify(Buffer.from(old.body), old.headers, now))).toBe('signature_mismatch');
    const rotating = razorpaySignatureScheme({ secrets: [secret, previous] });
    expect(rotating.verify(Buffer.from(old.body), old.headers, now).id).toBe('KxT3qYp0Y0R1aB');
    const current = delivery();
    expect(rotating.verify(Buffer.from(current.body), current.headers, now).type).toBe('payment.captured');
  });

  it('refuses stale events past the tolerance (7 days + 1 h by default) and events from the future', () => {
    const edge = delivery({ createdAt: now - RAZORPAY_DEFAULT_TOLERANCE_SECONDS });
    expect(scheme.verify(Buffer.from(edge.body), edge.headers, now).type).toBe('payment.captured');
    const stale = delivery({ createdAt: now - RAZORPAY_DEFAULT_TOLERANCE_SECONDS - 1 });
    expect(refusal(() => scheme.verify(Buffer.from(stale.body), stale.headers, now))).toBe(
      'timestamp_outside_tolerance',
    );
    const early = delivery({ createdAt: now + 301 });
    expect(refusal(() => scheme.verify(Buffer.from(early.body), early.headers, now))).toBe(
      'timestamp_outside_tolerance',
    );
    const skewed = delivery({ createdAt: now + 300 });
    expect(scheme.verify(Buffer.from(skewed.body), skewed.headers, now).type).toBe('payment.captured');
    const strict = razorpaySignatureScheme({ secrets: [secret], toleranceSeconds: 60 });
    const minuteOld = delivery({ createdAt: now - 61 });
    expect(refusal(() => strict.verify(Buffer.from(minuteOld.body), minuteOld.headers, now))).toBe(
      'timestamp_outside_tolerance',
    );
  });

  it('refuses a missing or malformed event id, after the signature', () => {
    const { body, headers } = delivery();
    const { 'x-razorpay-event-id': _, ...withoutId } = headers;
    expect(refusal(() => scheme.verify(Buffer.from(body), withoutId, now))).toBe('body_malformed');
    for (const bad of ['', 'has space', 'x'.repeat(256), 'quote"d']) {
      expect(
        refusal(() => scheme.verify(Buffer.from(body), { ...headers, 'x-razorpay-event-id': bad }, now)),
      ).toBe('body_malformed');
    }
    expect(
      refusal(() => scheme.verify(Buffer.from(body), { ...headers, 'x-razorpay-event-id': ['a', 'b'] }, now)),
    ).toBe('body_malformed');
    // A forger without the secret learns nothing about the id: the signature is judged first.
    expect(
      refusal(() =>
        scheme.verify(Buffer.from(body), { ...withoutId, 'x-razorpay-signature': sign(body, 'guess') }, now),
      ),
    ).toBe('signature_mismatch');
  });

  it('refuses a missing or malformed signature header', () => {
    const { body, headers } = delivery();
    const { 'x-razorpay-signature': signature, ...unsigned } = headers;
    expect(refusal(() => scheme.verify(Buffer.from(body), unsigned, now))).toBe('signature_missing');
    expect(
      refusal(() => scheme.verify(Buffer.from(body), { ...headers, 'x-razorpay-signature': '' }, now)),
    ).toBe('signature_missing');
    for (const bad of [signature.slice(1), `${signature}00`, `sha256=${signature}`, 'z'.repeat(64)]) {
      expect(
        refusal(() => scheme.verify(Buffer.from(body), { ...headers, 'x-razorpay-signature': bad }, now)),
      ).toBe('signature_malformed');
    }
    expect(
      refusal(() =>
        scheme.verify(Buffer.from(body), { ...headers, 'x-razorpay-signature': [signature, signature] }, now),
      ),
    ).toBe('signature_malformed');
    expect(
      scheme.verify(Buffer.from(body), { ...headers, 'x-razorpay-signature': signature.toUpperCase() }, now)
        .id,
    ).toBe('KxT3qYp0Y0R1aB');
  });

  it('refuses a correctly signed body that is not an event', () => {
    const headers = { 'x-razorpay-event-id': 'KxT3qYp0Y0R1aB' };
    for (const body of [
      'not json',
      '[]',
      '{"event":"payment.captured"}',
      `{"event":"payment.captured","created_at":"${now}"}`,
      `{"event":"","created_at":${now}}`,
      `{"event":"payment.captured","created_at":${now},"__proto__":{"x":1}}`,
    ]) {
      expect(
        refusal(() =>
          scheme.verify(Buffer.from(body), { ...headers, 'x-razorpay-signature': sign(body) }, now),
        ),
        body,
      ).toBe('body_malformed');
    }
  });

  it('answers secret_not_configured without secrets, and refuses a bad tolerance', () => {
    const { body, headers } = delivery();
    const unconfigured = razorpaySignatureScheme({ secrets: ['', ''] });
    expect(refusal(() => unconfigured.verify(Buffer.from(body), headers, now))).toBe('secret_not_configured');
    expect(() => razorpaySignatureScheme({ secrets: [secret], toleranceSeconds: 0 })).toThrow(RangeError);
    expect(() => razorpaySignatureScheme({ secrets: [secret], toleranceSeconds: 1.5 })).toThrow(RangeError);
  });
});

describe('the Razorpay Checkout callback signature', () => {
  const keySecret = 'rzp_key_secret_0001';
  const signature = createHmac('sha256', keySecret).update('order_A1|pay_B2').digest('hex');
  const valid = { orderId: 'order_A1', paymentId: 'pay_B2', signature, keySecret };

  it('accepts the HMAC of order_id|payment_id with the key secret', () => {
    expect(verifyRazorpayCheckoutSignature(valid)).toBe(true);
    expect(verifyRazorpayCheckoutSignature({ ...valid, signature: signature.toUpperCase() })).toBe(true);
  });

  it('refuses another order, payment or secret, and any malformed input without throwing', () => {
    expect(verifyRazorpayCheckoutSignature({ ...valid, orderId: 'order_A2' })).toBe(false);
    expect(verifyRazorpayCheckoutSignature({ ...valid, paymentId: 'pay_B3' })).toBe(false);
    expect(verifyRazorpayCheckoutSignature({ ...valid, keySecret: 'other' })).toBe(false);
    // The separator cannot be smuggled into an id to forge another pair.
    expect(verifyRazorpayCheckoutSignature({ ...valid, orderId: 'order_A1|pay_B2', paymentId: '' })).toBe(
      false,
    );
    for (const signatureValue of [
      undefined,
      null,
      42,
      '',
      signature.slice(2),
      `${signature} `,
      'g'.repeat(64),
    ]) {
      expect(verifyRazorpayCheckoutSignature({ ...valid, signature: signatureValue })).toBe(false);
    }
    for (const id of [undefined, null, 7, '', {}]) {
      expect(verifyRazorpayCheckoutSignature({ ...valid, orderId: id })).toBe(false);
      expect(verifyRazorpayCheckoutSignature({ ...valid, paymentId: id })).toBe(false);
    }
    expect(verifyRazorpayCheckoutSignature({ ...valid, keySecret: '' })).toBe(false);
    expect(verifyRazorpayCheckoutSignature({ ...valid, keySecret: undefined })).toBe(false);
  });
});
