// Payments configuration: malformed values stop the app from starting with a message naming each
// of them; a half-configured Razorpay is refused; defaults (tolerances, return origins from CORS);
// and a server with no provider configured lists no prices, refuses orders as not offered and
// answers its webhook endpoints 503 so providers keep retrying.
import type { PlatformConfig } from '@app/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPaymentSettings } from '../../src/modules/payments/settings.js';
import { expectProblem } from '../credits/http-support.js';
import { buildPairlyTestApp, keyed, type PairlyTestApp, signUp } from '../support/pairly-client.js';

const config = (
  settings: Record<string, string>,
  secrets: Record<string, string> = {},
  corsOrigins: string[] = [],
): PlatformConfig => ({ settings, secrets, corsOrigins }) as unknown as PlatformConfig;

describe('reading the payments settings', () => {
  it('names every malformed value in one refusal', () => {
    const read = () =>
      readPaymentSettings(
        config(
          {
            STRIPE_API_URL: 'http://stripe.example.com',
            RAZORPAY_API_URL: 'https://razorpay.internal/v1',
            STRIPE_WEBHOOK_TOLERANCE_SECONDS: 'soon',
            RAZORPAY_WEBHOOK_TOLERANCE_SECONDS: '0',
            PAYMENTS_RETURN_ORIGINS: 'https://app.example.com/path',
            RAZORPAY_KEY_ID: 'key_123',
          },
          { STRIPE_SECRET_KEY: 'pk_test_publishable' },
        ),
      );
    expect(read).toThrow(/STRIPE_API_URL/);
    const message = (() => {
      try {
        read();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const name of [
      'STRIPE_API_URL',
      'RAZORPAY_API_URL',
      'STRIPE_WEBHOOK_TOLERANCE_SECONDS',
      'RAZORPAY_WEBHOOK_TOLERANCE_SECONDS',
      'PAYMENTS_RETURN_ORIGINS',
      'STRIPE_SECRET_KEY',
      'RAZORPAY_KEY_ID',
      'RAZORPAY_KEY_SECRET',
    ]) {
      expect(message).toContain(name);
    }
  });

  it('refuses a Razorpay key secret without its key id', () => {
    expect(() => readPaymentSettings(config({}, { RAZORPAY_KEY_SECRET: 'secret' }))).toThrow(
      /RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET must be set together/,
    );
  });

  it('defaults the tolerances and takes the return origins from CORS, without the wildcard', () => {
    const settings = readPaymentSettings(
      config(
        { RAZORPAY_KEY_ID: 'rzp_test_Abc123' },
        { RAZORPAY_KEY_SECRET: 's3cret', STRIPE_WEBHOOK_SECRET: 'whsec_a, whsec_b' },
        ['https://app.example.com', '*'],
      ),
    );
    expect(settings.stripe.webhookToleranceSeconds).toBe(300);
    expect(settings.razorpay.webhookToleranceSeconds).toBe(7 * 86_400 + 3_600);
    expect(settings.stripe.webhookSecrets).toEqual(['whsec_a', 'whsec_b']);
    expect(settings.returnOrigins).toEqual(['https://app.example.com']);
    expect(settings.razorpay).toMatchObject({ keyId: 'rzp_test_Abc123', keySecret: 's3cret' });
    expect(settings.stripe.secretKey).toBeNull();
  });
});

describe('a server with no provider configured', () => {
  let t: PairlyTestApp;

  beforeAll(async () => {
    t = await buildPairlyTestApp();
  });
  afterAll(() => t?.close());

  it('lists no prices, refuses orders as not offered, and answers the webhook endpoints 503', async () => {
    const packs = await t.app.inject({ method: 'GET', url: '/credit-packs' });
    expect(packs.statusCode).toBe(200);
    for (const pack of (packs.json() as { packs: Array<{ prices: unknown[] }> }).packs)
      expect(pack.prices).toEqual([]);

    const fan = await signUp(t, 'fan');
    const refused = await keyed(t, fan, {
      method: 'POST',
      url: '/payments/orders',
      payload: { packId: 'starter', currency: 'INR' },
    });
    expectProblem(refused, 400, 'currency_not_offered', '/body/currency');

    for (const url of ['/webhooks/stripe', '/webhooks/razorpay']) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/json',
          'stripe-signature': 't=1,v1=00',
          'x-razorpay-signature': '00',
        },
        payload: '{}',
      });
      expectProblem(response, 503, 'webhooks_not_configured');
    }
  });
});
