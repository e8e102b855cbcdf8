// With REDIS_URL: instances of one deployment share their limits and bans through Redis, and bans
// outlive an app restart.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { bearer } from '../fixtures/identity-client.js';
import { freshAddress, rateLimitApp, signUpAdmin } from '../fixtures/ratelimit-app.js';

describe.skipIf(!process.env.REDIS_URL)('rate limiting shared through Redis', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  const build = async (keyPrefix: string) => {
    const app = await buildTestApp(rateLimitApp, { keyPrefix, env: { RATE_LIMIT_DEFAULT_PER_MINUTE: '6' } });
    apps.push(app);
    return app;
  };

  it('enforces one limit across two instances', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const [a, b] = [await build(keyPrefix), await build(keyPrefix)];
    const client = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const instance = i % 2 === 0 ? a : b;
      statuses.push(
        (await instance.app.inject({ method: 'GET', url: '/ping', remoteAddress: client })).statusCode,
      );
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429, 429, 429]);
  });

  it('keeps a ban across a restart', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const first = await build(keyPrefix);
    const adminAddress = freshAddress();
    const admin = await signUpAdmin(first, adminAddress);
    const client = freshAddress();
    const put = await first.app.inject({
      method: 'PUT',
      url: '/admin/bans',
      remoteAddress: adminAddress,
      headers: bearer(admin),
      payload: { client: `ip:${client}`, durationSeconds: 3600, reason: 'persisted' },
    });
    expect(put.statusCode).toBe(200);
    await apps.splice(0)[0]?.close();

    const restarted = await build(keyPrefix);
    const refused = await restarted.app.inject({ method: 'GET', url: '/ping', remoteAddress: client });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'client_banned' });
  });
});
