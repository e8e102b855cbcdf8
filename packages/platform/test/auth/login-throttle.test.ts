// The brake on password guessing as a user meets it: unknown email and wrong password look the
// same, failures past the free ones lock the account+address (429 login_locked, Retry-After) with
// doubling, capped delays, other addresses stay free until the account-wide threshold, a password
// reset lifts every lock, and failures and locks are audited. Attempts are reserved before the
// password is checked, so a burst sent at once is no way around the lock. Locks run on the app's
// clock: tests move the fake clock instead of sleeping.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AttemptThrottle,
  createAttemptThrottle,
  type Reservation,
} from '../../src/auth/login-throttle.js';
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

      t.clock.advance(1100);
      await expectSignedIn(user);
      // A successful sign-in forgives this address: three attempts are free again.
      await failTimes(user.email, 3);
      await expectSignedIn(user);
    });

    it('doubles the lock with each further failure', async () => {
      const user = await signUp(t);
      await failTimes(user.email, 4);
      expect(await expectLocked(user.email, user.password)).toBe(1);
      t.clock.advance(1100);
      await failTimes(user.email, 1);
      expect(await expectLocked(user.email, user.password)).toBe(2);
    });

    it('item 5: a burst of 19 wrong passwords and the right one, sent at once past the free attempts, does not sign in', async () => {
      const user = await signUp(t);
      await failTimes(user.email, 3); // the free attempts are used up; no lock is running yet
      const burst = await Promise.all([
        ...Array.from({ length: 19 }, () => logIn(user.email, wrongPassword)),
        logIn(user.email, user.password),
      ]);
      const statuses = burst.map((response) => response.statusCode);
      expect(statuses).not.toContain(200);
      // One attempt passed the gate and was checked; every other one was refused unchecked.
      expect(statuses.filter((status) => status === 401)).toHaveLength(1);
      expect(statuses.filter((status) => status === 429)).toHaveLength(19);
      expect(burst.filter((r) => r.statusCode === 429).every((r) => r.json().code === 'login_locked')).toBe(
        true,
      );

      t.clock.advance(1100);
      await expectSignedIn(user);
    });

    it('item 5: of 20 attempts sent at once with nothing failed before, only the free ones and one more are checked', async () => {
      const user = await signUp(t);
      hasherCalls.length = 0;
      const burst = await Promise.all(Array.from({ length: 20 }, () => logIn(user.email, wrongPassword)));
      const statuses = burst.map((response) => response.statusCode);
      expect(statuses.filter((status) => status === 401)).toHaveLength(4);
      expect(statuses.filter((status) => status === 429)).toHaveLength(16);
      expect(hasherCalls.filter((call) => call === 'verify')).toHaveLength(4);
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
    const throttleWith = (settings: Parameters<typeof createAttemptThrottle>[2]) =>
      createAttemptThrottle(t.kv, t.clock, settings);
    const granted = (reservation: Reservation) => {
      if (!reservation.granted) throw new Error(`refused for ${reservation.waitMs} ms`);
      return reservation;
    };
    const waitMs = async (throttle: AttemptThrottle, email: string, address: string) => {
      const reservation = await throttle.reserve(email, address);
      return reservation.granted ? 0 : reservation.waitMs;
    };

    it('doubles each lock from the base delay up to the cap, refusing in between', async () => {
      const throttle = throttleWith({ namespace: 'test', baseDelayMs: 200, maxDelayMs: 800 });
      const email = account();
      const locks: number[] = [];
      for (let failure = 1; failure <= 8; failure++) {
        const { lockMs } = granted(await throttle.reserve(email, '192.0.2.1'));
        locks.push(lockMs);
        if (lockMs > 0) {
          expect(await waitMs(throttle, email, '192.0.2.1')).toBe(lockMs);
          t.clock.advance(lockMs - 1);
          expect(await waitMs(throttle, email, '192.0.2.1')).toBe(1);
          t.clock.advance(1);
        }
      }
      expect(locks).toEqual([0, 0, 0, 200, 400, 800, 800, 800]);
      // Another address has its own three free attempts.
      expect(granted(await throttle.reserve(email, '192.0.2.2')).lockMs).toBe(0);
    });

    it('item 5: of 20 reservations made at once, only the free ones and one more are granted', async () => {
      const throttle = throttleWith({ namespace: 'test' });
      const email = account();
      const reservations = await Promise.all(
        Array.from({ length: 20 }, () => throttle.reserve(email, '192.0.2.1')),
      );
      const grantedOnes = reservations.filter((reservation) => reservation.granted);
      expect(grantedOnes).toHaveLength(4);
      expect(grantedOnes.map((reservation) => reservation.lockMs).sort()).toEqual([0, 0, 0, 1000]);
      // Refused reservations were given back: after the lock the next one is the fifth attempt.
      t.clock.advance(1000);
      expect(granted(await throttle.reserve(email, '192.0.2.1')).lockMs).toBe(2000);
    });

    it('item 5: a success forgives its address and gives its attempt back to the account', async () => {
      const throttle = throttleWith({ namespace: 'test', freeFailuresPerAccount: 6 });
      const email = account();
      for (let failure = 0; failure < 3; failure++) await throttle.reserve(email, '192.0.2.1');
      await granted(await throttle.reserve(email, '192.0.2.1')).succeeded();
      // The address has its three free attempts again; the account keeps its 3 failures but not the
      // success, so three more are free on it and the seventh locks.
      for (let failure = 0; failure < 3; failure++) {
        expect(granted(await throttle.reserve(email, '192.0.2.1')).lockMs).toBe(0);
      }
      expect(granted(await throttle.reserve(email, '192.0.2.2')).lockMs).toBe(1000);
      expect(await waitMs(throttle, email, '192.0.2.3')).toBe(1000);
    });

    it('locks every address once the account-wide free failures are used up', async () => {
      const throttle = throttleWith({ namespace: 'test', baseDelayMs: 100, freeFailuresPerAccount: 10 });
      const email = account();
      for (let address = 1; address <= 10; address++) {
        expect(granted(await throttle.reserve(email, `192.0.2.${address}`)).lockMs).toBe(0);
      }
      expect(granted(await throttle.reserve(email, '192.0.2.11')).lockMs).toBe(100);
      expect(await waitMs(throttle, email, '192.0.2.99')).toBe(100);
    });

    it('a cleared account is unlocked everywhere and its failures start over', async () => {
      const throttle = throttleWith({ namespace: 'test', baseDelayMs: 1000, freeFailuresPerAccount: 4 });
      const email = account();
      for (let failure = 1; failure <= 5; failure++) await throttle.reserve(email, `192.0.2.${failure}`);
      expect(await waitMs(throttle, email, '192.0.2.1')).toBeGreaterThan(0);
      expect(await waitMs(throttle, email, '192.0.2.9')).toBeGreaterThan(0);

      await throttle.clearAccount(email);
      for (let failure = 0; failure < 3; failure++) {
        expect(granted(await throttle.reserve(email, '192.0.2.1')).lockMs).toBe(0);
      }
    });

    it('a reset lifts the lock even after an earlier reset has been forgotten', async () => {
      // Attempts are remembered for 200 ms here, locks last 5 s: the first reset's record
      // expires while the lock taken after it is still running.
      const throttle = throttleWith({ namespace: 'test', baseDelayMs: 5000, memoryMs: 200 });
      const email = account();
      await throttle.clearAccount(email);
      for (let failure = 0; failure < 4; failure++) await throttle.reserve(email, '192.0.2.1');
      expect(await waitMs(throttle, email, '192.0.2.1')).toBeGreaterThan(0);

      await vi.waitFor(async () => expect(await t.kv.exists(`auth:test-generation:${email}`)).toBe(false), {
        timeout: 5000,
        interval: 50,
      });
      await throttle.clearAccount(email);
      expect(await waitMs(throttle, email, '192.0.2.1')).toBe(0);
    });
  });
});
