// Credit packs and orders as a client sees them: the public pack list; an order through each
// provider's official SDK against the fakes (what reaches the provider, what the client gets back);
// the same Idempotency-Key answering the same order without a second provider call; a provider
// outage leaving the order open for a retry; bad input refused naming the field with nothing
// stored; another user's order a 404; staff listing by user and status.
import { operationsWithoutExamples } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { keyed, newKey, signUp, type TestUser } from '../support/pairly-client.js';
import {
  getOrder,
  type OrderJson,
  order,
  orderCount,
  type PaymentsTestEnv,
  postOrder,
  RAZORPAY_KEY_ID,
  RETURN_ORIGIN,
  startPaymentsApp,
  stripeOrderBody,
} from './support.js';

let env: PaymentsTestEnv;
let fan: TestUser;
let other: TestUser;

beforeAll(async () => {
  env = await startPaymentsApp();
  fan = await signUp(env.t, 'fan');
  other = await signUp(env.t, 'creator');
});
afterAll(() => env?.close());

describe('the credit pack list', () => {
  it('is public and cacheable, with a price per currency and the provider that takes it', async () => {
    const response = await env.t.app.inject({ method: 'GET', url: '/credit-packs' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    const { packs } = response.json() as {
      packs: Array<{
        id: string;
        credits: number;
        prices: Array<{ currency: string; amount: number; provider: string }>;
      }>;
    };
    expect(packs.map((pack) => pack.id)).toEqual(['starter', 'popular', 'pro']);
    const starter = packs[0];
    expect(starter?.credits).toBe(100);
    expect(starter?.prices).toEqual([
      { currency: 'INR', amount: 9900, provider: 'razorpay' },
      { currency: 'USD', amount: 199, provider: 'stripe' },
      { currency: 'EUR', amount: 199, provider: 'stripe' },
      { currency: 'GBP', amount: 179, provider: 'stripe' },
    ]);
  });
});

describe('ordering through Stripe', () => {
  it('makes a Checkout Session in payment mode for the pack price, tagged with the order, and answers its page', async () => {
    env.stripe.requests.length = 0;
    const made = await order(env, fan, stripeOrderBody('popular', 'EUR'));
    expect(made).toMatchObject({
      packId: 'popular',
      credits: 550,
      amount: 949,
      currency: 'EUR',
      provider: 'stripe',
      status: 'created',
      razorpay: null,
      creditsGranted: 0,
    });
    expect(made.providerOrderId).toMatch(/^cs_/);
    expect(made.checkoutUrl).toMatch(/^https:\/\//);
    const [call] = env.stripe.requests;
    expect(call?.path).toBe('/v1/checkout/sessions');
    expect(call?.idempotencyKey).toBe(`order:${made.id}`);
    expect(call?.params).toMatchObject({
      mode: 'payment',
      client_reference_id: made.id,
      metadata: { orderId: made.id, userId: fan.id },
      payment_intent_data: { metadata: { orderId: made.id, userId: fan.id } },
      line_items: [{ quantity: '1', price_data: { currency: 'eur', unit_amount: '949' } }],
      success_url: `${RETURN_ORIGIN}/credits?checkout=done`,
    });
  });

  it('answers the same order for the same key and body without calling Stripe again; another body is a 409', async () => {
    const key = newKey();
    const first = await order(env, fan, stripeOrderBody(), key);
    const calls = env.stripe.requests.length;
    const again = await postOrder(env, fan, stripeOrderBody(), key);
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first);
    expect(env.stripe.requests.length).toBe(calls);

    const conflicting = await postOrder(env, fan, stripeOrderBody('pro'), key);
    expectProblem(conflicting, 409, 'idempotency_key_reused');
    // Keys are the caller's own: another user's same key makes another order.
    const theirs = await order(env, other, stripeOrderBody(), key);
    expect(theirs.id).not.toBe(first.id);
  });

  it('answers 503 with Retry-After when Stripe is down, keeps the order open, and a retry with the key completes it', async () => {
    const key = newKey();
    const before = await orderCount(env, fan.id);
    env.stripe.down(true);
    try {
      const refused = await postOrder(env, fan, stripeOrderBody(), key);
      expectProblem(refused, 503, 'payments_provider_unavailable');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      env.stripe.down(false);
    }
    expect(await orderCount(env, fan.id)).toBe(before + 1);
    const retried = await postOrder(env, fan, stripeOrderBody(), key);
    expect(retried.statusCode, retried.body).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.json()).toMatchObject({
      status: 'created',
      providerOrderId: expect.stringMatching(/^cs_/),
    });
    expect(await orderCount(env, fan.id)).toBe(before + 1);
  });
});

describe('ordering through Razorpay', () => {
  it('makes a Razorpay order for the INR price with the order as receipt and notes, and answers what the widget needs', async () => {
    env.razorpay.requests.length = 0;
    const made = await order(env, fan, { packId: 'starter', currency: 'INR' });
    expect(made).toMatchObject({ amount: 9900, currency: 'INR', provider: 'razorpay', checkoutUrl: null });
    expect(made.providerOrderId).toMatch(/^order_/);
    expect(made.razorpay).toEqual({
      keyId: RAZORPAY_KEY_ID,
      orderId: made.providerOrderId,
      amount: 9900,
      currency: 'INR',
    });
    const [call] = env.razorpay.requests;
    expect(call?.path).toBe('/v1/orders');
    expect(call?.keyId).toBe(RAZORPAY_KEY_ID);
    expect(call?.body).toMatchObject({
      amount: 9900,
      currency: 'INR',
      receipt: made.id,
      notes: { orderId: made.id, userId: fan.id },
    });
    expect(env.razorpay.orders.get(made.providerOrderId as string)?.receipt).toBe(made.id);
  });
});

describe('bad input', () => {
  const cases: Array<[string, Record<string, unknown>, number, string, string]> = [
    ['an unknown pack', { packId: 'mega', currency: 'USD' }, 400, 'pack_not_found', '/body/packId'],
    [
      'a currency not offered',
      { ...stripeOrderBody(), currency: 'JPY' },
      400,
      'currency_not_offered',
      '/body/currency',
    ],
    [
      'a success URL on another origin',
      { ...stripeOrderBody(), successUrl: 'https://evil.example.net/steal' },
      400,
      'return_url_not_allowed',
      '/body/successUrl',
    ],
    [
      'a cancel URL on another origin',
      { ...stripeOrderBody(), cancelUrl: 'http://app.example.com/credits' },
      400,
      'return_url_not_allowed',
      '/body/cancelUrl',
    ],
    [
      'a Stripe order without a success URL',
      { packId: 'starter', currency: 'GBP', cancelUrl: `${RETURN_ORIGIN}/x` },
      400,
      'return_url_required',
      '/body/successUrl',
    ],
    ['no pack', { currency: 'INR' }, 400, 'validation_failed', '/body/packId'],
    [
      'an oversized pack id',
      { packId: 'p'.repeat(41), currency: 'INR' },
      400,
      'validation_failed',
      '/body/packId',
    ],
    [
      'an oversized success URL',
      { ...stripeOrderBody(), successUrl: `${RETURN_ORIGIN}/${'a'.repeat(2100)}` },
      400,
      'validation_failed',
      '/body/successUrl',
    ],
    [
      'a lower-case currency',
      { packId: 'starter', currency: 'inr' },
      400,
      'validation_failed',
      '/body/currency',
    ],
    [
      'an amount sent by the client',
      { packId: 'starter', currency: 'INR', amount: 1 },
      400,
      'validation_failed',
      '/body/amount',
    ],
  ];

  it.each(cases)(
    '%s is refused naming the field, and nothing is stored or sent',
    async (_name, body, status, code, path) => {
      const before = await orderCount(env);
      const calls = env.stripe.requests.length + env.razorpay.requests.length;
      const response = await postOrder(env, fan, body);
      expectProblem(response, status, code, path);
      expect(await orderCount(env)).toBe(before);
      expect(env.stripe.requests.length + env.razorpay.requests.length).toBe(calls);
    },
  );

  it('refuses an order without an Idempotency-Key, naming the header', async () => {
    const response = await env.t.app.inject({
      method: 'POST',
      url: '/payments/orders',
      headers: fan.headers,
      payload: stripeOrderBody(),
    });
    expectProblem(response, 400, undefined, '/headers/idempotency-key');
  });
});

describe('reading orders', () => {
  let mine: OrderJson;

  beforeAll(async () => {
    // Orders list newest first: this one is made later than the others.
    env.t.clock.advance(60_000);
    mine = await order(env, fan, { packId: 'pro', currency: 'INR' });
  });

  it("lets the owner read an order; another user's read is a 404, as is an unknown id", async () => {
    expect((await getOrder(env, fan, mine.id)).id).toBe(mine.id);
    const foreign = await env.t.app.inject({
      method: 'GET',
      url: `/payments/orders/${mine.id}`,
      headers: other.headers,
    });
    expectProblem(foreign, 404, 'order_not_found');
    const unknown = await env.t.app.inject({
      method: 'GET',
      url: '/payments/orders/00000000-0000-4000-8000-00000000abcd',
      headers: fan.headers,
    });
    expectProblem(unknown, 404, 'order_not_found');
  });

  it('lists only your own orders, newest first, page by page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const response = await env.t.app.inject({
        method: 'GET',
        url: `/payments/orders${query}`,
        headers: fan.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json() as { items: OrderJson[]; nextCursor: string | null };
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen[0]).toBe(mine.id);
    expect(seen.length).toBe(await orderCount(env, fan.id));
    expect(new Set(seen).size).toBe(seen.length);
    const theirs = await env.t.app.inject({ method: 'GET', url: '/payments/orders', headers: other.headers });
    expect((theirs.json() as { items: OrderJson[] }).items.map((item) => item.id)).not.toContain(mine.id);
    const badCursor = await env.t.app.inject({
      method: 'GET',
      url: '/payments/orders?cursor=abc',
      headers: fan.headers,
    });
    expectProblem(badCursor, 400, 'cursor_invalid', '/querystring/cursor');
  });

  it('lets staff with payments:read list orders by user and status; fans cannot', async () => {
    const finance = await signUp(env.t, 'finance');
    const admin = await signUp(env.t, 'admin');
    for (const staff of [finance, admin]) {
      const response = await env.t.app.inject({
        method: 'GET',
        url: `/admin/payments/orders?userId=${fan.id}&status=created&limit=100`,
        headers: staff.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
      const items = (response.json() as { items: Array<{ id: string; userId: string; status: string }> })
        .items;
      expect(items.map((item) => item.id)).toContain(mine.id);
      expect(items.every((item) => item.userId === fan.id && item.status === 'created')).toBe(true);
    }
    const refused = await env.t.app.inject({
      method: 'GET',
      url: '/admin/payments/orders',
      headers: fan.headers,
    });
    expectProblem(refused, 403);
  });

  it('refuses a moderator (no payments permission) both as a buyer and as staff', async () => {
    const moderator = await signUp(env.t, 'moderator');
    expectProblem(await postOrder(env, moderator, stripeOrderBody()), 403);
    expectProblem(await keyed(env.t, moderator, { method: 'GET', url: '/admin/payments/orders' }), 403);
  });
});

describe('the payments routes in /docs', () => {
  it('show an example for every request body and every 2xx answer', async () => {
    const response = await env.t.app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as { paths: Record<string, unknown> };
    const prefixes = ['/payments', '/admin/payments', '/credit-packs', '/webhooks'];
    // The check covers the routes it is meant for (an emptied document would pass it vacuously).
    for (const path of [
      '/credit-packs',
      '/payments/orders',
      '/admin/payments/orders',
      '/admin/payments/reviews/orders',
      '/admin/payments/reconciliation/findings',
    ]) {
      expect(Object.keys(document.paths), path).toContain(path);
    }
    expect(operationsWithoutExamples(document, prefixes)).toEqual([]);
  });
});
