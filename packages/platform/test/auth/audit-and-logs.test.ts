// The audit trail and the log of identity flows: each security event writes an audit row carrying
// the actor, target, address, user agent and the request id the response announced; the audit log
// refuses changes even through raw SQL; and a full flow at debug level logs none of its secrets.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/auth/totp.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';
import { bearer, goodPassword, signUp, type TestUser } from '../fixtures/identity-client.js';

const STEP_MS = 30_000;
const newPassword = 'a different, longer passphrase 7';

interface AuditRow {
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
}

type Method = 'GET' | 'POST' | 'DELETE';
type Send = (
  method: Method,
  url: string,
  options?: { payload?: object; headers?: Record<string, string>; agent?: string },
) => Promise<LightMyRequestResponse>;

function clientOf(getApp: () => TestApp): Send {
  let agents = 0;
  return (method, url, options = {}) =>
    getApp().app.inject({
      method,
      url,
      ...(options.payload ? { payload: options.payload } : {}),
      headers: { 'user-agent': options.agent ?? `AuditTest/${++agents}`, ...options.headers },
    });
}

function resetCodeIn(mail: string): string {
  const code = /\n\n([A-Za-z0-9_-]{43})\n\n/.exec(mail)?.[1];
  if (!code) throw new Error('no reset code in the mail');
  return code;
}

async function lastMailTo(t: TestApp, email: string): Promise<string> {
  const { rows } = await t.db.executeSql(
    'select body from mail_outbox where recipient = $1 order by id desc limit 1',
    [email],
  );
  return rows[0]?.body as string;
}

describe('audit log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(identityApp);
  });
  afterAll(async () => t?.close());
  const send = clientOf(() => t);
  let agents = 0;

  /**
   * Sends one request with a user agent of its own and expects exactly `events` (given the
   * response) in the audit log under the request id the response carried, stamped with the
   * caller's address, that user agent and the app's clock.
   */
  async function expectAudited(
    request: (agent: string) => Promise<LightMyRequestResponse>,
    status: number,
    events: (response: LightMyRequestResponse) => Partial<AuditRow>[],
  ): Promise<LightMyRequestResponse> {
    const agent = `Mozilla/5.0 (audit-test ${++agents})`;
    const response = await request(agent);
    expect(response.statusCode, response.body).toBe(status);
    const requestId = response.headers['x-request-id'];
    expect(requestId).toEqual(expect.any(String));
    const { rows } = await t.db.executeSql(
      `select actor_id, action, target_type, target_id, ip, user_agent, request_id, occurred_at
         from audit_log where request_id = $1 order by id`,
      [requestId],
    );
    const occurred = rows.map((row) => new Date(row.occurred_at as string).getTime());
    for (const row of rows) delete row.occurred_at;
    expect(rows).toEqual(
      events(response).map((event) => ({
        actor_id: null,
        target_type: null,
        target_id: null,
        ...event,
        ip: '127.0.0.1',
        user_agent: agent,
        request_id: requestId,
      })),
    );
    expect(occurred.every((time) => time === t.clock.now().getTime())).toBe(true);
    return response;
  }

  const login = (user: TestUser, password: string, agent?: string) =>
    send('POST', '/auth/login', { payload: { email: user.email, password }, ...(agent ? { agent } : {}) });

  async function beginTwoFactor(user: TestUser): Promise<string> {
    const setup = await send('POST', '/auth/2fa/setup', {
      payload: { password: user.password },
      headers: bearer(user),
    });
    expect(setup.statusCode).toBe(200);
    return setup.json().secret;
  }
  const codeNow = (secret: string) => totpCode(secret, t.clock.now().getTime());

  it('records a sign-up', async () => {
    const email = `audited-${Date.now()}@example.com`;
    await expectAudited(
      (agent) =>
        send('POST', '/auth/signup', { payload: { email, password: goodPassword, role: 'member' }, agent }),
      201,
      (response) => {
        const id = response.json().user.id;
        return [{ actor_id: id, action: 'auth.signed_up', target_type: 'user', target_id: id }];
      },
    );
  });

  it('records a successful sign-in', async () => {
    const user = await signUp(t);
    await expectAudited(
      (agent) => login(user, goodPassword, agent),
      200,
      () => [{ actor_id: user.id, action: 'auth.login_succeeded' }],
    );
  });

  it('records a failed sign-in, for a known and an unknown account', async () => {
    const user = await signUp(t);
    await expectAudited(
      (agent) => login(user, 'not the password 123', agent),
      401,
      () => [
        { actor_id: user.id, action: 'auth.login_failed', target_type: 'account', target_id: user.email },
      ],
    );
    const unknown = `unknown-${Date.now()}@example.com`;
    await expectAudited(
      (agent) => send('POST', '/auth/login', { payload: { email: unknown, password: goodPassword }, agent }),
      401,
      () => [{ action: 'auth.login_failed', target_type: 'account', target_id: unknown }],
    );
  });

  it('records the lockout at the 4th failure from one address', async () => {
    const user = await signUp(t);
    const failed = {
      actor_id: user.id,
      action: 'auth.login_failed',
      target_type: 'account',
      target_id: user.email,
    };
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expectAudited(
        (agent) => login(user, `wrong password ${attempt}`, agent),
        401,
        () => [failed],
      );
    }
    await expectAudited(
      (agent) => login(user, 'wrong password 4', agent),
      401,
      () => [failed, { ...failed, action: 'auth.login_locked' }],
    );
    const locked = await login(user, goodPassword);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('login_locked');
  });

  it('records the reuse of a refresh token', async () => {
    const user = await signUp(t);
    const rotated = await send('POST', '/auth/refresh', { payload: { refreshToken: user.refreshToken } });
    expect(rotated.statusCode).toBe(200);
    t.clock.advance(11_000);
    await expectAudited(
      (agent) => send('POST', '/auth/refresh', { payload: { refreshToken: user.refreshToken }, agent }),
      401,
      () => [
        {
          actor_id: user.id,
          action: 'auth.refresh_token_reused',
          target_type: 'session',
          target_id: user.sessionId,
        },
      ],
    );
  });

  it('records two-factor authentication turned on and off', async () => {
    const user = await signUp(t);
    const secret = await beginTwoFactor(user);
    await expectAudited(
      (agent) =>
        send('POST', '/auth/2fa/confirm', {
          payload: { code: codeNow(secret) },
          headers: bearer(user),
          agent,
        }),
      200,
      () => [{ actor_id: user.id, action: 'auth.two_factor_enabled' }],
    );
    t.clock.advance(STEP_MS);
    await expectAudited(
      (agent) =>
        send('POST', '/auth/2fa/disable', {
          payload: { password: goodPassword, code: codeNow(secret) },
          headers: bearer(user),
          agent,
        }),
      200,
      () => [{ actor_id: user.id, action: 'auth.two_factor_disabled' }],
    );
  });

  it('records a password change', async () => {
    const user = await signUp(t);
    await expectAudited(
      (agent) =>
        send('POST', '/auth/password', {
          payload: { currentPassword: goodPassword, newPassword },
          headers: bearer(user),
          agent,
        }),
      200,
      () => [{ actor_id: user.id, action: 'auth.password_changed', target_type: 'user', target_id: user.id }],
    );
  });

  it('records a password reset request and the reset', async () => {
    const user = await signUp(t);
    await expectAudited(
      (agent) => send('POST', '/auth/password/forgot', { payload: { email: user.email }, agent }),
      202,
      () => [{ actor_id: user.id, action: 'auth.password_reset_requested' }],
    );
    const token = resetCodeIn(await lastMailTo(t, user.email));
    await expectAudited(
      (agent) => send('POST', '/auth/password/reset', { payload: { token, newPassword }, agent }),
      204,
      () => [{ actor_id: user.id, action: 'auth.password_reset', target_type: 'user', target_id: user.id }],
    );
  });

  it('records the revocation of a session and a logout', async () => {
    const user = await signUp(t);
    const other = (await login(user, goodPassword)).json();
    await expectAudited(
      (agent) => send('DELETE', `/auth/sessions/${other.sessionId}`, { headers: bearer(user), agent }),
      204,
      () => [
        {
          actor_id: user.id,
          action: 'auth.session_revoked',
          target_type: 'session',
          target_id: other.sessionId,
        },
      ],
    );
    await expectAudited(
      (agent) => send('POST', '/auth/logout', { headers: bearer(user), agent }),
      204,
      () => [
        { actor_id: user.id, action: 'auth.logged_out', target_type: 'session', target_id: user.sessionId },
      ],
    );
  });

  it('keeps the caller-supplied request id when it is well-formed', async () => {
    const user = await signUp(t);
    const response = await send('POST', '/auth/logout', {
      headers: { ...bearer(user), 'x-request-id': 'trace-4f2a9c1e-01' },
    });
    expect(response.headers['x-request-id']).toBe('trace-4f2a9c1e-01');
    const { rows } = await t.db.executeSql('select action from audit_log where request_id = $1', [
      'trace-4f2a9c1e-01',
    ]);
    expect(rows).toEqual([{ action: 'auth.logged_out' }]);
  });

  it('refuses to change or delete audit rows, even through raw SQL', async () => {
    await signUp(t);
    const snapshot = async () =>
      (await t.db.executeSql('select id, action, actor_id from audit_log order by id')).rows;
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(0);

    await expect(t.db.executeSql("update audit_log set action = 'x'")).rejects.toThrow(/append-only/);
    await expect(t.db.executeSql('delete from audit_log')).rejects.toThrow(/append-only/);
    await expect(t.db.executeSql('truncate audit_log')).rejects.toThrow(/append-only/);
    expect(await snapshot()).toEqual(before);
  });
});

describe('secrets in the log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(identityApp, { env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(async () => t?.close());
  const send = clientOf(() => t);

  it('logs no password, token, TOTP secret or code, recovery code, reset code or CSRF token of a full flow', async () => {
    const secrets: string[] = [];
    const codes: string[] = [];
    const keep = <T extends string>(value: T): T => {
      expect(value).toEqual(expect.any(String));
      secrets.push(value);
      return value;
    };
    const now = () => t.clock.now().getTime();
    const signedIn = (response: LightMyRequestResponse) => {
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      keep(body.accessToken);
      keep(body.refreshToken);
      return body as { accessToken: string; refreshToken: string };
    };

    // Sign up and sign in, including a wrong password, then refresh.
    const user = await signUp(t, { role: 'editor', password: keep('first passphrase for the log 1') });
    keep(user.accessToken);
    keep(user.refreshToken);
    const wrong = keep('a wrong passphrase for the log');
    expect(
      (await send('POST', '/auth/login', { payload: { email: user.email, password: wrong } })).statusCode,
    ).toBe(401);
    const session = signedIn(
      await send('POST', '/auth/login', { payload: { email: user.email, password: user.password } }),
    );
    const refreshed = signedIn(
      await send('POST', '/auth/refresh', { payload: { refreshToken: session.refreshToken } }),
    );

    // Enrol a second factor and sign in with a code and with a recovery code.
    const setup = await send('POST', '/auth/2fa/setup', {
      payload: { password: user.password },
      headers: bearer(refreshed),
    });
    const secret = keep(setup.json().secret as string);
    const firstCode = totpCode(secret, now());
    codes.push(firstCode);
    const confirmed = await send('POST', '/auth/2fa/confirm', {
      payload: { code: firstCode },
      headers: bearer(refreshed),
    });
    expect(confirmed.statusCode).toBe(200);
    const recoveryCodes = confirmed.json().recoveryCodes as string[];
    for (const code of recoveryCodes) keep(code);

    const challenge = async (password: string) => {
      const response = await send('POST', '/auth/login', { payload: { email: user.email, password } });
      expect(response.json().status).toBe('two_factor_required');
      return keep(response.json().challengeToken as string);
    };
    t.clock.advance(STEP_MS);
    const secondCode = totpCode(secret, now());
    codes.push(secondCode);
    signedIn(
      await send('POST', '/auth/login/2fa', {
        payload: { challengeToken: await challenge(user.password), code: secondCode },
      }),
    );
    const withRecovery = signedIn(
      await send('POST', '/auth/login/2fa', {
        payload: { challengeToken: await challenge(user.password), recoveryCode: recoveryCodes[0] },
      }),
    );

    // Change the password, then reset it by mail.
    const changedPassword = keep('second passphrase for the log 2');
    const changed = await send('POST', '/auth/password', {
      payload: { currentPassword: user.password, newPassword: changedPassword },
      headers: bearer(withRecovery),
    });
    expect(changed.statusCode).toBe(200);
    expect((await send('POST', '/auth/password/forgot', { payload: { email: user.email } })).statusCode).toBe(
      202,
    );
    const resetCode = keep(resetCodeIn(await lastMailTo(t, user.email)));
    const resetPassword = keep('third passphrase for the log 3');
    expect(
      (
        await send('POST', '/auth/password/reset', {
          payload: { token: resetCode, newPassword: resetPassword },
        })
      ).statusCode,
    ).toBe(204);

    // A browser session with cookies and CSRF tokens, including a refused change and an outage.
    t.clock.advance(STEP_MS);
    const thirdCode = totpCode(secret, now());
    codes.push(thirdCode);
    const cookieLogin = await send('POST', '/auth/login/2fa', {
      payload: { challengeToken: await challenge(resetPassword), code: thirdCode, useCookies: true },
    });
    expect(cookieLogin.statusCode).toBe(200);
    const cookies = [cookieLogin.headers['set-cookie'] ?? []].flat().map((line) => line.split(';')[0]!);
    for (const pair of cookies) keep(pair.slice(pair.indexOf('=') + 1));
    const cookie = cookies.join('; ');
    const csrf = async () => {
      const response = await send('GET', '/auth/csrf', { headers: { cookie } });
      expect(response.statusCode).toBe(200);
      return keep(response.json().csrfToken as string);
    };
    const token = await csrf();
    expect((await send('POST', '/things', { headers: { cookie, 'x-csrf-token': token } })).statusCode).toBe(
      201,
    );
    expect((await send('POST', '/things', { headers: { cookie, 'x-csrf-token': token } })).statusCode).toBe(
      403,
    );
    const outageToken = await csrf();
    await t.db.executeSql('alter table auth_csrf_tokens rename to auth_csrf_tokens_gone');
    try {
      const outage = await send('POST', '/things', { headers: { cookie, 'x-csrf-token': outageToken } });
      expect(outage.statusCode).toBe(503);
    } finally {
      await t.db.executeSql('alter table auth_csrf_tokens_gone rename to auth_csrf_tokens');
    }

    // The log saw the whole flow, errors included...
    const text = t.logs.text();
    const routes = new Set(t.logs.lines.map((line) => line.route));
    for (const route of [
      '/auth/login/2fa',
      '/auth/2fa/confirm',
      '/auth/password/reset',
      '/auth/csrf',
      '/things',
    ]) {
      expect(routes.has(route), route).toBe(true);
    }
    expect(
      t.logs.lines.some((line) => line.level === 'error' && line.code === 'csrf_check_unavailable'),
    ).toBe(true);
    // ...and none of its secrets.
    expect(secrets.length).toBeGreaterThan(25);
    for (const value of secrets) expect(text.includes(value), `logged: ${value.slice(0, 12)}…`).toBe(false);
    for (const code of recoveryCodes) expect(text.toLowerCase()).not.toContain(code.replaceAll('-', ''));
    for (const code of codes) expect(text).not.toMatch(new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`));
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });
});
