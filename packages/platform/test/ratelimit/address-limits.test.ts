// Per-address limits whatever token comes along (memory store, or Redis when REDIS_URL is set): an
// address chaining self-made accounts runs out of its sign-up budget and gets banned, a valid token
// never buys an address a fresh bucket on authentication routes, and rotating tokens on other routes
// still meets the address's ban ceiling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { bearer, goodPassword } from '../fixtures/identity-client.js';
import { freshAddress, rateLimitApp } from '../fixtures/ratelimit-app.js';

describe('limits per address on authentication routes and a ban ceiling per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(rateLimitApp, {
      env: {
        RATE_LIMIT_AUTH_PER_MINUTE: '3',
        RATE_LIMIT_DEFAULT_PER_MINUTE: '1000',
        RATE_LIMIT_BAN_THRESHOLD_PER_MINUTE: '5',
        RATE_LIMIT_ADDRESS_BAN_THRESHOLD_PER_MINUTE: '8',
      },
    });
  });
  afterAll(async () => t?.close());

  let accounts = 0;
  const signUp = (remoteAddress: string, headers: Record<string, string> = {}) => {
    accounts += 1;
    return t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      remoteAddress,
      headers,
      payload: {
        email: `chain${accounts}-${Date.now()}@example.com`,
        password: goodPassword,
        role: 'member',
      },
    });
  };
  /** Valid access tokens of accounts made from addresses of their own. */
  async function tokensFromElsewhere(count: number): Promise<{ accessToken: string }[]> {
    const made = [];
    for (let i = 0; i < count; i++) {
      const response = await signUp(freshAddress());
      expect(response.statusCode).toBe(201);
      made.push({ accessToken: response.json().accessToken as string });
    }
    return made;
  }
  const ping = (remoteAddress: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: '/ping', remoteAddress, headers });

  it('item 7: one address signing up with a different valid token each time gets 429 at the per-address limit', async () => {
    const address = freshAddress();
    const tokens = await tokensFromElsewhere(5);
    const responses = [];
    for (const token of tokens) responses.push(await signUp(address, bearer(token)));
    expect(responses.map((response) => response.statusCode)).toEqual([201, 201, 201, 429, 429]);
    const refused = responses[4];
    expect(refused?.headers['ratelimit-policy']).toBe('"auth";q=3;w=60');
    expect(refused?.json()).toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('item 7: an address chaining the accounts it makes is limited, then banned, token or not', async () => {
    const address = freshAddress();
    const statuses: number[] = [];
    let token: Record<string, string> = {};
    for (let i = 0; i < 6; i++) {
      const response = await signUp(address, token);
      statuses.push(response.statusCode);
      if (response.statusCode === 201) token = bearer(response.json());
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429, 403]);
    expect((await ping(address)).json()).toMatchObject({ status: 403, code: 'client_banned' });
  });

  it('item 7: the ban trigger bans the address even when every request carries a different token', async () => {
    const address = freshAddress();
    const tokens = await tokensFromElsewhere(6);
    const statuses: number[] = [];
    for (const token of tokens) statuses.push((await signUp(address, bearer(token))).statusCode);
    expect(statuses).toEqual([201, 201, 201, 429, 429, 403]);
    expect((await ping(address)).json()).toMatchObject({ status: 403, code: 'client_banned' });
    // The users behind the tokens are not banned: only the address sent too much.
    expect((await ping(freshAddress(), bearer(tokens[0] ?? { accessToken: '' }))).statusCode).toBe(200);
  });

  it('item 7: rotating valid tokens on other routes meets the per-address ban ceiling', async () => {
    const address = freshAddress();
    const tokens = await tokensFromElsewhere(9);
    const statuses: number[] = [];
    for (const token of tokens) statuses.push((await ping(address, bearer(token))).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 403]);
    expect((await ping(address)).json()).toMatchObject({ status: 403, code: 'client_banned' });
    expect((await t.app.bans.isBanned(`ip:${address}`))?.reason).toMatch(/more than 8 requests/);
  });

  it('item 7: password change and second-factor routes are limited per address whatever token comes along', async () => {
    for (const url of ['/auth/password', '/auth/2fa/setup', '/auth/2fa/confirm', '/auth/2fa/disable']) {
      const address = freshAddress();
      const statuses: number[] = [];
      for (const token of await tokensFromElsewhere(4)) {
        const response = await t.app.inject({
          method: 'POST',
          url,
          remoteAddress: address,
          headers: bearer(token),
          payload: { password: 'not the password at all', code: '000000' },
        });
        statuses.push(response.statusCode);
      }
      expect(statuses.slice(0, 3), url).not.toContain(429);
      expect(statuses[3], url).toBe(429);
    }
  });

  it('a valid token on an authentication route also draws on its user budget, from any address', async () => {
    const [token] = await tokensFromElsewhere(1);
    if (!token) throw new Error('no token');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signUp(freshAddress(), bearer(token))).statusCode);
    expect(statuses).toEqual([201, 201, 201, 429]);
  });
});
