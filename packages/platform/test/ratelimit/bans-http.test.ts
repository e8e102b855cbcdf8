// Bans on real HTTP routes and the admin API (memory, or Redis when REDIS_URL is set): a flood gets
// the client banned on every route and on the WebSocket upgrade; admins list, add and lift bans, each
// change audited; anyone else is refused and bad input rejected.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { identityDb } from '../../src/auth/schema.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { bearer, signUp, type TestUser } from '../fixtures/identity-client.js';
import { freshAddress, rateLimitApp, signUpAdmin } from '../fixtures/ratelimit-app.js';

describe('bans', () => {
  let t: TestApp;
  let admin: TestUser;
  const adminAddress = freshAddress();
  beforeAll(async () => {
    t = await buildTestApp(rateLimitApp, {
      env: { RATE_LIMIT_BAN_THRESHOLD_PER_MINUTE: '30', RATE_LIMIT_DEFAULT_PER_MINUTE: '1000' },
    });
    admin = await signUpAdmin(t, adminAddress);
  });
  afterAll(async () => t?.close());

  const ping = (remoteAddress: string) => t.app.inject({ method: 'GET', url: '/ping', remoteAddress });
  const asAdmin = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      remoteAddress: adminAddress,
      headers: bearer(admin),
      ...(payload && { payload }),
    });

  it('bans a client past the threshold on every route, and lists the ban', async () => {
    const client = freshAddress();
    for (let i = 0; i < 30; i++) expect((await ping(client)).statusCode).toBe(200);
    const banned = await ping(client);
    expect(banned.statusCode).toBe(403);
    expect(banned.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(banned.json()).toMatchObject({ code: 'client_banned' });
    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      remoteAddress: client,
      payload: { email: 'a@example.com', password: 'whatever it is here' },
    });
    expect(login.json()).toMatchObject({ status: 403, code: 'client_banned' });
    // Probes still answer a banned address.
    expect((await t.app.inject({ method: 'GET', url: '/health', remoteAddress: client })).statusCode).toBe(
      200,
    );

    const listed = await asAdmin('GET', '/admin/bans');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().bans).toContainEqual(
      expect.objectContaining({
        client: `ip:${client}`,
        reason: expect.stringContaining('more than 30 requests'),
      }),
    );
  });

  it('lets an admin ban and lift a client, auditing both', async () => {
    const client = freshAddress();
    const put = await asAdmin('PUT', '/admin/bans', {
      client: `ip:${client}`,
      durationSeconds: 600,
      reason: 'scraping',
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ client: `ip:${client}`, reason: 'scraping' });
    expect((await ping(client)).statusCode).toBe(403);

    const lifted = await asAdmin('DELETE', `/admin/bans/${encodeURIComponent(`ip:${client}`)}`);
    expect(lifted.statusCode).toBe(204);
    expect((await ping(client)).statusCode).toBe(200);
    expect((await asAdmin('GET', '/admin/bans')).json().bans).not.toContainEqual(
      expect.objectContaining({ client: `ip:${client}` }),
    );
    expect((await asAdmin('DELETE', `/admin/bans/ip:${client}`)).statusCode).toBe(404);

    const audit = await identityDb(t.db)
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'target_id'])
      .where('target_id', '=', `ip:${client}`)
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'ratelimit.ban', actor_id: admin.id, target_id: `ip:${client}` },
      { action: 'ratelimit.unban', actor_id: admin.id, target_id: `ip:${client}` },
    ]);
  });

  it('refuses the ban API to anyone without the permission, and bad input', async () => {
    const member = await signUp(t);
    const address = freshAddress();
    const asMember = await t.app.inject({
      method: 'GET',
      url: '/admin/bans',
      remoteAddress: address,
      headers: bearer(member),
    });
    expect(asMember.statusCode).toBe(403);
    expect(asMember.json()).toMatchObject({ code: 'permission_denied' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/admin/bans', remoteAddress: address })).statusCode,
    ).toBe(401);

    for (const payload of [
      { client: 'ip:10.9.9.9', durationSeconds: 0, reason: 'x' },
      { client: 'ip:10.9.9.9', durationSeconds: 60, reason: '' },
      { client: 'someone', durationSeconds: 60, reason: 'x' },
      { client: 'ip:10.9.9.9', durationSeconds: 60, reason: 'x', until: 'forever' },
      { client: 'ip:10.9.9.9', durationSeconds: 1.5, reason: 'x' },
    ]) {
      const response = await asAdmin('PUT', '/admin/bans', payload);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed' });
    }
    expect((await asAdmin('DELETE', '/admin/bans/nobody')).statusCode).toBe(400);
  });

  it('refuses the WebSocket upgrade of a banned client with 403', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const status = () =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/someone`);
        socket.on('unexpected-response', (request, response) => {
          request.destroy();
          resolve(response.statusCode ?? 0);
        });
        socket.on('open', () => {
          socket.terminate();
          resolve(101);
        });
        socket.on('error', reject);
      });
    expect(await status()).toBe(101);
    const put = await asAdmin('PUT', '/admin/bans', {
      client: 'ip:127.0.0.1',
      durationSeconds: 60,
      reason: 'test',
    });
    expect(put.statusCode).toBe(200);
    expect(await status()).toBe(403);
  });
});
