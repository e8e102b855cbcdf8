// Passwords through the HTTP routes: what sign-up refuses and accepts, email normalisation and
// uniqueness, changing the password, the mailed reset code (same answer for unknown emails,
// single use, 30-minute expiry, stored hashed) and the upgrade of weaker stored hashes at sign-in.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';
import { bearer, goodPassword, signUp } from '../fixtures/identity-client.js';

const MINUTE_MS = 60_000;
const newPassword = 'a different, longer passphrase 7';

describe('passwords', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(identityApp);
  });
  afterAll(async () => t?.close());

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url, payload, headers });
  const login = (email: string, password: string) => post('/auth/login', { email, password });
  const signUpRaw = (email: string, password: string) =>
    post('/auth/signup', { email, password, role: 'member' });

  async function storedHash(userId: string): Promise<string> {
    const { rows } = await t.db.executeSql('select password_hash from auth_users where id = $1', [userId]);
    return rows[0]?.password_hash as string;
  }

  describe('sign-up', () => {
    it.each([
      ['is 7 characters long', 'tiny@example.com', 'Sh0rt!x', /at least 8/],
      ['is a common password', 'common@example.com', 'password123', /too common/],
      ['is the local part of the email', 'annabel.smith@example.com', 'Annabel.Smith', /email/],
      ['is the whole email', 'whole.email@example.com', 'whole.email@example.com', /email/],
    ])('refuses a password that %s, and creates no account', async (_case, email, password, reason) => {
      const response = await signUpRaw(email, password);
      expect(response.statusCode).toBe(400);
      const body = response.json();
      expect(body.code).toBe('password_rejected');
      expect(body.errors).toEqual([{ path: '/body/password', message: expect.stringMatching(reason) }]);
      expect((await login(email, password)).statusCode).toBe(401);
      // The email is still free.
      expect((await signUpRaw(email, goodPassword)).statusCode).toBe(201);
    });

    it.each([
      ['Sh0rt!x', 'Password must be at least 8 characters long.'],
      ['password123', 'This password is too common and easy to guess; choose another.'],
    ])('item 13: explains a refused password (%s) in one clean sentence', async (password, sentence) => {
      const response = await signUpRaw(`clean-${password.length}@example.com`, password);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'password_rejected',
        detail: sentence,
        errors: [{ path: '/body/password', message: sentence }],
      });
    });

    it.each([
      ['64 characters', 'k'.repeat(32) + 'Q7'.repeat(16), 64],
      ['128 characters', 'Long passphrase, 128 chars! '.repeat(5).slice(0, 128), 128],
      ['128 emoji (256 UTF-16 units)', '🔐'.repeat(128), 128],
    ])('accepts a password of %s and signs in with it', async (_case, password, codePoints) => {
      expect([...password]).toHaveLength(codePoints);
      const user = await signUp(t, { password });
      expect((await login(user.email, password)).statusCode).toBe(200);
      expect((await login(user.email, password.slice(0, -2))).statusCode).toBe(401);
    });

    it('refuses a password of 129 characters', async () => {
      const response = await signUpRaw('too.long@example.com', 'p'.repeat(100) + 'Q'.repeat(29));
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('password_rejected');
      expect(response.json().errors[0].path).toBe('/body/password');
    });

    it('normalises the email: signed up as "Ann@Example.COM ", signs in as ann@example.com', async () => {
      const created = await signUpRaw('Ann@Example.COM ', goodPassword);
      expect(created.statusCode).toBe(201);
      const response = await login('ann@example.com', goodPassword);
      expect(response.statusCode).toBe(200);
      expect(response.json().user.id).toBe(created.json().user.id);
      expect((await login(' ANN@example.com', goodPassword)).statusCode).toBe(200);
      const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(response.json()) });
      expect(me.json().email).toBe('ann@example.com');
    });

    it('refuses a second account for the same email, however it is spelt', async () => {
      const user = await signUp(t);
      for (const email of [user.email, user.email.toUpperCase(), `  ${user.email}`]) {
        const response = await signUpRaw(email, goodPassword);
        expect(response.statusCode, email).toBe(409);
        expect(response.json().code).toBe('email_taken');
      }
      const { rows } = await t.db.executeSql('select count(*)::int as n from auth_users where email = $1', [
        user.email,
      ]);
      expect(rows[0]?.n).toBe(1);
    });
  });

  describe('changing the password', () => {
    it('refuses a wrong current password and a weak new one, then changes it', async () => {
      const user = await signUp(t);
      const wrongCurrent = await post(
        '/auth/password',
        { currentPassword: 'not my password at all', newPassword },
        bearer(user),
      );
      expect(wrongCurrent.statusCode).toBe(403);
      expect(wrongCurrent.json().code).toBe('reauthentication_failed');

      const weak = await post(
        '/auth/password',
        { currentPassword: goodPassword, newPassword: 'password123' },
        bearer(user),
      );
      expect(weak.statusCode).toBe(400);
      expect(weak.json()).toMatchObject({
        code: 'password_rejected',
        errors: [{ path: '/body/newPassword', message: expect.stringMatching(/too common/) }],
      });
      const otherDevice = await login(user.email, goodPassword);
      expect(otherDevice.statusCode).toBe(200);

      const changed = await post(
        '/auth/password',
        { currentPassword: goodPassword, newPassword },
        bearer(user),
      );
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toEqual({ endedSessions: 1 });

      const old = await login(user.email, goodPassword);
      expect(old.statusCode).toBe(401);
      expect(old.json().code).toBe('invalid_credentials');
      expect((await login(user.email, newPassword)).statusCode).toBe(200);
      const ended = await t.app.inject({
        method: 'GET',
        url: '/auth/me',
        headers: bearer(otherDevice.json()),
      });
      expect(ended.statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) })).statusCode).toBe(
        200,
      );
    });
  });

  describe('reset by mail', () => {
    async function mailsTo(email: string): Promise<string[]> {
      const { rows } = await t.db.executeSql(
        'select body from mail_outbox where recipient = $1 order by id',
        [email],
      );
      return rows.map((row) => row.body as string);
    }

    async function requestCode(email: string): Promise<string> {
      const before = (await mailsTo(email)).length;
      const response = await post('/auth/password/forgot', { email });
      expect(response.statusCode).toBe(202);
      const mails = await mailsTo(email);
      expect(mails).toHaveLength(before + 1);
      const code = /\n\n([A-Za-z0-9_-]{43})\n\n/.exec(mails.at(-1)!)?.[1];
      expect(code).toBeDefined();
      return code!;
    }

    const reset = (token: string, password: string) =>
      post('/auth/password/reset', { token, newPassword: password });

    it('answers the same for a known and an unknown email, and mails only the known one', async () => {
      const user = await signUp(t);
      const unknown = `nobody-${Date.now()}@example.com`;
      const { rows: before } = await t.db.executeSql('select count(*)::int as n from mail_outbox');

      const known = await post('/auth/password/forgot', { email: user.email });
      const other = await post('/auth/password/forgot', { email: unknown });
      for (const response of [known, other]) {
        expect(response.statusCode).toBe(202);
        expect(response.json()).toEqual({ status: 'accepted' });
      }
      expect(other.headers['content-type']).toBe(known.headers['content-type']);
      expect(other.body).toBe(known.body);

      const { rows: after } = await t.db.executeSql('select count(*)::int as n from mail_outbox');
      expect(after[0]?.n).toBe((before[0]?.n as number) + 1);
      expect(await mailsTo(unknown)).toEqual([]);
      const { rows } = await t.db.executeSql('select subject from mail_outbox where recipient = $1', [
        user.email,
      ]);
      expect(rows).toEqual([{ subject: 'Reset your ident password' }]);
    });

    it('sets the new password with the code once, ending every session', async () => {
      const user = await signUp(t);
      const code = await requestCode(user.email);
      expect((await reset(code, newPassword)).statusCode).toBe(204);

      expect((await login(user.email, goodPassword)).statusCode).toBe(401);
      expect((await login(user.email, newPassword)).statusCode).toBe(200);
      const ended = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) });
      expect(ended.statusCode).toBe(401);

      const again = await reset(code, 'yet another passphrase 99');
      expect(again.statusCode).toBe(400);
      expect(again.json().code).toBe('reset_token_invalid');
      expect((await login(user.email, newPassword)).statusCode).toBe(200);
    });

    it('refuses a code after 30 minutes and accepts one just before', async () => {
      const user = await signUp(t);
      const stale = await requestCode(user.email);
      t.clock.advance(30 * MINUTE_MS + 1000);
      const expired = await reset(stale, newPassword);
      expect(expired.statusCode).toBe(400);
      expect(expired.json().code).toBe('reset_token_invalid');
      expect((await login(user.email, goodPassword)).statusCode).toBe(200);

      const fresh = await requestCode(user.email);
      t.clock.advance(29 * MINUTE_MS);
      expect((await reset(fresh, newPassword)).statusCode).toBe(204);
      expect((await login(user.email, newPassword)).statusCode).toBe(200);
    });

    it('refuses a weak new password without using up the code', async () => {
      const user = await signUp(t);
      const code = await requestCode(user.email);
      const weak = await reset(code, 'password123');
      expect(weak.statusCode).toBe(400);
      expect(weak.json()).toMatchObject({
        code: 'password_rejected',
        errors: [{ path: '/body/newPassword', message: expect.stringMatching(/too common/) }],
      });
      const localPart = await reset(code, user.email.split('@')[0]!);
      expect(localPart.statusCode).toBe(400);
      expect((await login(user.email, goodPassword)).statusCode).toBe(200);

      expect((await reset(code, newPassword)).statusCode).toBe(204);
      expect((await login(user.email, newPassword)).statusCode).toBe(200);
    });

    it('refuses a code that was never issued', async () => {
      const response = await reset('A'.repeat(43), newPassword);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('reset_token_invalid');
    });

    it('stores only a hash of the mailed code', async () => {
      const user = await signUp(t);
      const code = await requestCode(user.email);
      const { rows } = await t.db.executeSql(
        'select r::text as row, token_hash from auth_password_resets r where user_id = $1',
        [user.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.row).not.toContain(code);
      expect(rows[0]?.token_hash).toBe(createHash('sha256').update(code).digest('hex'));
    });
  });

  describe('hash upgrade', () => {
    it('rehashes a weaker stored hash at the next successful sign-in, and only then', async () => {
      const user = await signUp(t);
      const weak = await createPasswordHasher({ memoryKiB: 512, iterations: 1 }).hash(goodPassword);
      expect(weak).toMatch(/^\$argon2id\$v=19\$m=512,t=1,p=1\$/);
      await t.db.executeSql('update auth_users set password_hash = $1 where id = $2', [weak, user.id]);

      expect((await login(user.email, 'not the password, sorry')).statusCode).toBe(401);
      expect(await storedHash(user.id)).toBe(weak);

      expect((await login(user.email, goodPassword)).statusCode).toBe(200);
      const upgraded = await storedHash(user.id);
      expect(upgraded).not.toBe(weak);
      expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);

      expect((await login(user.email, goodPassword)).statusCode).toBe(200);
      expect(await storedHash(user.id)).toBe(upgraded);
    });
  });
});
