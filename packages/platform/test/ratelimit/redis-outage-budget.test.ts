// What a client has left when Redis dies, on a redis-server this test starts itself (skipped when none
// is on the PATH): the in-memory fallback starts each client where Redis left it, so a client that
// spent its budget against Redis gets no fresh one from the outage, and one that spent part of it
// keeps only the rest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  hasRedisServer,
  type OwnRedis,
  startOwnRedis,
  type TestApp,
} from '../../src/testing/index.js';
import { freshAddress, rateLimitApp } from '../fixtures/ratelimit-app.js';

describe.skipIf(!hasRedisServer)('budgets across a Redis outage', () => {
  let t: TestApp;
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await buildTestApp(rateLimitApp, {
      env: {
        REDIS_URL: redis.url,
        RATE_LIMIT_DEFAULT_PER_MINUTE: '3',
        RATE_LIMIT_AUTH_PER_MINUTE: '2',
        // A loaded machine must not pass for an outage before Redis is killed; a dead one refuses at once.
        RATE_LIMIT_REDIS_TIMEOUT_MS: '3000',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.close();
  });

  const ping = async (remoteAddress: string) =>
    (await t.app.inject({ method: 'GET', url: '/ping', remoteAddress })).statusCode;
  const login = async (remoteAddress: string) =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        remoteAddress,
        payload: { email: 'nobody@example.com', password: 'not the password at all' },
      })
    ).statusCode;
  const degraded = async () =>
    /^ratelimit_degraded\{[^}]*\} 1$/m.test((await t.app.inject({ method: 'GET', url: '/metrics' })).body);
  const times = async (count: number, send: () => Promise<number>) => {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) statuses.push(await send());
    return statuses;
  };

  it('item 26: a client that has spent its budget against Redis does not get a fresh budget when Redis dies', async () => {
    const spent = freshAddress();
    const partly = freshAddress();
    // Few requests per minute, so nothing refills in the seconds this test takes.
    expect(await times(4, () => ping(spent))).toEqual([200, 200, 200, 429]);
    expect(await times(3, () => login(spent))).toEqual([401, 401, 429]);
    expect(await times(1, () => ping(partly))).toEqual([200]);
    expect(await degraded()).toBe(false);

    await redis.kill();
    expect(await times(3, () => ping(spent))).toEqual([429, 429, 429]);
    expect(await degraded()).toBe(true);
    expect(await times(2, () => login(spent))).toEqual([429, 429]);
    expect(await times(3, () => ping(partly))).toEqual([200, 200, 429]);
    // A client this instance never asked Redis about is limited from a whole budget, as a new one.
    expect(await times(3, () => ping(freshAddress()))).toEqual([200, 200, 200]);
  });
});
