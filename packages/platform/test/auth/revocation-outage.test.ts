// Session revocation through Redis failures, on a redis-server this file starts itself (skipped when
// none is on the PATH): the database row is the truth, so a Redis restarted empty does not bring a
// revoked token back (item 23); with Redis stopped or frozen, token checks and logout keep working
// from the database instead of answering 500 (item 22); and a logout whose mark never reached
// Redis is repaired by logging out again (item 9). "Another instance" is a second session service on
// the same database and Redis, with nothing cached yet, as a freshly started process would be.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyValueStore, type KeyValueStore } from '../../src/kv/index.js';
import {
  buildTestApp,
  hasRedisServer,
  type OwnRedis,
  startOwnRedis,
  type TestApp,
} from '../../src/testing/index.js';
import { built, identityApp } from '../fixtures/identity-app.js';
import { bearer, signUp, type TestUser } from '../fixtures/identity-client.js';
import { anotherSessionService, sessionStateKey } from '../fixtures/session-instance.js';

describe.skipIf(!hasRedisServer)('session revocation through Redis failures', () => {
  let t: TestApp;
  let redis: OwnRedis;
  const keyPrefix = `test:${randomUUID()}:`;
  const stores: KeyValueStore[] = [];

  beforeAll(async () => {
    redis = await startOwnRedis();
    t = await buildTestApp(identityApp, { env: { REDIS_URL: redis.url }, keyPrefix });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
    await redis?.close();
  });

  /** Another instance of the app: same database, same Redis keys, empty caches. */
  async function anotherInstance() {
    const kv = await createKeyValueStore({ url: redis.url, keyPrefix, onError: () => undefined });
    stores.push(kv);
    return { sessions: anotherSessionService(t, kv), kv };
  }
  const revokedOnNewInstance = async (user: TestUser) =>
    (await anotherInstance()).sessions.isRevoked(user.sessionId);

  const me = (user: TestUser) => t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) });
  const logout = (user: TestUser) =>
    t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(user) });
  const sessionState = (user: TestUser) => t.kv.get(sessionStateKey(user.sessionId));
  const events = (event: string) => t.logs.lines.filter((line) => line.event === event).length;

  const bypassingRedis = () => built.identity?.sessions.revocationStatus().unreachable ?? true;
  const reachable = () =>
    t.kv.ping().then(
      () => true,
      () => false,
    );

  /** Sends token checks until the app's client and its revocation check use Redis again. */
  async function untilRecovered(user: TestUser): Promise<void> {
    for (let attempt = 0; attempt < 100 && (bypassingRedis() || !(await reachable())); attempt++) {
      await me(user);
      await sleep(50);
    }
    expect(bypassingRedis()).toBe(false);
  }

  it('item 23: logout, then Redis restarts empty: the token is still 401, here and on a new instance', async () => {
    const user = await signUp(t);
    expect((await me(user)).statusCode).toBe(200);
    expect((await logout(user)).statusCode).toBe(204);
    expect((await me(user)).statusCode).toBe(401);

    await redis.restart();
    const response = await me(user);
    expect(response.statusCode, response.body).toBe(401);
    expect(response.json().code).toBe('session_revoked');
    await untilRecovered(await signUp(t));
    expect(await revokedOnNewInstance(user)).toBe(true);
  });

  it('item 23: a session revoked on another instance is refused after Redis restarts empty', async () => {
    const user = await signUp(t);
    expect((await me(user)).statusCode).toBe(200);
    const other = await anotherInstance();
    expect(await other.sessions.revoke(user.id, user.sessionId, 'logout')).toBe(true);
    expect(await sessionState(user)).toBe('revoked');

    await redis.restart();
    const response = await me(user);
    expect(response.statusCode, response.body).toBe(401);
    await untilRecovered(await signUp(t));
    expect(await revokedOnNewInstance(user)).toBe(true);
  });

  it('item 22: with Redis down, valid tokens work, revoked ones are 401 and logout works and lasts', async () => {
    const valid = await signUp(t);
    const revokedElsewhere = await signUp(t);
    const leaving = await signUp(t);
    for (const user of [valid, revokedElsewhere, leaving]) expect((await me(user)).statusCode).toBe(200);
    const other = await anotherInstance();
    expect(await other.sessions.revoke(revokedElsewhere.id, revokedElsewhere.sessionId, 'logout')).toBe(true);
    const outagesBefore = events('revocation_kv_outage');

    await redis.kill();
    for (const user of [valid, leaving]) {
      const response = await me(user);
      expect(response.statusCode, response.body).toBe(200);
    }
    const sessions = await t.app.inject({ method: 'GET', url: '/auth/sessions', headers: bearer(valid) });
    expect(sessions.statusCode, sessions.body).toBe(200);
    expect((await me(revokedElsewhere)).statusCode).toBe(401);
    const loggedOut = await logout(leaving);
    expect(loggedOut.statusCode, loggedOut.body).toBe(204);
    expect((await me(leaving)).statusCode).toBe(401);
    expect(events('revocation_kv_outage')).toBe(outagesBefore + 1);

    await redis.restart();
    await untilRecovered(valid);
    expect((await me(valid)).statusCode).toBe(200);
    expect((await me(leaving)).statusCode).toBe(401);
    expect(await revokedOnNewInstance(leaving)).toBe(true);
  });

  it('item 22: with Redis frozen, logout works, and its mark is written once Redis answers again', async () => {
    const valid = await signUp(t);
    const leaving = await signUp(t);
    for (const user of [valid, leaving]) expect((await me(user)).statusCode).toBe(200);
    // Redis keeps its data through the freeze, including the session's cached "active" answer.
    expect(await sessionState(leaving)).toBe('active');

    redis.pause();
    try {
      expect((await me(valid)).statusCode).toBe(200);
      const loggedOut = await logout(leaving);
      expect(loggedOut.statusCode, loggedOut.body).toBe(204);
      expect((await me(leaving)).statusCode).toBe(401);
    } finally {
      redis.resume();
    }
    await untilRecovered(valid);
    for (let attempt = 0; attempt < 50 && (await sessionState(leaving)) !== 'revoked'; attempt++)
      await sleep(20);
    expect(await sessionState(leaving)).toBe('revoked');
    expect(await revokedOnNewInstance(leaving)).toBe(true);
  });

  it('item 9: a logout whose Redis write failed is repaired by logging out again', async () => {
    const user = await signUp(t);
    expect((await me(user)).statusCode).toBe(200);
    expect(await sessionState(user)).toBe('active');

    // Another instance, cut off from Redis, commits the logout but cannot write its mark, and is gone
    // before it could write it again.
    const cutOff = await anotherInstance();
    await cutOff.kv.close();
    expect(await cutOff.sessions.revoke(user.id, user.sessionId, 'logout')).toBe(true);
    expect(cutOff.sessions.revocationStatus().unwrittenMarks).toBe(1);
    // Until the cached "active" answer expires, the token still passes here: the bound this repairs.
    expect(await sessionState(user)).toBe('active');
    expect((await me(user)).statusCode).toBe(200);

    const retried = await logout(user);
    expect(retried.statusCode, retried.body).toBe(204);
    expect(await sessionState(user)).toBe('revoked');
    expect((await me(user)).statusCode).toBe(401);
    expect(await revokedOnNewInstance(user)).toBe(true);
  });
});
