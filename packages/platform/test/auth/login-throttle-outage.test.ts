// Signing in through a Redis outage, on a redis-server this test starts itself (skipped, and reported
// as skipped, only when none is on the PATH; CI installs one): with Redis stopped, POST /auth/login
// never answers 500. Attempts are reserved in memory instead, conservatively (no free attempts, the
// escalating lock from the first failure), a two-factor challenge that cannot be stored is a 503 with
// Retry-After, and once Redis is back a probe switches the throttle back to it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { totpCode } from '../../src/auth/totp.js';
import {
  buildTestApp,
  hasRedisServer,
  type OwnRedis,
  startOwnRedis,
  type TestApp,
} from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';
import { bearer, signUp, type TestUser } from '../fixtures/identity-client.js';

describe.skipIf(!hasRedisServer)('item 22: the login throttle through a Redis outage', () => {
  let t: TestApp;
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await buildTestApp(identityApp, { env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.close();
  });

  const logIn = (user: TestUser, password = user.password) =>
    t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password } });
  const events = (name: string) => t.logs.lines.filter((line) => line.event === name);

  async function enrolSecondFactor(user: TestUser): Promise<void> {
    const setup = await t.app.inject({
      method: 'POST',
      url: '/auth/2fa/setup',
      payload: { password: user.password },
      headers: bearer(user),
    });
    const code = totpCode(setup.json().secret, t.clock.now().getTime());
    const confirmed = await t.app.inject({
      method: 'POST',
      url: '/auth/2fa/confirm',
      payload: { code },
      headers: bearer(user),
    });
    expect(confirmed.statusCode).toBe(200);
  }

  it('item 22: signs in with Redis stopped, counting attempts in memory without a fresh budget, and returns to Redis', async () => {
    const [owner, target, enrolled, later] = [
      await signUp(t),
      await signUp(t),
      await signUp(t),
      await signUp(t),
    ];
    await enrolSecondFactor(enrolled);
    await redis.stop();

    const signedIn = await logIn(owner);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(events('auth_throttle_redis_outage')).toHaveLength(1);

    // No attempt is free in memory: the first failure locks for 1 s, even against the right password.
    const wrong = await logIn(target, 'not the password at all 1');
    expect(wrong.statusCode).toBe(401);
    for (const password of ['not the password at all 2', target.password]) {
      const locked = await logIn(target, password);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe('login_locked');
      expect(locked.headers['retry-after']).toBe('1');
    }
    t.clock.advance(1000);
    expect((await logIn(target)).statusCode).toBe(200);

    // A second-factor challenge needs the shared store: a 503 to retry, never a 500.
    const challenge = await logIn(enrolled);
    expect(challenge.statusCode).toBe(503);
    expect(challenge.json().code).toBe('dependency_unavailable');
    expect(Number(challenge.headers['retry-after'])).toBeGreaterThan(0);
    expect(events('auth_throttle_redis_outage')).toHaveLength(1);

    await redis.restart();
    // The client reconnects in the background; each probe interval one attempt tries Redis again.
    await vi.waitFor(
      async () => {
        t.clock.advance(1000);
        expect((await logIn(owner)).statusCode).toBe(200);
        expect(events('auth_throttle_redis_recovered')).toHaveLength(1);
      },
      { timeout: 20_000, interval: 200 },
    );
    // Back on Redis, the usual three free attempts per address apply again.
    for (let attempt = 0; attempt < 4; attempt++) {
      expect((await logIn(later, `wrong password number ${attempt}`)).statusCode).toBe(401);
    }
    expect((await logIn(later)).statusCode).toBe(429);
    expect((await logIn(enrolled)).json().status).toBe('two_factor_required');
  });
});
