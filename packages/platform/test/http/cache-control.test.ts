// Item 10: nothing the API answers is stored by a browser, proxy or CDN unless its route opts in.
// Auth answers carrying tokens or a TOTP secret, authenticated reads and every error go out with
// `Cache-Control: no-store`; a route declaring `config.cacheControl` sends its own policy on success.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppDefinition, AppError } from '../../src/index.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';
import { bearer, goodPassword, signUp } from '../fixtures/identity-client.js';

const publicPolicy = 'public, max-age=60';

const appWithPublicRoutes: AppDefinition = {
  ...identityApp,
  async registerModules(app, dependencies) {
    await identityApp.registerModules(app, dependencies);
    app.get('/catalogue', { config: { cacheControl: publicPolicy } }, async () => ({ items: [] }));
    app.get('/catalogue/missing', { config: { cacheControl: publicPolicy } }, async () => {
      throw new AppError({ kind: 'not_found', code: 'item_not_found', detail: 'No such item.' });
    });
    app.get('/catalogue/own-header', async (_request, reply) =>
      reply.header('cache-control', 'private, max-age=5').send({ items: [] }),
    );
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(appWithPublicRoutes);
});
afterAll(async () => t?.close());

describe('cache rules', () => {
  it('item 10: sign-up, sign-in and refresh answers with tokens are no-store', async () => {
    const email = `cache-${Date.now()}@example.com`;
    const signup = await t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email, password: goodPassword, role: 'member' },
    });
    expect(signup.statusCode).toBe(201);
    expect(signup.headers['cache-control']).toBe('no-store');

    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email, password: goodPassword },
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().accessToken).toEqual(expect.any(String));
    expect(login.headers['cache-control']).toBe('no-store');

    const refresh = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refreshToken: login.json().refreshToken },
    });
    expect(refresh.statusCode).toBe(200);
    expect(refresh.headers['cache-control']).toBe('no-store');
  });

  it('item 10: the TOTP secret of /auth/2fa/setup is no-store', async () => {
    const user = await signUp(t);
    const setup = await t.app.inject({
      method: 'POST',
      url: '/auth/2fa/setup',
      headers: bearer(user),
      payload: { password: user.password },
    });
    expect(setup.statusCode).toBe(200);
    expect(setup.json().secret).toEqual(expect.any(String));
    expect(setup.headers['cache-control']).toBe('no-store');
  });

  it('item 10: authenticated reads and every error answer are no-store', async () => {
    const user = await signUp(t);
    for (const url of ['/auth/me', '/things', '/auth/sessions']) {
      const response = await t.app.inject({ method: 'GET', url, headers: bearer(user) });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['cache-control'], url).toBe('no-store');
    }
    const errors = await Promise.all([
      t.app.inject({ method: 'GET', url: '/things' }),
      t.app.inject({ method: 'GET', url: '/no-such-route' }),
      t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'x' } }),
    ]);
    expect(errors.map((response) => response.statusCode)).toEqual([401, 404, 400]);
    for (const response of errors) expect(response.headers['cache-control']).toBe('no-store');
  });

  it('item 10: a route that opts in sends its policy on success and no-store on errors', async () => {
    const listed = await t.app.inject({ method: 'GET', url: '/catalogue' });
    expect(listed.statusCode).toBe(200);
    expect(listed.headers['cache-control']).toBe(publicPolicy);

    const missing = await t.app.inject({ method: 'GET', url: '/catalogue/missing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');

    const own = await t.app.inject({ method: 'GET', url: '/catalogue/own-header' });
    expect(own.headers['cache-control']).toBe('private, max-age=5');
  });
});
