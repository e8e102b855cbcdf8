// The limiter on real HTTP routes (memory store, or Redis when REDIS_URL is set): exact counts under a
// burst, the headers on allowed and refused answers, stricter auth routes, per-user and per-IP keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { bearer, signUp } from '../fixtures/identity-client.js';
import { freshAddress, rateLimitApp } from '../fixtures/ratelimit-app.js';

describe('rate limits on HTTP routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(rateLimitApp, {
      env: { RATE_LIMIT_DEFAULT_PER_MINUTE: '5', RATE_LIMIT_AUTH_PER_MINUTE: '3' },
    });
  });
  afterAll(async () => t?.close());

  const ping = (remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: '/ping', remoteAddress, headers });

  it('admits exactly the limit in a burst, then answers 429 problem+json with Retry-After', async () => {
    const client = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await ping(client)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);

    const refused = await ping(client);
    expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    const retryAfter = Number(refused.headers['retry-after']);
    // One request's worth of the steady rate: 60 s / 5.
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(12);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');
    expect(refused.headers.ratelimit).toMatch(/^"default";r=0;t=\d+$/);
  });

  it('tells an admitted client its policy and what remains', async () => {
    const client = freshAddress();
    const first = await ping(client);
    expect(first.headers['ratelimit-policy']).toBe('"default";q=5;w=60');
    expect(first.headers['x-ratelimit-limit']).toBe('5');
    expect(first.headers['x-ratelimit-remaining']).toBe('4');
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(1);
    expect(first.headers.ratelimit).toMatch(/^"default";r=4;t=\d+$/);
    expect(first.headers['retry-after']).toBeUndefined();
    expect((await ping(client)).headers['x-ratelimit-remaining']).toBe('3');
  });

  it('limits authentication routes more strictly, in a bucket of their own', async () => {
    const client = freshAddress();
    const login = () =>
      t.app.inject({
        method: 'POST',
        url: '/auth/login',
        remoteAddress: client,
        payload: { email: 'nobody@example.com', password: 'not the password at all' },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await login()).statusCode);
    expect(statuses.slice(0, 3)).not.toContain(429);
    expect(statuses[3]).toBe(429);
    const refused = await login();
    expect(refused.headers['ratelimit-policy']).toBe('"auth";q=3;w=60');
    expect((await ping(client)).statusCode).toBe(200);
  });

  it('never limits health, readiness or metrics', async () => {
    const client = freshAddress();
    for (let i = 0; i < 10; i++) {
      const health = await t.app.inject({ method: 'GET', url: '/health', remoteAddress: client });
      expect(health.statusCode).toBe(200);
      expect(health.headers['x-ratelimit-limit']).toBeUndefined();
    }
    expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: client })).statusCode).toBe(
      200,
    );
  });

  it('limits a caller with a valid token per user, apart from its address', async () => {
    const client = freshAddress();
    const user = await signUp(t);
    for (let i = 0; i < 5; i++) expect((await ping(client, bearer(user))).statusCode).toBe(200);
    expect((await ping(client, bearer(user))).statusCode).toBe(429);
    // The address itself still has its whole budget, and the user's is spent from anywhere.
    expect((await ping(client)).statusCode).toBe(200);
    expect((await ping(freshAddress(), bearer(user))).statusCode).toBe(429);
  });

  it('counts a forged token against the address, so forging buys no fresh bucket', async () => {
    const client = freshAddress();
    const user = await signUp(t);
    const [header, payload] = user.accessToken.split('.');
    for (let i = 0; i < 5; i++) {
      const forged = { authorization: `Bearer ${header}.${payload}.forged${i}` };
      expect((await ping(client, forged)).statusCode).toBe(200);
    }
    expect((await ping(client, { authorization: `Bearer ${header}.${payload}.other` })).statusCode).toBe(429);
    expect((await ping(client)).statusCode).toBe(429);
  });
});
