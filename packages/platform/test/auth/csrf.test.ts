// CSRF protection of cookie-authenticated changes: a one-time X-CSRF-Token of the same user that
// has not expired (even under concurrency), the Origin / Sec-Fetch-Site check, bearer clients left
// alone, failing closed with 503 when the database cannot answer, the hourly purge and hashed
// storage of the tokens.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { built, identityApp } from '../fixtures/identity-app.js';
import { bearer, signUp, type TestUser } from '../fixtures/identity-client.js';

const HOST = 'api.ident.test';
const TRUSTED_ORIGIN = 'https://app.ident.test';
const HOUR_MS = 3_600_000;

describe('CSRF protection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(identityApp, { env: { CORS_ORIGINS: TRUSTED_ORIGIN } });
  });
  afterAll(async () => t?.close());

  /** Signs in with useCookies and returns the Cookie header a browser would send back. */
  async function cookieLogin(user: TestUser): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: user.password, useCookies: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().accessToken).toBeUndefined();
    const setCookie = [response.headers['set-cookie'] ?? []].flat();
    expect(setCookie.map((line) => line.split('=')[0])).toEqual(['__Host-access', '__Host-refresh']);
    return setCookie.map((line) => line.split(';')[0]).join('; ');
  }

  async function csrfToken(cookie: string): Promise<string> {
    const response = await t.app.inject({
      method: 'GET',
      url: '/auth/csrf',
      headers: { host: HOST, cookie },
    });
    expect(response.statusCode).toBe(200);
    return response.json().csrfToken;
  }

  const postThing = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/things', headers: { host: HOST, ...headers } });

  async function editorWithCookie() {
    const user = await signUp(t, { role: 'editor' });
    return { user, cookie: await cookieLogin(user) };
  }

  it('lets a cookie session read without a token', async () => {
    const { user, cookie } = await editorWithCookie();
    const response = await t.app.inject({ method: 'GET', url: '/things', headers: { host: HOST, cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ userId: user.id });
  });

  it('refuses a cookie-authenticated change without a token', async () => {
    const { cookie } = await editorWithCookie();
    const response = await postThing({ cookie });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('csrf_token_missing');
  });

  it('accepts a token once', async () => {
    const { cookie } = await editorWithCookie();
    const token = await csrfToken(cookie);
    const first = await postThing({ cookie, 'x-csrf-token': token });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ created: true });

    const second = await postThing({ cookie, 'x-csrf-token': token });
    expect(second.statusCode).toBe(403);
    expect(second.json().code).toBe('csrf_token_invalid');
    expect((await postThing({ cookie, 'x-csrf-token': await csrfToken(cookie) })).statusCode).toBe(201);
  });

  it("refuses another user's token without spending it", async () => {
    const alice = await editorWithCookie();
    const bob = await editorWithCookie();
    const bobsToken = await csrfToken(bob.cookie);
    const stolen = await postThing({ cookie: alice.cookie, 'x-csrf-token': bobsToken });
    expect(stolen.statusCode).toBe(403);
    expect(stolen.json().code).toBe('csrf_token_invalid');
    expect((await postThing({ cookie: bob.cookie, 'x-csrf-token': bobsToken })).statusCode).toBe(201);
  });

  it('refuses an unknown token', async () => {
    const { cookie } = await editorWithCookie();
    const response = await postThing({ cookie, 'x-csrf-token': 'A'.repeat(43) });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('csrf_token_invalid');
  });

  it('refuses a token older than 2 hours and accepts one just younger', async () => {
    const { user, cookie } = await editorWithCookie();
    const young = await csrfToken(cookie);
    const old = await csrfToken(cookie);
    t.clock.advance(2 * HOUR_MS - 60_000);
    // The access cookie lives 15 minutes, so the browser signs in again meanwhile.
    const later = await cookieLogin(user);
    expect((await postThing({ cookie: later, 'x-csrf-token': young })).statusCode).toBe(201);

    t.clock.advance(60_001);
    const latest = await cookieLogin(user);
    const expired = await postThing({ cookie: latest, 'x-csrf-token': old });
    expect(expired.statusCode).toBe(403);
    expect(expired.json().code).toBe('csrf_token_invalid');
  });

  it('accepts exactly one of 10 concurrent changes sent with one token', async () => {
    const { cookie } = await editorWithCookie();
    const token = await csrfToken(cookie);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => postThing({ cookie, 'x-csrf-token': token })),
    );
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 403)).toHaveLength(9);
    for (const response of responses.filter((r) => r.statusCode === 403)) {
      expect(response.json().code).toBe('csrf_token_invalid');
    }
  });

  describe('where the request comes from', () => {
    it.each([
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
      ['an unlisted Origin', { origin: 'https://evil.example' }],
      ['an Origin on another port of this host', { origin: `http://${HOST}:8080` }],
      ['the opaque Origin "null"', { origin: 'null' }],
    ])('refuses a change with %s even with a valid token, and keeps the token', async (_case, site) => {
      const { cookie } = await editorWithCookie();
      const token = await csrfToken(cookie);
      const refused = await postThing({ cookie, 'x-csrf-token': token, ...site });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('csrf_origin_refused');
      expect((await postThing({ cookie, 'x-csrf-token': token })).statusCode).toBe(201);
    });

    it.each([
      ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }],
      ["the app's own Origin", { origin: `http://${HOST}` }],
      ['an Origin listed in CORS_ORIGINS', { origin: TRUSTED_ORIGIN, 'sec-fetch-site': 'same-site' }],
    ])('accepts a change with %s and a valid token', async (_case, site) => {
      const { cookie } = await editorWithCookie();
      const token = await csrfToken(cookie);
      expect((await postThing({ cookie, 'x-csrf-token': token, ...site })).statusCode).toBe(201);
    });

    it('still needs the token from a listed origin', async () => {
      const { cookie } = await editorWithCookie();
      const response = await postThing({ cookie, origin: TRUSTED_ORIGIN });
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('csrf_token_missing');
    });
  });

  it('asks nothing of bearer-authenticated changes', async () => {
    const user = await signUp(t, { role: 'editor' });
    const sites: Record<string, string>[] = [
      {},
      { 'sec-fetch-site': 'cross-site', origin: 'https://elsewhere.example' },
    ];
    for (const headers of sites) {
      const response = await postThing({ ...bearer(user), ...headers });
      expect(response.statusCode).toBe(201);
    }
    const { rows } = await t.db.executeSql(
      'select count(*)::int as n from auth_csrf_tokens where user_id = $1',
      [user.id],
    );
    expect(rows[0]?.n).toBe(0);
  });

  it('fails closed with 503 when the database cannot check the token', async () => {
    const { cookie } = await editorWithCookie();
    const token = await csrfToken(cookie);
    await t.db.executeSql('alter table auth_csrf_tokens rename to auth_csrf_tokens_gone');
    try {
      const refused = await postThing({ cookie, 'x-csrf-token': token });
      expect(refused.statusCode).toBe(503);
      expect(refused.json().code).toBe('csrf_check_unavailable');
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.body).not.toContain('created');
      const issuing = await t.app.inject({
        method: 'GET',
        url: '/auth/csrf',
        headers: { host: HOST, cookie },
      });
      expect(issuing.statusCode).toBe(503);
      expect(issuing.json().code).toBe('csrf_check_unavailable');
    } finally {
      await t.db.executeSql('alter table auth_csrf_tokens_gone rename to auth_csrf_tokens');
    }
    expect((await postThing({ cookie, 'x-csrf-token': token })).statusCode).toBe(201);
  });

  it('stores only a hash of each token', async () => {
    const { user, cookie } = await editorWithCookie();
    const token = await csrfToken(cookie);
    const { rows } = await t.db.executeSql(
      'select c::text as row, token_hash from auth_csrf_tokens c where user_id = $1',
      [user.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.row).not.toContain(token);
    expect(rows[0]?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('purges tokens that expired more than a day ago and keeps the others', async () => {
    const { user, cookie } = await editorWithCookie();
    const stale = await csrfToken(cookie);
    t.clock.advance(3 * HOUR_MS);
    const recent = await csrfToken(await cookieLogin(user));
    // stale expired 24 h 1 min ago, recent 21 h ago.
    t.clock.advance(23 * HOUR_MS + 60_000);
    const current = await cookieLogin(user);
    const fresh = await csrfToken(current);

    const stored = async () => {
      const { rows } = await t.db.executeSql('select token_hash from auth_csrf_tokens');
      return new Set(rows.map((row) => row.token_hash as string));
    };
    const hash = (token: string) => createHash('sha256').update(token).digest('hex');
    const before = await stored();
    expect([stale, recent, fresh].every((token) => before.has(hash(token)))).toBe(true);

    const purged = await built.identity!.csrf.purgeExpired();
    const after = await stored();
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(purged).toBe(before.size - after.size);
    expect(after.has(hash(stale))).toBe(false);
    expect(after.has(hash(recent))).toBe(true);
    expect(after.has(hash(fresh))).toBe(true);
    expect((await postThing({ cookie: current, 'x-csrf-token': fresh })).statusCode).toBe(201);
  });
});
