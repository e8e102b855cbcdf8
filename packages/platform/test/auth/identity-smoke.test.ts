// The identity routes end to end: sign up, reach a guarded route, sign in again, sign out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';
import { bearer, goodPassword, signUp } from '../fixtures/identity-client.js';

describe('identity end to end', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(identityApp);
  });
  afterAll(async () => t?.close());

  it('signs up, uses a guarded route, signs in and out', async () => {
    const user = await signUp(t, { role: 'editor' });
    expect((await t.app.inject({ method: 'GET', url: '/things', headers: bearer(user) })).json()).toEqual({
      userId: user.id,
    });
    const me = (await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) })).json();
    expect(me).toMatchObject({ id: user.id, email: user.email, role: 'editor', twoFactorEnabled: false });

    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: goodPassword },
    });
    expect(login.statusCode).toBe(200);
    const second = login.json();
    const logout = await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(second) });
    expect(logout.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/things', headers: bearer(second) });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('session_revoked');
    expect((await t.app.inject({ method: 'GET', url: '/things', headers: bearer(user) })).statusCode).toBe(
      200,
    );
  });

  it('lists the identity routes in the API document', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/auth/signup',
        '/auth/login',
        '/auth/login/2fa',
        '/auth/refresh',
        '/auth/sessions',
        '/auth/2fa/setup',
      ]),
    );
  });
});
