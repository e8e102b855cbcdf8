// The provider call guard with the official SDKs against the fakes on 127.0.0.1: which failures
// are outages (connection failure, timeout, 5xx, 429 — Stripe's and Razorpay's), the breaker that
// opens after five of them and sends nothing while open (gauge <name>_circuit_state), one trial
// after 30 s of the fake clock, and the 503 payments_provider_unavailable with Retry-After; a
// refusal (400/404) passes through untouched and never opens the circuit.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Razorpay from 'razorpay';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppError,
  configureRazorpayClient,
  createProviderCallGuard,
  isProviderOutage,
  isRazorpayOutage,
  isStripeOutage,
} from '../../src/index.js';
import {
  createFakeClock,
  type FakeRazorpay,
  type FakeStripe,
  startFakeRazorpay,
  startFakeStripe,
} from '../../src/testing/index.js';

const clock = createFakeClock('2026-03-10T12:00:00.000Z');
let stripeFake: FakeStripe;
let razorpayFake: FakeRazorpay;
let stripe: Stripe;
let razorpay: Razorpay;

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );

function gauges() {
  const values: number[] = [];
  return {
    values,
    metrics: {
      gauge: (name: string) => ({ set: (v: number) => name.endsWith('_circuit_state') && values.push(v) }),
    },
  };
}

beforeAll(async () => {
  stripeFake = await startFakeStripe({ clock });
  razorpayFake = await startFakeRazorpay({ clock });
  const url = new URL(stripeFake.url);
  stripe = new Stripe('sk_test_guard_0001', {
    protocol: 'http',
    host: url.hostname,
    port: url.port,
    maxNetworkRetries: 0,
  });
  razorpay = configureRazorpayClient(
    new Razorpay({ key_id: razorpayFake.keyId, key_secret: razorpayFake.keySecret }),
    {
      apiUrl: new URL(razorpayFake.url),
      timeoutMs: 300,
    },
  );
});
afterAll(async () => {
  await stripeFake.close();
  await razorpayFake.close();
});

describe('which failures are outages', () => {
  it('Stripe: 5xx, 429 and connection failures are; 404 and 400 are not', async () => {
    stripeFake.failNext(1, 500);
    expect(isStripeOutage(await caught(stripe.customers.retrieve('cus_x')))).toBe(true);
    stripeFake.failNext(1, 429);
    expect(isStripeOutage(await caught(stripe.customers.retrieve('cus_x')))).toBe(true);
    stripeFake.down(true, 'socket_destroyed');
    const connection = await caught(stripe.customers.retrieve('cus_x'));
    stripeFake.down(false);
    expect(isStripeOutage(connection)).toBe(true);
    const missing = await caught(stripe.customers.retrieve('cus_x'));
    expect(isStripeOutage(missing)).toBe(false);
    expect(isProviderOutage(missing)).toBe(false);
    expect(isStripeOutage(new Error('boom'))).toBe(false);
  });

  it('Razorpay: 5xx, 429, connection failures and timeouts are; 400 is not', async () => {
    for (const status of [500, 502, 503, 429]) {
      razorpayFake.failNext(1, status);
      expect(isRazorpayOutage(await caught(razorpay.orders.fetch('order_x'))), String(status)).toBe(true);
    }
    razorpayFake.down(true, 'socket_destroyed');
    expect(await caught(razorpay.orders.fetch('order_x'))).toMatchObject({
      statusCode: 0,
      error: { reason: 'connection_failure' },
    });
    razorpayFake.down(false);
    const refused = await caught(razorpay.orders.fetch('order_x'));
    expect(refused).toMatchObject({ statusCode: 400 });
    expect(isRazorpayOutage(refused)).toBe(false);
    expect(isProviderOutage(refused)).toBe(false);
    expect(isRazorpayOutage(null)).toBe(false);
    expect(isRazorpayOutage({ statusCode: 400, error: {} })).toBe(false);
    // An axios error from a direct call (RazorpayX payouts) without an answer.
    expect(isRazorpayOutage({ isAxiosError: true, code: 'ECONNREFUSED' })).toBe(true);
    expect(isRazorpayOutage({ isAxiosError: true, response: { status: 404 } })).toBe(false);
  });

  it('Razorpay: a server that never answers is a timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const client = configureRazorpayClient(new Razorpay({ key_id: 'k', key_secret: 's' }), {
      apiUrl: new URL(`http://127.0.0.1:${port}`),
      timeoutMs: 50,
    });
    const error = await caught(client.orders.fetch('order_x'));
    silent.closeAllConnections();
    silent.close();
    expect(error).toMatchObject({ statusCode: 0, error: { code: 'NETWORK_ERROR', reason: 'timeout' } });
    expect(isRazorpayOutage(error)).toBe(true);
  });

  it('refuses to configure something that is not a Razorpay client', () => {
    expect(() => configureRazorpayClient({ api: {} })).toThrow(/not a Razorpay SDK client/);
  });
});

describe('the guard', () => {
  it('opens after five outages, sends nothing while open, and closes after a good trial 30 s later', async () => {
    const { values, metrics } = gauges();
    const guard = createProviderCallGuard({ name: 'razorpay', clock, metrics });
    expect(values).toEqual([0]);
    razorpayFake.failNext(5, 503);
    for (let attempt = 0; attempt < 5; attempt++) {
      const error = await caught(guard.run(() => razorpay.orders.fetch('order_x')));
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ kind: 'unavailable', code: 'payments_provider_unavailable' });
    }
    expect(guard.state()).toBe('open');
    expect(values).toEqual([0, 2]);
    razorpayFake.requests.length = 0;
    const fast = await caught(guard.run(() => razorpay.orders.fetch('order_x')));
    expect(fast).toMatchObject({ code: 'payments_provider_unavailable', retryAfterSeconds: 30 });
    expect(razorpayFake.requests).toHaveLength(0);
    clock.advance(10_000);
    expect(
      ((await caught(guard.run(() => razorpay.orders.fetch('order_x')))) as AppError).retryAfterSeconds,
    ).toBe(20);
    clock.advance(20_000);
    expect(guard.state()).toBe('half_open');
    const { id } = await razorpay.orders.create({ amount: 100, currency: 'INR' });
    expect((await guard.run(() => razorpay.orders.fetch(id))).id).toBe(id);
    expect(guard.state()).toBe('closed');
    expect(values).toEqual([0, 2, 1, 0]);
  });

  it('passes refusals through untouched and never counts them', async () => {
    const guard = createProviderCallGuard({ name: 'stripe', clock, failureThreshold: 1 });
    const refusal = await caught(guard.run(() => stripe.customers.retrieve('cus_missing')));
    expect(refusal).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const plain = new Error('a bug of ours');
    expect(await caught(guard.run(() => Promise.reject(plain)))).toBe(plain);
    expect(guard.state()).toBe('closed');
  });

  it('answers the provider’s own Retry-After when longer than the breaker’s', async () => {
    const guard = createProviderCallGuard({ name: 'stripe', clock });
    stripeFake.failNext(1, 429, { retryAfterSeconds: 45 });
    const limited = await caught(guard.run(() => stripe.customers.retrieve('cus_x')));
    expect(limited).toMatchObject({ code: 'payments_provider_unavailable', retryAfterSeconds: 45 });
    expect((limited as AppError).cause).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    stripeFake.failNext(1, 503);
    expect(await caught(guard.run(() => stripe.customers.retrieve('cus_x')))).toMatchObject({
      retryAfterSeconds: 1,
    });
  });
});
