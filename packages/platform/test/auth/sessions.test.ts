// Sessions as a user sees them: refresh-token rotation with reuse detection and its grace window,
// concurrent refreshes, idle timeout and hard maximum lifetime (on the fake clock), logout, listing
// and ending sessions, password changes that end other sessions, and browser cookie mode.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityDb } from '../../src/auth/schema.js';
import { createKeyValueStore } from '../../src/kv/index.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';
import { bearer, goodPassword, signUp, type TestUser } from '../fixtures/identity-client.js';
import { anotherSessionService, sessionStateKey } from '../fixtures/session-instance.js';

const IDLE_SECONDS = 600;
const MAX_SECONDS = 3600;

interface Pair {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

describe('sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(identityApp, {
      env: {
        SESSION_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS),
        SESSION_MAX_LIFETIME_SECONDS: String(MAX_SECONDS),
      },
    });
  });
  afterAll(async () => t?.close());

  const refresh = (refreshToken: string) =>
    t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refreshToken } });

  async function refreshed(refreshToken: string): Promise<Pair> {
    const response = await refresh(refreshToken);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  const me = (pair: { accessToken: string }) =>
    t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(pair) });

  async function logIn(user: TestUser, password = user.password): Promise<Pair> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  async function expectRefused(refreshToken: string, code: string): Promise<void> {
    const response = await refresh(refreshToken);
    expect(response.statusCode, response.body).toBe(401);
    expect(response.json().code).toBe(code);
  }

  async function expectAccessRevoked(pair: { accessToken: string }): Promise<void> {
    const response = await me(pair);
    expect(response.statusCode, response.body).toBe(401);
    expect(response.json().code).toBe('session_revoked');
  }

  /** The session is over for its holder: its access token and its newest refresh token both fail. */
  async function expectSessionOver(pair: Pair): Promise<void> {
    await expectAccessRevoked(pair);
    await expectRefused(pair.refreshToken, 'session_ended');
  }

  async function expectSessionWorks(pair: Pair): Promise<Pair> {
    expect((await me(pair)).statusCode).toBe(200);
    return refreshed(pair.refreshToken);
  }

  describe('refresh-token rotation', () => {
    it('returns a new pair for the same session, after which the old refresh token fails', async () => {
      const user = await signUp(t);
      const next = await refreshed(user.refreshToken);
      expect(next.sessionId).toBe(user.sessionId);
      expect(next.refreshToken).not.toBe(user.refreshToken);
      expect(next.accessToken).toEqual(expect.any(String));
      expect((await me(next)).json()).toMatchObject({ id: user.id, email: user.email });

      expect((await refresh(user.refreshToken)).statusCode).toBe(401);
      await refreshed(next.refreshToken);
    });

    it('revokes the whole session when a rotated token is presented again after the grace window', async () => {
      const user = await signUp(t);
      const next = await refreshed(user.refreshToken);
      const newest = await refreshed(next.refreshToken);
      t.clock.advance(11_000);

      await expectRefused(user.refreshToken, 'refresh_token_reused');

      await expectRefused(newest.refreshToken, 'session_ended');
      await expectAccessRevoked(newest);
      await expectAccessRevoked(user);
      const { rows } = await t.db.executeSql(
        `select actor_id, target_type from audit_log where action = 'auth.refresh_token_reused' and target_id = $1`,
        [user.sessionId],
      );
      expect(rows).toEqual([{ actor_id: user.id, target_type: 'session' }]);
    });

    it('only refuses a rotated token presented again within the grace window, keeping the session', async () => {
      const user = await signUp(t);
      const next = await refreshed(user.refreshToken);
      t.clock.advance(5_000);

      await expectRefused(user.refreshToken, 'refresh_token_superseded');

      expect((await me(next)).statusCode).toBe(200);
      await refreshed(next.refreshToken);
      const { rows } = await t.db.executeSql(
        `select count(*)::int as n from audit_log where action = 'auth.refresh_token_reused' and target_id = $1`,
        [user.sessionId],
      );
      expect(rows[0]?.n).toBe(0);
    });

    it('lets exactly one of 50 concurrent refreshes with one token win, leaving one valid chain', async () => {
      const user = await signUp(t);
      const responses = await Promise.all(Array.from({ length: 50 }, () => refresh(user.refreshToken)));

      const winners = responses.filter((response) => response.statusCode === 200);
      const losers = responses.filter((response) => response.statusCode !== 200);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(49);
      for (const loser of losers) {
        expect(loser.statusCode).toBe(401);
        expect(loser.json().code).toBe('refresh_token_superseded');
      }

      const winner: Pair = winners[0]!.json();
      const unrotated = async () =>
        (
          await t.db.executeSql(
            'select count(*)::int as n from auth_refresh_tokens where session_id = $1 and rotated_at is null',
            [user.sessionId],
          )
        ).rows[0]?.n;
      expect(await unrotated()).toBe(1);
      const after = await expectSessionWorks(winner);
      expect(after.sessionId).toBe(user.sessionId);
      expect(await unrotated()).toBe(1);
    });

    it('refuses a well-formed but unknown refresh token as invalid', async () => {
      await expectRefused(randomBytes(32).toString('base64url'), 'refresh_token_invalid');
    });

    it('refuses a garbage refresh cookie as invalid', async () => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/auth/refresh',
        payload: {},
        cookies: { '__Host-refresh': 'garbage!{not-a-token}' },
      });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('refresh_token_invalid');
    });

    it('refuses a refresh token that is not even token-shaped in the body as invalid input', async () => {
      const response = await refresh('not a token');
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('validation_failed');
    });

    it('asks for the refresh token when none is sent', async () => {
      const response = await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: {} });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('refresh_token_missing');
    });
  });

  describe('expiry', () => {
    it(`ends a session left idle longer than ${IDLE_SECONDS} s`, async () => {
      const user = await signUp(t);
      t.clock.advance((IDLE_SECONDS + 1) * 1000);
      await expectRefused(user.refreshToken, 'session_ended');
    });

    it('keeps a session alive while it is refreshed within the idle window', async () => {
      const user = await signUp(t);
      let pair: Pair = user;
      for (let step = 0; step < 3; step++) {
        t.clock.advance((IDLE_SECONDS - 100) * 1000);
        pair = await refreshed(pair.refreshToken);
      }
      const listed = (
        await t.app.inject({ method: 'GET', url: '/auth/sessions', headers: bearer(pair) })
      ).json();
      expect(listed.sessions.map((session: { id: string }) => session.id)).toEqual([user.sessionId]);

      t.clock.advance((IDLE_SECONDS + 1) * 1000);
      await expectRefused(pair.refreshToken, 'session_ended');
    });

    it(`ends a session ${MAX_SECONDS} s after sign-in however often it is refreshed`, async () => {
      const user = await signUp(t);
      let pair: Pair = user;
      const everySeconds = 300;
      for (let elapsed = everySeconds; elapsed < MAX_SECONDS; elapsed += everySeconds) {
        t.clock.advance(everySeconds * 1000);
        pair = await refreshed(pair.refreshToken);
      }
      t.clock.advance(everySeconds * 1000);
      await expectRefused(pair.refreshToken, 'session_ended');
    });
  });

  describe('ending sessions', () => {
    it('logout revokes the access token and the refresh token', async () => {
      const user = await signUp(t);
      const logout = await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(user) });
      expect(logout.statusCode).toBe(204);
      await expectSessionOver(user);
    });

    it("lists the caller's active sessions, flagging the current one, and no one else's", async () => {
      const user = await signUp(t);
      const other = await signUp(t);
      const second = await logIn(user);
      const ended = await logIn(user);
      await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(ended) });

      const response = await t.app.inject({ method: 'GET', url: '/auth/sessions', headers: bearer(second) });
      expect(response.statusCode).toBe(200);
      const sessions: Array<{ id: string; current: boolean }> = response.json().sessions;
      expect(sessions.map((session) => session.id).sort()).toEqual([user.sessionId, second.sessionId].sort());
      expect(sessions.find((session) => session.current)?.id).toBe(second.sessionId);
      expect(sessions.filter((session) => session.current)).toHaveLength(1);
      expect(sessions.map((session) => session.id)).not.toContain(other.sessionId);
    });

    it("answers 404 for another user's session and leaves it working", async () => {
      const user = await signUp(t);
      const other = await signUp(t);
      const response = await t.app.inject({
        method: 'DELETE',
        url: `/auth/sessions/${other.sessionId}`,
        headers: bearer(user),
      });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('session_not_found');
      await expectSessionWorks(other);
    });

    it('ends one of your other sessions on request, keeping the current one', async () => {
      const user = await signUp(t);
      const phone = await logIn(user);
      const response = await t.app.inject({
        method: 'DELETE',
        url: `/auth/sessions/${phone.sessionId}`,
        headers: bearer(user),
      });
      expect(response.statusCode).toBe(204);
      await expectSessionOver(phone);
      await expectSessionWorks(user);

      const again = await t.app.inject({
        method: 'DELETE',
        url: `/auth/sessions/${phone.sessionId}`,
        headers: bearer(user),
      });
      expect(again.statusCode).toBe(404);
    });

    it('revoke-others ends every session but the current one', async () => {
      const user = await signUp(t);
      const other = await signUp(t);
      const phone = await logIn(user);
      const tablet = await logIn(user);
      const response = await t.app.inject({
        method: 'POST',
        url: '/auth/sessions/revoke-others',
        headers: bearer(tablet),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ endedSessions: 2 });

      await expectSessionOver(user);
      await expectSessionOver(phone);
      const current = await expectSessionWorks(tablet);
      const listed = (
        await t.app.inject({ method: 'GET', url: '/auth/sessions', headers: bearer(current) })
      ).json();
      expect(listed.sessions.map((session: { id: string }) => session.id)).toEqual([tablet.sessionId]);
      await expectSessionWorks(other);
    });
  });

  describe('revocation kept by the database (items 9, 23)', () => {
    const state = (pair: { sessionId: string }) => t.kv.get(sessionStateKey(pair.sessionId));

    it('item 23: an instance whose key-value store lost everything still refuses a revoked session', async () => {
      const user = await signUp(t);
      const active = await signUp(t);
      await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(user) });
      // A restarted embedded process, or a Redis restarted empty: nothing cached anywhere.
      const empty = await createKeyValueStore();
      try {
        const restarted = anotherSessionService(t, empty);
        expect(await restarted.isRevoked(user.sessionId)).toBe(true);
        expect(await restarted.isRevoked(active.sessionId)).toBe(false);
        // Both answers from the database are cached for the other instances.
        expect(await empty.get(sessionStateKey(user.sessionId))).toBe('revoked');
        expect(await empty.get(sessionStateKey(active.sessionId))).toBe('active');
      } finally {
        await empty.close();
      }
    });

    it('item 9: logging out again writes back a revocation mark the key-value store lost', async () => {
      const user = await signUp(t);
      const other = await logIn(user);
      const third = await logIn(user);
      expect(
        (await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(user) })).statusCode,
      ).toBe(204);
      const ended = await t.app.inject({
        method: 'POST',
        url: '/auth/sessions/revoke-others',
        headers: bearer(third),
      });
      expect(ended.json()).toEqual({ endedSessions: 1 });
      for (const pair of [user, other]) await t.kv.delete(sessionStateKey(pair.sessionId));

      const instance = anotherSessionService(t, t.kv);
      // Already revoked, so nothing new is revoked, but the marks are written again.
      expect(await instance.revoke(user.id, user.sessionId, 'logout')).toBe(false);
      expect(await state(user)).toBe('revoked');
      expect(await instance.revokeAll(user.id, 'revoked_by_user', third.sessionId)).toEqual([]);
      expect(await state(other)).toBe('revoked');
      expect(await state(third)).toBe('active');
    });

    it('item 23: the cached "active" answer is what the hot path reads; once it expires the database decides', async () => {
      const user = await signUp(t);
      await expectSessionWorks(user);
      expect(await state(user)).toBe('active');
      // Revoked behind the cache's back (no mark): the cached answer stands until it expires...
      await identityDb(t.db)
        .updateTable('auth_sessions')
        .set({ revoked_at: t.clock.now(), revoked_reason: 'test' })
        .where('id', '=', user.sessionId)
        .execute();
      expect((await me(user)).statusCode).toBe(200);
      // ...which deleting it stands in for (its TTL runs on Redis's clock, not the test's).
      await t.kv.delete(sessionStateKey(user.sessionId));
      await expectAccessRevoked(user);
      expect(await state(user)).toBe('revoked');
    });
  });

  describe('password change', () => {
    const newPassword = 'a brand new passphrase for 2026';

    it('ends the other sessions by default, keeping the current one', async () => {
      const user = await signUp(t);
      const phone = await logIn(user);
      const response = await t.app.inject({
        method: 'POST',
        url: '/auth/password',
        headers: bearer(user),
        payload: { currentPassword: goodPassword, newPassword },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ endedSessions: 1 });
      await expectSessionOver(phone);
      await expectSessionWorks(user);
      await logIn(user, newPassword);
    });

    it('keeps the other sessions when asked not to end them', async () => {
      const user = await signUp(t);
      const phone = await logIn(user);
      const response = await t.app.inject({
        method: 'POST',
        url: '/auth/password',
        headers: bearer(user),
        payload: { currentPassword: goodPassword, newPassword, endOtherSessions: false },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ endedSessions: 0 });
      await expectSessionWorks(phone);
      await expectSessionWorks(user);
    });
  });

  describe('cookie mode', () => {
    const cookieRules = (header: string) => {
      const attributes = header.split(';').map((part) => part.trim().toLowerCase());
      return {
        secure: attributes.includes('secure'),
        httpOnly: attributes.includes('httponly'),
        sameSite: attributes.find((part) => part.startsWith('samesite='))?.split('=')[1],
        path: attributes.find((part) => part.startsWith('path='))?.split('=')[1],
        domain: attributes.some((part) => part.startsWith('domain=')),
      };
    };

    function tokenCookies(response: { headers: Record<string, unknown> }) {
      const raw = response.headers['set-cookie'];
      const headers = (Array.isArray(raw) ? raw : [raw]).filter((h): h is string => typeof h === 'string');
      const byName = new Map(headers.map((header) => [header.slice(0, header.indexOf('=')), header]));
      const value = (name: string) => {
        const header = byName.get(name) ?? '';
        return header.slice(name.length + 1, header.indexOf(';'));
      };
      return { byName, access: value('__Host-access'), refresh: value('__Host-refresh') };
    }

    it('login with useCookies sets __Host- cookies with strict attributes and keeps tokens out of the body', async () => {
      const user = await signUp(t);
      const response = await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email: user.email, password: user.password, useCookies: true },
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ status: 'authenticated', user: { id: user.id } });
      expect(body).not.toHaveProperty('accessToken');
      expect(body).not.toHaveProperty('refreshToken');

      const cookies = tokenCookies(response);
      for (const name of ['__Host-access', '__Host-refresh']) {
        const header = cookies.byName.get(name);
        expect(header, name).toBeDefined();
        expect(cookieRules(header as string)).toEqual({
          secure: true,
          httpOnly: true,
          sameSite: 'strict',
          path: '/',
          domain: false,
        });
      }
      expect(response.body).not.toContain(cookies.access);
      expect(response.body).not.toContain(cookies.refresh);

      const viaCookie = await t.app.inject({
        method: 'GET',
        url: '/auth/me',
        cookies: { '__Host-access': cookies.access },
      });
      expect(viaCookie.json()).toMatchObject({ id: user.id });
    });

    it('refresh with only the cookie rotates it, and the old cookie then fails', async () => {
      const user = await signUp(t);
      const login = await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email: user.email, password: user.password, useCookies: true },
      });
      const first = tokenCookies(login);

      const response = await t.app.inject({
        method: 'POST',
        url: '/auth/refresh',
        payload: {},
        cookies: { '__Host-refresh': first.refresh },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).not.toHaveProperty('refreshToken');
      expect(response.json()).not.toHaveProperty('accessToken');
      const second = tokenCookies(response);
      expect(second.refresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(second.refresh).not.toBe(first.refresh);
      expect(cookieRules(second.byName.get('__Host-refresh') as string)).toMatchObject({
        secure: true,
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
      });

      const stale = await t.app.inject({
        method: 'POST',
        url: '/auth/refresh',
        payload: {},
        cookies: { '__Host-refresh': first.refresh },
      });
      expect(stale.statusCode).toBe(401);
      // As a browser sends it: the cookie and no body at all.
      const next = await t.app.inject({
        method: 'POST',
        url: '/auth/refresh',
        cookies: { '__Host-refresh': second.refresh },
      });
      expect(next.statusCode).toBe(200);
    });
  });
});
