// The brake on password guessing as a user meets it: unknown email and wrong password look the
// same, failures past the free ones lock the account+address (429 login_locked, Retry-After) with
// doubling, capped delays, other addresses stay free until the account-wide threshold, a password
// reset lifts every lock, and failures and locks are audited. Locks use real time: waits are short.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLoginThrottle } from '../../src/auth/login-throttle.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';
import { bearer, signUp, type TestUser } from '../fixtures/identity-client.js';

// The app's password hasher, unchanged, with a record of which operations it ran.
const hasherCalls = vi.hoisted(() => [] as string[]);
vi.mock('../../src/auth/passwords.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/auth/passwords.js')>();
  return {
    ...actual,
    createPasswordHasher(options?: Parameters<typeof actual.createPasswordHasher>[0]) {
      const hasher = actual.createPasswordHasher(options);
      return {
        ...hasher,
        async verify(storedHash: string, password: string) {
          hasherCalls.push('verify');
          return hasher.verify(storedHash, password);
        },
        async dummyVerify(password: string) {
          hasherCalls.push('dummyVerify');
          return hasher.dummyVerify(password);
        },
      };
    },
  };
});

const wrongPassword = 'definitely not the password 1';
const newPassword = 'a fresh passphrase after reset 9';

describe('login throttling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(identityApp);
  });
  afterAll(async () => t?.close());

  const logIn = (email: string, password: string, remoteAddress = '203.0.113.1') =>
    t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password }, remoteAddress });

  async function failTimes(email: string, times: number, remoteAddress?: string): Promise<void> {
    for (let attempt = 1; attempt <= times; attempt++) {
      const response = await logIn(email, wrongPassword, remoteAddress);
      expect(response.statusCode, `attempt ${attempt}: ${response.body}`).toBe(401);
      expect(response.json().code).toBe('invalid_credentials');
    }
  }

  async function expectLocked(email: string, password: string, remoteAddress?: string) {
    const response = await logIn(email, password, remoteAddress);
    expect(response.statusCode, response.body).toBe(429);
    expect(response.json().code).toBe('login_locked');
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    return retryAfter;
  }

  async function expectSignedIn(user: TestUser, password = user.password, remoteAddress?: string) {
    const response = await logIn(user.email, password, remoteAddress);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { accessToken: string; refreshToken: string };
  }

  describe('no user enumeration', () => {
    beforeEach(() => {
      hasherCalls.length = 0;
    });

    it('answers an unknown email exactly like a wrong password', async () => {
      const user = await signUp(t);
      const unknown = await logIn(`nobody-${randomUUID()}@example.com`, wrongPassword);
      const wrong = await logIn(user.email, wrongPassword);

      expect(unknown.statusCode).toBe(401);
      expect(wrong.statusCode).toBe(401);
      const comparable = (body: Record<string, unknown>) => {
        const { requestId, instance, ...rest } = body;
        expect(requestId).toEqual(expect.any(String));
        expect(instance).toBe('/auth/login');
        return rest;
      };
      expect(comparable(unknown.json())).toEqual(comparable(wrong.json()));
      expect(unknown.json().code).toBe('invalid_credentials');
      for (const header of ['content-type', 'www-authenticate', 'retry-after']) {
        expect(unknown.headers[header], header).toEqual(wrong.headers[header]);
      }
    });

    it('still runs the password hasher for an unknown email', async () => {
      await logIn(`nobody-${randomUUID()}@example.com`, wrongPassword);
      expect(hasherCalls).toEqual(['dummyVerify']);
    });

    it('locks an unknown email after the same number of failures as a real account', async () => {
      const email = `nobody-${randomUUID()}@example.com`;
      await failTimes(email, 4);
      expect(await expectLocked(email, wrongPassword)).toBe(1);
    });
  });

  describe('lockout over HTTP', () => {
    it('locks after 3 free failures, refuses even the right password, and lets it in after the lock', async () => {
      const user = await signUp(t);
      await failTimes(user.email, 3);
      await failTimes(user.email, 1); // the fourth failure sets a 1 s lock
      expect(await expectLocked(user.email, wrongPassword)).toBe(1);
      expect(await expectLocked(user.email, user.password)).toBe(1);

      await sleep(1100);
      await expectSignedIn(user);
      // A successful sign-in forgives this address: three attempts are free again.
      await failTimes(user.email, 3);
      await expectSignedIn(user);
    });

    it('doubles the lock with each further failure', async () => {
      const user = await signUp(t);
      await failTimes(user.email, 4);
      expect(await expectLocked(user.email, user.password)).toBe(1);
      await sleep(1100);
      await failTimes(user.email, 1);
      expect(await expectLocked(user.email, user.password)).toBe(2);
    });

    it('audits every failure and every lock', async () => {
      const user = await signUp(t);
      await failTimes(user.email, 4);
      await expectLocked(user.email, user.password);
      const { rows } = await t.db.executeSql(
        `select action, actor_id, after from audit_log
         where target_id = $1 and action in ('auth.login_failed', 'auth.login_locked') order by id`,
        [user.email],
      );
      expect(rows.filter((row) => row.action === 'auth.login_failed')).toHaveLength(4);
      expect(rows.filter((row) => row.action === 'auth.login_locked')).toEqual([
        { action: 'auth.login_locked', actor_id: user.id, after: { lockedForSeconds: 1 } },
      ]);
      expect(rows.every((row) => row.actor_id === user.id)).toBe(true);
    });

    it("does not lock other addresses out over one address's failures until the account-wide threshold", async () => {
      const user = await signUp(t);
      await failTimes(user.email, 4, '198.51.100.1');
      await expectLocked(user.email, user.password, '198.51.100.1');
      await expectSignedIn(user, user.password, '198.51.100.2');

      // 4 + 3 + 3 = 10 failures on the account: still under its threshold.
      await failTimes(user.email, 3, '198.51.100.2');
      await failTimes(user.email, 3, '198.51.100.3');
      await failTimes(user.email, 1, '198.51.100.4'); // the 11th locks the whole account
      expect(await expectLocked(user.email, user.password, '198.51.100.5')).toBe(1);
    });

    it('a password reset lifts the lock at once and ends every session', async () => {
      const user = await signUp(t);
      const laptop = await expectSignedIn(user);
      await failTimes(user.email, 4);
      await expectLocked(user.email, user.password);

      const forgot = await t.app.inject({
        method: 'POST',
        url: '/auth/password/forgot',
        payload: { email: user.email },
      });
      expect(forgot.statusCode).toBe(202);
      const { rows } = await t.db.executeSql(
        'select body from mail_outbox where recipient = $1 order by id desc limit 1',
        [user.email],
      );
      const token = String(rows[0]?.body)
        .split('\n')
        .find((line) => /^[A-Za-z0-9_-]{43}$/.test(line));
      expect(token).toBeDefined();
      const reset = await t.app.inject({
        method: 'POST',
        url: '/auth/password/reset',
        payload: { token, newPassword },
      });
      expect(reset.statusCode, reset.body).toBe(204);

      await expectSignedIn(user, newPassword);
      const old = await logIn(user.email, user.password);
      expect(old.statusCode).toBe(401);
      for (const session of [user, laptop]) {
        const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(session) });
        expect(me.statusCode).toBe(401);
        expect(me.json().code).toBe('session_revoked');
        const refresh = await t.app.inject({
          method: 'POST',
          url: '/auth/refresh',
          payload: { refreshToken: session.refreshToken },
        });
        expect(refresh.statusCode).toBe(401);
        expect(refresh.json().code).toBe('session_ended');
      }
    });
  });

  describe('lock durations', () => {
    const account = () => `throttle-${randomUUID()}@example.com`;

    it('doubles each lock from the base delay up to the cap, then lets the caller try again', async () => {
      const throttle = createLoginThrottle(t.kv, { baseDelayMs: 200, maxDelayMs: 800 });
      const email = account();
      const locks: number[] = [];
      const waits: number[] = [];
      for (let failure = 1; failure <= 8; failure++) {
        locks.push(await throttle.recordFailure(email, '192.0.2.1'));
        waits.push(await throttle.waitMs(email, '192.0.2.1'));
      }
      expect(locks).toEqual([0, 0, 0, 200, 400, 800, 800, 800]);
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
      waits.slice(3).forEach((wait, index) => {
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(locks[index + 3] as number);
      });
      expect(waits[4]).toBeGreaterThan(200);
      expect(await throttle.waitMs(email, '192.0.2.2')).toBe(0);

      await sleep(850);
      expect(await throttle.waitMs(email, '192.0.2.1')).toBe(0);
    });

    it('locks every address once the account-wide free failures are used up', async () => {
      const throttle = createLoginThrottle(t.kv, { baseDelayMs: 100, freeFailuresPerAccount: 10 });
      const email = account();
      for (let address = 1; address <= 10; address++) {
        expect(await throttle.recordFailure(email, `192.0.2.${address}`)).toBe(0);
      }
      expect(await throttle.waitMs(email, '192.0.2.99')).toBe(0);
      expect(await throttle.recordFailure(email, '192.0.2.11')).toBe(100);
      expect(await throttle.waitMs(email, '192.0.2.99')).toBeGreaterThan(0);
    });

    it('a cleared account is unlocked everywhere and its failures start over', async () => {
      const throttle = createLoginThrottle(t.kv, { baseDelayMs: 1000, freeFailuresPerAccount: 4 });
      const email = account();
      for (let failure = 0; failure < 5; failure++) await throttle.recordFailure(email, '192.0.2.1');
      expect(await throttle.waitMs(email, '192.0.2.1')).toBeGreaterThan(0);
      expect(await throttle.waitMs(email, '192.0.2.2')).toBeGreaterThan(0);

      await throttle.clearAccount(email);
      expect(await throttle.waitMs(email, '192.0.2.1')).toBe(0);
      expect(await throttle.waitMs(email, '192.0.2.2')).toBe(0);
      expect(await throttle.recordFailure(email, '192.0.2.1')).toBe(0);
    });

    it('a reset lifts the lock even after an earlier reset has been forgotten', async () => {
      // Failures are remembered for 200 ms here, locks last 5 s: the first reset's record
      // expires while the lock taken after it is still running.
      const throttle = createLoginThrottle(t.kv, { baseDelayMs: 5000, memoryMs: 200 });
      const email = account();
      await throttle.clearAccount(email);
      for (let failure = 0; failure < 4; failure++) await throttle.recordFailure(email, '192.0.2.1');
      expect(await throttle.waitMs(email, '192.0.2.1')).toBeGreaterThan(0);

      await sleep(300);
      await throttle.clearAccount(email);
      expect(await throttle.waitMs(email, '192.0.2.1')).toBe(0);
    });
  });
});
