// Two-factor authentication through the HTTP routes: enrolment (password, then a first code),
// sign-in with a challenge completed by a TOTP code or a single-use recovery code (replay, drift,
// attempt limit, completes once), the secret sealed to its user at rest, and disabling with both
// factors. Wrong codes count against the account's own budget, across challenges and the disable
// route, with the same escalating lock as passwords; the fake clock runs the locks out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/auth/totp.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';
import { bearer, goodPassword, signUp, type TestUser } from '../fixtures/identity-client.js';

const STEP_MS = 30_000;

describe('two-factor authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(identityApp);
  });
  afterAll(async () => t?.close());

  const now = () => t.clock.now().getTime();
  /** The code the authenticator shows `steps` 30-second steps from now. */
  const codeAt = (secret: string, steps = 0) => totpCode(secret, now() + steps * STEP_MS);
  /** A well-formed code that matches none of the steps accepted now. */
  function wrongCode(secret: string): string {
    const accepted = new Set([-1, 0, 1].map((steps) => codeAt(secret, steps)));
    for (let steps = 10; ; steps++) {
      const candidate = codeAt(secret, steps);
      if (!accepted.has(candidate)) return candidate;
    }
  }

  const post = (url: string, payload: object, headers: Record<string, string> = {}, remoteAddress?: string) =>
    t.app.inject({ method: 'POST', url, payload, headers, ...(remoteAddress ? { remoteAddress } : {}) });
  /** Moves the clock past the longest lock a wrong code can leave. */
  const afterAnyLock = () => t.clock.advance(15 * 60_000);

  async function beginSetup(user: TestUser): Promise<{ secret: string; otpauthUri: string }> {
    const response = await post('/auth/2fa/setup', { password: user.password }, bearer(user));
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async function enrol(user: TestUser): Promise<{ secret: string; recoveryCodes: string[] }> {
    const { secret } = await beginSetup(user);
    const confirmed = await post('/auth/2fa/confirm', { code: codeAt(secret) }, bearer(user));
    expect(confirmed.statusCode).toBe(200);
    return { secret, recoveryCodes: confirmed.json().recoveryCodes };
  }

  async function challenge(user: TestUser, remoteAddress?: string): Promise<string> {
    const response = await post(
      '/auth/login',
      { email: user.email, password: user.password },
      {},
      remoteAddress,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('two_factor_required');
    return response.json().challengeToken;
  }

  const complete = (
    challengeToken: string,
    proof: { code?: string; recoveryCode?: string },
    remoteAddress?: string,
  ) => post('/auth/login/2fa', { challengeToken, ...proof }, {}, remoteAddress);

  /** A user enrolled at a fresh step, with the clock then moved on so every window is unused. */
  async function enrolledUser() {
    const user = await signUp(t);
    const enrolled = await enrol(user);
    t.clock.advance(3 * STEP_MS);
    return { user, ...enrolled };
  }

  describe('enrolment', () => {
    it('asks for the password before handing out a secret', async () => {
      const user = await signUp(t);
      const response = await post('/auth/2fa/setup', { password: 'not the password 123' }, bearer(user));
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('reauthentication_failed');
      expect(response.body).not.toContain('otpauth');
    });

    it('returns a secret and an otpauth URI carrying it, and changes nothing until confirmed', async () => {
      const user = await signUp(t);
      const { secret, otpauthUri } = await beginSetup(user);
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/ident:/);
      expect(new URL(otpauthUri).searchParams.get('secret')).toBe(secret);

      const login = await post('/auth/login', { email: user.email, password: user.password });
      expect(login.statusCode).toBe(200);
      expect(login.json()).toMatchObject({ status: 'authenticated', accessToken: expect.any(String) });
      const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) });
      expect(me.json().twoFactorEnabled).toBe(false);
    });

    it('refuses a wrong first code and turns 2FA on with the right one, returning 10 recovery codes', async () => {
      const user = await signUp(t);
      const { secret } = await beginSetup(user);
      const wrong = await post('/auth/2fa/confirm', { code: wrongCode(secret) }, bearer(user));
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json().code).toBe('two_factor_code_invalid');
      const stillOff = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) });
      expect(stillOff.json().twoFactorEnabled).toBe(false);

      const right = await post('/auth/2fa/confirm', { code: codeAt(secret) }, bearer(user));
      expect(right.statusCode).toBe(200);
      const { recoveryCodes, endedSessions } = right.json();
      expect(endedSessions).toBe(0);
      expect(recoveryCodes).toHaveLength(10);
      expect(new Set(recoveryCodes).size).toBe(10);
      for (const code of recoveryCodes) expect(code).toMatch(/^[0-9a-z]{5}(-[0-9a-z]{5}){3}-[0-9a-z]{4}$/);
      const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) });
      expect(me.json().twoFactorEnabled).toBe(true);

      const again = await post('/auth/2fa/setup', { password: user.password }, bearer(user));
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('two_factor_already_enabled');
    });

    it('stores the secret sealed, never as the base32 text', async () => {
      const user = await signUp(t);
      const { secret } = await enrol(user);
      const { rows } = await t.db.executeSql('select totp_secret_sealed from auth_users where id = $1', [
        user.id,
      ]);
      const stored = rows[0]?.totp_secret_sealed as string;
      expect(stored).toMatch(/^v1\./);
      expect(stored).not.toContain(secret);
      expect(stored.toUpperCase()).not.toContain(secret);
    });

    it('binds the sealed secret to its user: copied onto another account it opens for nobody', async () => {
      const { user: owner, secret } = await enrolledUser();
      const other = await signUp(t);
      await t.db.executeSql(
        `update auth_users set (totp_secret_sealed, totp_enabled_at) =
           (select totp_secret_sealed, totp_enabled_at from auth_users where id = $1)
         where id = $2`,
        [owner.id, other.id],
      );
      const response = await complete(await challenge(other), { code: codeAt(secret) });
      expect(response.statusCode).toBe(500);
      expect(response.json().code).toBe('two_factor_secret_unreadable');
      expect(response.body).not.toContain('accessToken');
      // The owner's own secret keeps working.
      expect((await complete(await challenge(owner), { code: codeAt(secret) })).statusCode).toBe(200);
    });

    it('ends the other sessions when confirming with endOtherSessions', async () => {
      const user = await signUp(t);
      const otherLogin = await post('/auth/login', { email: user.email, password: user.password });
      const otherSession = otherLogin.json();
      expect(
        (await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(otherSession) })).statusCode,
      ).toBe(200);

      const { secret } = await beginSetup(user);
      const confirmed = await post(
        '/auth/2fa/confirm',
        { code: codeAt(secret), endOtherSessions: true },
        bearer(user),
      );
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.json().endedSessions).toBe(1);

      const ended = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(otherSession) });
      expect(ended.statusCode).toBe(401);
      expect(ended.json().code).toBe('session_revoked');
      const refreshed = await post('/auth/refresh', { refreshToken: otherSession.refreshToken });
      expect(refreshed.statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) })).statusCode).toBe(
        200,
      );
    });
  });

  describe('signing in', () => {
    it('answers a challenge and no tokens, and the challenge authenticates nothing', async () => {
      const { user } = await enrolledUser();
      const response = await post('/auth/login', {
        email: user.email,
        password: user.password,
        useCookies: true,
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toEqual({
        status: 'two_factor_required',
        challengeToken: expect.stringMatching(/^[\w-]{43}$/),
        expiresInSeconds: 300,
      });
      expect(response.headers['set-cookie']).toBeUndefined();

      const asBearer = await t.app.inject({
        method: 'GET',
        url: '/auth/me',
        headers: { authorization: `Bearer ${body.challengeToken}` },
      });
      expect(asBearer.statusCode).toBe(401);
      const asRefresh = await post('/auth/refresh', { refreshToken: body.challengeToken });
      expect(asRefresh.statusCode).toBe(401);
    });

    it('completes with the right code, and refuses the same code on a new challenge (replay)', async () => {
      const { user, secret } = await enrolledUser();
      const code = codeAt(secret);
      const response = await complete(await challenge(user), { code });
      expect(response.statusCode).toBe(200);
      const signedIn = response.json();
      expect(signedIn).toMatchObject({ status: 'authenticated', user: { id: user.id } });
      const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(signedIn) });
      expect(me.json()).toMatchObject({ id: user.id, twoFactorEnabled: true });

      const replay = await complete(await challenge(user), { code });
      expect(replay.statusCode).toBe(401);
      expect(replay.json().code).toBe('second_factor_invalid');
      expect(replay.body).not.toContain('accessToken');
    });

    it('accepts a code one step early or late, but not two steps away', async () => {
      const { user, secret } = await enrolledUser();
      const token = await challenge(user);
      for (const steps of [-2, 2]) {
        const far = await complete(token, { code: codeAt(secret, steps) });
        expect(far.statusCode, `${steps} steps`).toBe(401);
        expect(far.json().code).toBe('second_factor_invalid');
      }
      expect((await complete(token, { code: codeAt(secret, -1) })).statusCode).toBe(200);
      expect((await complete(await challenge(user), { code: codeAt(secret, 1) })).statusCode).toBe(200);
    });

    it('refuses a code older than one already accepted', async () => {
      const { user, secret } = await enrolledUser();
      expect((await complete(await challenge(user), { code: codeAt(secret, 1) })).statusCode).toBe(200);
      const older = await complete(await challenge(user), { code: codeAt(secret, 0) });
      expect(older.statusCode).toBe(401);
      t.clock.advance(2 * STEP_MS);
      expect((await complete(await challenge(user), { code: codeAt(secret) })).statusCode).toBe(200);
    });

    it('accepts each recovery code once, typed loosely too', async () => {
      const { user, recoveryCodes } = await enrolledUser();
      const [first, second] = recoveryCodes as [string, string];
      const used = await complete(await challenge(user), { recoveryCode: first });
      expect(used.statusCode).toBe(200);
      expect(used.json().status).toBe('authenticated');

      const reused = await complete(await challenge(user), { recoveryCode: first });
      expect(reused.statusCode).toBe(401);
      expect(reused.json().code).toBe('second_factor_invalid');

      const loose = ` ${second.toUpperCase().replaceAll('-', ' ')} `;
      expect((await complete(await challenge(user), { recoveryCode: loose })).statusCode).toBe(200);
      const looseAgain = await complete(await challenge(user), { recoveryCode: second });
      expect(looseAgain.statusCode).toBe(401);
    });

    it('refuses a recovery code of another user', async () => {
      const { user } = await enrolledUser();
      const { recoveryCodes: othersCodes } = await enrolledUser();
      const response = await complete(await challenge(user), { recoveryCode: othersCodes[0]! });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('second_factor_invalid');
    });

    it('kills the challenge after 5 wrong codes, but lets the 5th attempt succeed', async () => {
      const { user, secret } = await enrolledUser();
      const spent = await challenge(user);
      for (let attempt = 1; attempt <= 5; attempt++) {
        afterAnyLock(); // the account's own budget is tested below; here only the challenge's
        const wrong = await complete(spent, { code: wrongCode(secret) });
        expect(wrong.statusCode).toBe(401);
        expect(wrong.json().code).toBe('second_factor_invalid');
      }
      afterAnyLock();
      const tooLate = await complete(spent, { code: codeAt(secret) });
      expect(tooLate.statusCode).toBe(401);
      expect(tooLate.json().code).toBe('challenge_invalid');

      const fresh = await challenge(user);
      for (let attempt = 1; attempt <= 4; attempt++) {
        afterAnyLock();
        expect((await complete(fresh, { code: wrongCode(secret) })).statusCode).toBe(401);
      }
      afterAnyLock();
      expect((await complete(fresh, { code: codeAt(secret) })).statusCode).toBe(200);
    });

    it('allows no more than 5 guesses on one challenge even when they arrive at once', async () => {
      const { user, secret } = await enrolledUser();
      const token = await challenge(user);
      const guesses = await Promise.all(
        Array.from({ length: 12 }, () => complete(token, { code: wrongCode(secret) })),
      );
      expect(guesses.every((guess) => [401, 429].includes(guess.statusCode))).toBe(true);
      // The account's budget lets the free attempts and one more be checked.
      expect(guesses.filter((guess) => guess.json().code === 'second_factor_invalid')).toHaveLength(4);
      const right = await complete(token, { code: codeAt(secret) });
      expect(right.statusCode).toBe(401);
      expect(right.json().code).toBe('challenge_invalid');
    });

    it('completes a challenge only once, without spending a recovery code on a used challenge', async () => {
      const { user, secret, recoveryCodes } = await enrolledUser();
      const token = await challenge(user);
      expect((await complete(token, { code: codeAt(secret) })).statusCode).toBe(200);

      t.clock.advance(STEP_MS);
      const again = await complete(token, { code: codeAt(secret) });
      expect(again.statusCode).toBe(401);
      expect(again.json().code).toBe('challenge_invalid');
      const withRecovery = await complete(token, { recoveryCode: recoveryCodes[0]! });
      expect(withRecovery.statusCode).toBe(401);
      expect(withRecovery.json().code).toBe('challenge_invalid');

      expect((await complete(await challenge(user), { recoveryCode: recoveryCodes[0]! })).statusCode).toBe(
        200,
      );
    });

    it('gives one session when the same challenge is completed twice at once', async () => {
      const { user, secret, recoveryCodes } = await enrolledUser();
      const token = await challenge(user);
      const outcomes = await Promise.all([
        complete(token, { code: codeAt(secret) }),
        complete(token, { recoveryCode: recoveryCodes[0]! }),
      ]);
      expect(outcomes.map((outcome) => outcome.statusCode).sort()).toEqual([200, 401]);
    });

    it('refuses an unknown challenge token', async () => {
      const { secret } = await enrolledUser();
      const response = await complete('x'.repeat(43), { code: codeAt(secret) });
      expect(response.statusCode).toBe(401);
      expect(response.json().code).toBe('challenge_invalid');
    });
  });

  describe('disabling', () => {
    it('needs the password and a valid code or recovery code', async () => {
      const { user, secret } = await enrolledUser();
      const wrongPassword = await post(
        '/auth/2fa/disable',
        { password: 'not the password 123', code: codeAt(secret) },
        bearer(user),
      );
      expect(wrongPassword.statusCode).toBe(403);
      expect(wrongPassword.json().code).toBe('reauthentication_failed');

      const noCode = await post('/auth/2fa/disable', { password: goodPassword }, bearer(user));
      expect(noCode.statusCode).toBe(400);

      const wrong = await post(
        '/auth/2fa/disable',
        { password: goodPassword, code: wrongCode(secret) },
        bearer(user),
      );
      expect(wrong.statusCode).toBe(403);
      expect(wrong.json().code).toBe('second_factor_invalid');

      const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) });
      expect(me.json().twoFactorEnabled).toBe(true);
      expect((await post('/auth/login', { email: user.email, password: user.password })).json().status).toBe(
        'two_factor_required',
      );

      const disabled = await post(
        '/auth/2fa/disable',
        { password: goodPassword, code: codeAt(secret) },
        bearer(user),
      );
      expect(disabled.statusCode).toBe(200);
      expect(disabled.json()).toEqual({ endedSessions: 0 });
      const after = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) });
      expect(after.json().twoFactorEnabled).toBe(false);
      const login = await post('/auth/login', { email: user.email, password: user.password });
      expect(login.json()).toMatchObject({ status: 'authenticated', accessToken: expect.any(String) });
    });

    it('accepts a recovery code instead of a code, and the old recovery codes die with the factor', async () => {
      const { user, recoveryCodes } = await enrolledUser();
      const disabled = await post(
        '/auth/2fa/disable',
        { password: goodPassword, recoveryCode: recoveryCodes[0]! },
        bearer(user),
      );
      expect(disabled.statusCode).toBe(200);
      expect((await post('/auth/login', { email: user.email, password: user.password })).json().status).toBe(
        'authenticated',
      );

      const { secret } = await enrol(user);
      t.clock.advance(3 * STEP_MS);
      const oldCode = await complete(await challenge(user), { recoveryCode: recoveryCodes[1]! });
      expect(oldCode.statusCode).toBe(401);
      expect((await complete(await challenge(user), { code: codeAt(secret) })).statusCode).toBe(200);
    });
  });
  describe('item 6: the account budget for codes', () => {
    it('item 6: counts wrong codes across challenges, so a fresh challenge brings no fresh budget; even the right code waits for the lock', async () => {
      const { user, secret, recoveryCodes } = await enrolledUser();
      // Three free attempts from one address, each on a challenge of its own (a recovery code counts too).
      for (const proof of [{ code: wrongCode(secret) }, { recoveryCode: 'zzzzz-zzzzz-zzzzz-zzzzz-zzzz' }]) {
        expect((await complete(await challenge(user), proof)).statusCode).toBe(401);
      }
      expect((await complete(await challenge(user), { code: wrongCode(secret) })).statusCode).toBe(401);
      // The fourth wrong code leaves a 1 s lock; the fifth challenge's right code is refused unchecked.
      expect((await complete(await challenge(user), { code: wrongCode(secret) })).statusCode).toBe(401);
      const locked = await complete(await challenge(user), { code: codeAt(secret) });
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe('second_factor_locked');
      expect(locked.headers['retry-after']).toBe('1');
      const lockedRecovery = await complete(await challenge(user), { recoveryCode: recoveryCodes[0]! });
      expect(lockedRecovery.statusCode).toBe(429);

      t.clock.advance(1000);
      expect((await complete(await challenge(user), { code: codeAt(secret) })).statusCode).toBe(200);
      const { rows } = await t.db.executeSql(
        `select count(*)::int as n from audit_log where actor_id = $1 and action = 'auth.second_factor_failed'`,
        [user.id],
      );
      expect(rows[0]?.n).toBe(4);
    });

    it('item 6: locks every address once the account-wide free attempts are used up', async () => {
      const { user, secret } = await enrolledUser();
      for (let address = 1; address <= 11; address++) {
        const from = `198.51.100.${address}`;
        expect(
          (await complete(await challenge(user, from), { code: wrongCode(secret) }, from)).statusCode,
        ).toBe(401);
      }
      const elsewhere = '198.51.100.200';
      const locked = await complete(await challenge(user, elsewhere), { code: codeAt(secret) }, elsewhere);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe('second_factor_locked');
      t.clock.advance(1000);
      const right = await complete(await challenge(user, elsewhere), { code: codeAt(secret) }, elsewhere);
      expect(right.statusCode).toBe(200);
    });

    it('item 6: the disable route draws on the same budget as sign-in and is capped', async () => {
      const { user, secret } = await enrolledUser();
      const disable = (proof: object) =>
        post('/auth/2fa/disable', { password: goodPassword, ...proof }, bearer(user));
      for (let attempt = 0; attempt < 2; attempt++) {
        expect((await complete(await challenge(user), { code: wrongCode(secret) })).statusCode).toBe(401);
      }
      expect((await disable({ code: wrongCode(secret) })).statusCode).toBe(403);
      expect((await disable({ recoveryCode: 'zzzzz-zzzzz-zzzzz-zzzzz-zzzz' })).statusCode).toBe(403);
      const capped = await disable({ code: codeAt(secret) });
      expect(capped.statusCode).toBe(429);
      expect(capped.json().code).toBe('second_factor_locked');
      expect((await complete(await challenge(user), { code: codeAt(secret) })).statusCode).toBe(429);

      t.clock.advance(1000);
      expect((await disable({ code: codeAt(secret) })).statusCode).toBe(200);
    });

    it('item 6: confirming an enrolment draws on the same budget, so a stolen session cannot guess its way to the recovery codes', async () => {
      const user = await signUp(t);
      const { secret } = await beginSetup(user);
      const confirm = (code: string) => post('/auth/2fa/confirm', { code }, bearer(user));
      for (let attempt = 0; attempt < 4; attempt++) {
        expect((await confirm(wrongCode(secret))).json().code).toBe('two_factor_code_invalid');
      }
      const locked = await confirm(codeAt(secret));
      expect(locked.statusCode).toBe(429);
      expect(locked.json().code).toBe('second_factor_locked');
      t.clock.advance(1000);
      const confirmed = await confirm(codeAt(secret));
      expect(confirmed.statusCode).toBe(200);
      expect(confirmed.json().recoveryCodes).toHaveLength(10);
    });

    it('item 6: one attempt checks one secret: a code and a recovery code together are a 400 that spends nothing', async () => {
      const { user, secret, recoveryCodes } = await enrolledUser();
      const token = await challenge(user);
      for (let attempt = 0; attempt < 6; attempt++) {
        const both = await complete(token, {
          code: wrongCode(secret),
          recoveryCode: recoveryCodes[0] as string,
        });
        expect(both.statusCode).toBe(400);
        expect(both.json().errors[0].path).toBe('/body/recoveryCode');
      }
      const disableBoth = await post(
        '/auth/2fa/disable',
        { password: goodPassword, code: wrongCode(secret), recoveryCode: recoveryCodes[0] },
        bearer(user),
      );
      expect(disableBoth.statusCode).toBe(400);
      expect((await complete(token, { code: codeAt(secret) })).statusCode).toBe(200);
    });

    it('item 6: a burst of codes on several challenges at once checks only the free ones and one more', async () => {
      const { user, secret } = await enrolledUser();
      const tokens = await Promise.all(Array.from({ length: 4 }, () => challenge(user)));
      const guesses = await Promise.all(
        tokens.flatMap((token) =>
          Array.from({ length: 5 }, () => complete(token, { code: wrongCode(secret) })),
        ),
      );
      expect(guesses.filter((guess) => guess.json().code === 'second_factor_invalid')).toHaveLength(4);
      expect(guesses.filter((guess) => guess.statusCode === 429)).toHaveLength(16);
    });
  });

  describe('item 13: a proof is required', () => {
    it('item 13: disabling without a code is a 400 naming the missing field', async () => {
      const { user } = await enrolledUser();
      const response = await post('/auth/2fa/disable', { password: goodPassword }, bearer(user));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'validation_failed',
        errors: [{ path: '/body/code', message: expect.stringMatching(/required.*recovery code/) }],
      });
      expect(response.json().detail).not.toMatch(/code is not valid/);
    });

    it('item 13: completing a sign-in without a code is a 400 that spends no attempt', async () => {
      const { user, secret } = await enrolledUser();
      const token = await challenge(user);
      for (let attempt = 0; attempt < 6; attempt++) {
        const response = await complete(token, {});
        expect(response.statusCode).toBe(400);
        expect(response.json().errors[0].path).toBe('/body/code');
      }
      expect((await complete(token, { code: codeAt(secret) })).statusCode).toBe(200);
    });
  });
});
