// A Redis outage under load, on a redis-server this test starts itself (skipped when none is on the
// PATH): paused (SIGSTOP) and then killed outright, the app answers every request without a 5xx,
// keeps limiting authentication routes in memory, and goes back to Redis once it returns.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  hasRedisServer,
  type OwnRedis,
  startOwnRedis,
  type TestApp,
} from '../../src/testing/index.js';
import { freshAddress, rateLimitApp } from '../fixtures/ratelimit-app.js';

describe.skipIf(!hasRedisServer)('rate limiting through a Redis outage', () => {
  let t: TestApp;
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await buildTestApp(rateLimitApp, { env: { REDIS_URL: redis.url, RATE_LIMIT_AUTH_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.close();
  });

  const ping = (remoteAddress: string) => t.app.inject({ method: 'GET', url: '/ping', remoteAddress });
  const login = (remoteAddress: string) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/login',
      remoteAddress,
      payload: { email: 'nobody@example.com', password: 'not the password at all' },
    });
  const degraded = async () => {
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    return /^ratelimit_degraded\{[^}]*\} 1$/m.test(metrics.body);
  };

  /** Sends requests meanwhile: none may fail, and an auth client must still run out of its budget. */
  async function expectLimitedWithoutErrors() {
    const pings = await Promise.all(Array.from({ length: 40 }, () => ping(freshAddress())));
    expect(pings.filter((response) => response.statusCode >= 500)).toEqual([]);
    const client = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(client)).statusCode);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.slice(3)).toEqual([429, 429]);
  }

  async function expectRecovered() {
    for (let attempt = 0; attempt < 100 && (await degraded()); attempt++) {
      await ping(freshAddress());
      await sleep(100);
    }
    expect(await degraded()).toBe(false);
    const count = (event: string) => t.logs.lines.filter((line) => line.event === event).length;
    expect(count('ratelimit_redis_recovered')).toBe(count('ratelimit_redis_outage'));
  }

  it('limits in memory while Redis is paused, and returns to it after', async () => {
    expect((await ping(freshAddress())).statusCode).toBe(200);
    redis.pause();
    await expectLimitedWithoutErrors();
    expect(await degraded()).toBe(true);
    expect(t.logs.lines.filter((line) => line.event === 'ratelimit_redis_outage')).toHaveLength(1);
    redis.resume();
    await expectRecovered();
  });

  it('limits in memory while Redis is down, and returns to it after a restart', async () => {
    await redis.kill();
    await expectLimitedWithoutErrors();
    expect(await degraded()).toBe(true);
    await redis.restart();
    await expectRecovered();
  });
});
