// Access tokens through the HTTP guard and the token service: an issued token carries the documented
// claims and opens guarded routes; unsigned, edited, foreign-key, wrong-claim, unknown-kid,
// algorithm-confused, expired and not-yet-valid tokens are refused with 401 and WWW-Authenticate;
// HS256 and EdDSA keys rotate without logging anyone out; EdDSA publishes its public keys as a JWKS.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JWTHeaderParameters,
  jwtVerify,
  type KeyLike,
  SignJWT,
  UnsecuredJWT,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { identityDb } from '../../src/auth/schema.js';
import { createTokenService } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/config/index.js';
import { buildTestApp, createFakeClock, type TestApp } from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';
import { signUp, type TestUser } from '../fixtures/identity-client.js';

type Response = Awaited<ReturnType<TestApp['app']['inject']>>;
type Claims = Record<string, unknown>;

const newSecret = () => randomBytes(48).toString('base64url');
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const hmacKey = (secret: string) => new TextEncoder().encode(secret);

function get(t: TestApp, url: string, authorization?: string): Promise<Response> {
  return t.app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });
}

function expectRefused(response: Response, code: string): void {
  expect(response.statusCode).toBe(401);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['www-authenticate']).toBe('Bearer');
  expect(response.json()).toMatchObject({ status: 401, code });
}

async function expectThingsRefused(t: TestApp, token: string, code: string): Promise<void> {
  expectRefused(await get(t, '/things', `Bearer ${token}`), code);
}

async function expectThingsOpen(t: TestApp, token: string, userId: string): Promise<void> {
  const response = await get(t, '/things', `Bearer ${token}`);
  expect(response.statusCode).toBe(200);
  expect(response.json()).toEqual({ userId });
}

/** Signs `claims` with `header` (undefined values are left out, so a claim or the kid can be dropped). */
function sign(claims: Claims, header: Claims, key: KeyLike | Uint8Array): Promise<string> {
  const defined = (record: Claims) =>
    Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
  return new SignJWT(defined(claims)).setProtectedHeader(defined(header) as JWTHeaderParameters).sign(key);
}

describe('HS256 access tokens', () => {
  const secret = newSecret();
  let t: TestApp;
  let start: Date;
  let member: TestUser;

  beforeAll(async () => {
    t = await buildTestApp(identityApp, {
      env: { JWT_SECRET: secret, ACCESS_TOKEN_TTL_SECONDS: '600', TOKEN_CLOCK_SKEW_SECONDS: '20' },
    });
    start = t.clock.now();
    member = await signUp(t, { role: 'member' });
  });
  afterEach(() => t.clock.set(start));
  afterAll(async () => t?.close());

  /** A token as the app would issue it for `member`, with the given changes, signed with `key`. */
  function craft(
    changes: { claims?: Claims; header?: Claims } = {},
    key: KeyLike | Uint8Array = hmacKey(secret),
  ): Promise<string> {
    return sign(
      { ...decodeJwt(member.accessToken), ...changes.claims },
      { ...decodeProtectedHeader(member.accessToken), ...changes.header },
      key,
    );
  }

  describe('an issued token', () => {
    it('carries sub, role, session, jti, issuer, audience, type and a lifetime of ACCESS_TOKEN_TTL_SECONDS', async () => {
      const now = epoch(t.clock.now());
      const response = await t.app.inject({
        method: 'POST',
        url: '/auth/signup',
        payload: { email: 'claims@example.com', password: 'correct horse battery staple 42', role: 'editor' },
      });
      expect(response.statusCode).toBe(201);
      const body = response.json();
      expect(body.expiresIn).toBe(600);

      const claims = decodeJwt(body.accessToken);
      expect(claims).toEqual({
        sub: body.user.id,
        role: 'editor',
        rtid: body.sessionId,
        jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
        iss: 'ident',
        aud: 'ident-api',
        token_type: 'access',
        iat: now,
        nbf: now,
        exp: now + 600,
      });
      expect(decodeProtectedHeader(body.accessToken)).toEqual({
        alg: 'HS256',
        kid: expect.stringMatching(/^[\w-]{8,}$/),
        typ: 'JWT',
      });
    });

    it('gives every token its own jti', async () => {
      const other = await signUp(t);
      expect(decodeJwt(other.accessToken).jti).not.toBe(decodeJwt(member.accessToken).jti);
    });

    it('opens a guarded route as its user', async () => {
      await expectThingsOpen(t, member.accessToken, member.id);
    });

    it('is accepted whatever the case of the "Bearer" scheme (RFC 7235)', async () => {
      for (const scheme of ['bearer', 'BEARER']) {
        const response = await get(t, '/things', `${scheme} ${member.accessToken}`);
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ userId: member.id });
      }
    });

    it('is reproduced exactly by crafting with the app key (so each refusal below is for its one change)', async () => {
      const crafted = await craft();
      expect(crafted).toBe(member.accessToken);
      await expectThingsOpen(t, crafted, member.id);
    });
  });

  describe('tampered and foreign tokens', () => {
    it('refuses an unsigned alg:none token', async () => {
      const unsigned = new UnsecuredJWT(decodeJwt(member.accessToken)).encode();
      expect(decodeProtectedHeader(unsigned).alg).toBe('none');
      await expectThingsRefused(t, unsigned, 'token_invalid');
      const [header, payload] = unsigned.split('.');
      await expectThingsRefused(t, `${header}.${payload}.AAAA`, 'token_invalid');
      const noneWithSignature = `${encode({ alg: 'none', typ: 'JWT', kid: decodeProtectedHeader(member.accessToken).kid })}.${payload}.${member.accessToken.split('.')[2]}`;
      await expectThingsRefused(t, noneWithSignature, 'token_invalid');
    });

    it('refuses a token whose payload was edited (member made admin) keeping the signature', async () => {
      const [header, , signature] = member.accessToken.split('.');
      const forged = `${header}.${encode({ ...decodeJwt(member.accessToken), role: 'admin' })}.${signature}`;
      const response = await t.app.inject({
        method: 'POST',
        url: '/things',
        headers: { authorization: `Bearer ${forged}` },
      });
      expectRefused(response, 'token_invalid');
    });

    it('refuses a token whose signature was altered', async () => {
      const [header, payload, signature = ''] = member.accessToken.split('.');
      const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
      await expectThingsRefused(t, `${header}.${payload}.${flipped}`, 'token_invalid');
    });

    it('refuses a token signed with another secret under the app kid', async () => {
      await expectThingsRefused(t, await craft({}, hmacKey(newSecret())), 'token_invalid');
    });

    it.each<[string, { claims?: Claims; header?: Claims }]>([
      ['another issuer', { claims: { iss: 'hiring' } }],
      ['no issuer', { claims: { iss: undefined } }],
      ['another audience', { claims: { aud: 'hiring-api' } }],
      ['no audience', { claims: { aud: undefined } }],
      ['token_type refresh', { claims: { token_type: 'refresh' } }],
      ['no token_type', { claims: { token_type: undefined } }],
      ['no jti', { claims: { jti: undefined } }],
      ['no sub', { claims: { sub: undefined } }],
      ['no session id (rtid)', { claims: { rtid: undefined } }],
      ['no exp', { claims: { exp: undefined } }],
      ['an unknown kid', { header: { kid: 'not-a-key-of-this-app' } }],
      ['no kid', { header: { kid: undefined } }],
    ])('refuses a token signed with the right secret but %s', async (_case, changes) => {
      await expectThingsRefused(t, await craft(changes), 'token_invalid');
    });

    it.each([
      ['"Bearer" alone', 'Bearer'],
      ['"Bearer " with nothing after it', 'Bearer '],
      ['Basic credentials', `Basic ${Buffer.from('user:pass').toString('base64')}`],
      ['garbage', 'garbage'],
      ['a token without the scheme', 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln'],
      ['a token with two parts', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30'],
      ['a token followed by more text', 'Bearer a.b.c extra'],
    ])(
      'answers a malformed Authorization header (%s) with authorization_malformed',
      async (_case, header) => {
        expectRefused(await get(t, '/things', header), 'authorization_malformed');
      },
    );

    it('refuses a well-formed token that is not a JWT at all', async () => {
      await expectThingsRefused(t, 'abc.def.ghi', 'token_invalid');
    });
  });

  describe('time', () => {
    it('keeps a token valid up to exp + TOKEN_CLOCK_SKEW_SECONDS, then answers token_expired', async () => {
      const user = await signUp(t);
      const exp = decodeJwt(user.accessToken).exp as number;
      const { clockSkewSeconds } = t.config.auth;
      expect(clockSkewSeconds).toBe(20);

      t.clock.set(new Date((exp + clockSkewSeconds - 1) * 1000));
      await expectThingsOpen(t, user.accessToken, user.id);

      t.clock.set(new Date((exp + clockSkewSeconds + 1) * 1000));
      await expectThingsRefused(t, user.accessToken, 'token_expired');
    });

    it('answers token_invalid, not token_expired, for an expired token with a bad signature', async () => {
      t.clock.advance(3600_000);
      await expectThingsRefused(t, await craft({}, hmacKey(newSecret())), 'token_invalid');
    });

    it('refuses a token whose nbf is beyond the skew in the future, and accepts one within it', async () => {
      const now = epoch(t.clock.now());
      const skew = t.config.auth.clockSkewSeconds;
      const notYet = await craft({ claims: { iat: now, nbf: now + skew + 5, exp: now + 600 } });
      await expectThingsRefused(t, notYet, 'token_invalid');
      const slightlyAhead = await craft({ claims: { iat: now, nbf: now + skew - 5, exp: now + 600 } });
      await expectThingsOpen(t, slightlyAhead, member.id);
    });
  });

  it('publishes no keys at /.well-known/jwks.json (HS256 keys are secret)', async () => {
    const response = await get(t, '/.well-known/jwks.json');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ keys: [] });
    expect(response.body).not.toContain(secret);
  });
});

describe('the token service on its own', () => {
  const clock = createFakeClock();
  const config = loadConfig({
    appName: 'ident',
    defaultPort: 0,
    env: { NODE_ENV: 'test', JWT_SECRET: newSecret() },
  });
  const service = () =>
    createTokenService({
      issuer: 'ident',
      audience: 'ident-api',
      settings: config.auth,
      jwtSecret: config.secrets.jwt,
      clock,
    });

  it('verifies what it issued into the caller, the session and the token id', async () => {
    const tokens = await service();
    const issued = await tokens.issue({ userId: 'user-1', role: 'member', sessionId: 'session-1' });
    expect(issued.expiresAt.getTime()).toBe(clock.now().getTime() + config.auth.accessTokenTtlSeconds * 1000);
    expect(await tokens.verify(issued.token)).toEqual({
      sub: 'user-1',
      role: 'member',
      rtid: 'session-1',
      jti: issued.jti,
      exp: epoch(issued.expiresAt),
    });
  });

  it('rejects an unsigned alg:none token with token_invalid', async () => {
    const tokens = await service();
    const now = epoch(clock.now());
    const unsigned = new UnsecuredJWT({ role: 'admin', rtid: 'session-1', token_type: 'access' })
      .setSubject('user-1')
      .setIssuer('ident')
      .setAudience('ident-api')
      .setJti('jti-1')
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 60)
      .encode();
    await expect(tokens.verify(unsigned)).rejects.toMatchObject({
      kind: 'unauthenticated',
      code: 'token_invalid',
    });
  });

  it('answers token_expired for a token it verified before, from exactly exp + skew on', async () => {
    const tokens = await service();
    const issued = await tokens.issue({ userId: 'user-1', role: 'member', sessionId: 'session-1' });
    const expiresAt = issued.expiresAt.getTime() + config.auth.clockSkewSeconds * 1000;
    await tokens.verify(issued.token);
    clock.set(new Date(expiresAt - 1));
    expect((await tokens.verify(issued.token)).sub).toBe('user-1');
    clock.set(new Date(expiresAt));
    await expect(tokens.verify(issued.token)).rejects.toMatchObject({ code: 'token_expired' });
  });

  it('keeps verifying every token when more are in use than it remembers', async () => {
    const tokens = await createTokenService({
      issuer: 'ident',
      audience: 'ident-api',
      settings: config.auth,
      jwtSecret: config.secrets.jwt,
      clock,
      verifiedCacheSize: 2,
    });
    const issued = await Promise.all(
      ['a', 'b', 'c'].map((userId) => tokens.issue({ userId, role: 'member', sessionId: `s-${userId}` })),
    );
    for (let round = 0; round < 3; round++)
      for (const [index, { token }] of issued.entries())
        expect((await tokens.verify(token)).sub).toBe(['a', 'b', 'c'][index]);
    const [header, payload, signature = ''] = (issued[0] as { token: string }).token.split('.');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(tokens.verify(`${header}.${payload}.${flipped}`)).rejects.toMatchObject({
      code: 'token_invalid',
    });
  });

  it('rejects with token_expired once past exp and the skew', async () => {
    const tokens = await service();
    const issued = await tokens.issue({ userId: 'user-1', role: 'member', sessionId: 'session-1' });
    clock.advance((config.auth.accessTokenTtlSeconds + config.auth.clockSkewSeconds) * 1000);
    await expect(tokens.verify(issued.token)).rejects.toMatchObject({
      kind: 'unauthenticated',
      code: 'token_expired',
    });
  });
});

/**
 * A restarted deployment keeps its database, and sessions no database knows of count as revoked:
 * copies the user's account and sessions from one test app's database into another's.
 */
async function carryOver(from: TestApp, to: TestApp, user: TestUser): Promise<void> {
  const source = identityDb(from.db);
  const target = identityDb(to.db);
  const account = await source.selectFrom('auth_users').selectAll().where('id', '=', user.id).execute();
  const sessions = await source
    .selectFrom('auth_sessions')
    .selectAll()
    .where('user_id', '=', user.id)
    .execute();
  await target.insertInto('auth_users').values(account).execute();
  await target.insertInto('auth_sessions').values(sessions).execute();
}

describe('HS256 key rotation', () => {
  const oldSecret = newSecret();
  const currentSecret = newSecret();
  let before: TestApp;
  let rotated: TestApp;
  let retired: TestApp;
  let oldUser: TestUser;
  let newUser: TestUser;
  let unknownHere: TestUser;

  beforeAll(async () => {
    before = await buildTestApp(identityApp, { env: { JWT_SECRET: oldSecret } });
    oldUser = await signUp(before);
    unknownHere = await signUp(before);
    // The same deployment restarted with a new secret, the old one kept for verification only.
    rotated = await buildTestApp(identityApp, {
      env: { JWT_SECRET: currentSecret, JWT_PREVIOUS_KEYS: oldSecret },
    });
    await carryOver(before, rotated, oldUser);
    newUser = await signUp(rotated);
    // Later still: the old secret's tokens have all expired and it is dropped.
    retired = await buildTestApp(identityApp, { env: { JWT_SECRET: currentSecret } });
    await carryOver(rotated, retired, newUser);
  });
  afterAll(async () => {
    await Promise.all([before?.close(), rotated?.close(), retired?.close()]);
  });

  it('keeps tokens signed with the previous secret working after the restart', async () => {
    await expectThingsOpen(rotated, oldUser.accessToken, oldUser.id);
  });

  it('signs new tokens with the new secret under a new kid', async () => {
    expect(decodeProtectedHeader(newUser.accessToken).kid).not.toBe(
      decodeProtectedHeader(oldUser.accessToken).kid,
    );
    await expectThingsOpen(retired, newUser.accessToken, newUser.id);
    await expectThingsRefused(before, newUser.accessToken, 'token_invalid');
  });

  it('item 23: refuses a well-signed token whose session the database does not know', async () => {
    await expectThingsRefused(rotated, unknownHere.accessToken, 'session_revoked');
  });

  it('refuses tokens of the previous secret once it is dropped from JWT_PREVIOUS_KEYS', async () => {
    await expectThingsRefused(retired, oldUser.accessToken, 'token_invalid');
  });

  it('does not accept the previous secret under the new kid', async () => {
    const forged = await sign(
      decodeJwt(oldUser.accessToken),
      { ...decodeProtectedHeader(oldUser.accessToken), kid: decodeProtectedHeader(newUser.accessToken).kid },
      hmacKey(oldSecret),
    );
    await expectThingsRefused(rotated, forged, 'token_invalid');
  });
});

describe('EdDSA access tokens', () => {
  const pair = () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return {
      privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      x: publicKey.export({ format: 'jwk' }).x as string,
      privateKey,
    };
  };
  const first = pair();
  const second = pair();
  let t: TestApp;
  let rotated: TestApp;
  let user: TestUser;
  let kid: string;

  beforeAll(async () => {
    t = await buildTestApp(identityApp, {
      env: { JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: first.privatePem },
    });
    user = await signUp(t);
    kid = decodeProtectedHeader(user.accessToken).kid as string;
    rotated = await buildTestApp(identityApp, {
      env: { JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: second.privatePem, JWT_PREVIOUS_KEYS: first.publicPem },
    });
    await carryOver(t, rotated, user);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), rotated?.close()]);
  });

  it('signs with EdDSA under a kid, and the token opens guarded routes', async () => {
    expect(decodeProtectedHeader(user.accessToken)).toEqual({
      alg: 'EdDSA',
      kid: expect.any(String),
      typ: 'JWT',
    });
    await expectThingsOpen(t, user.accessToken, user.id);
  });

  it('publishes the public key at /.well-known/jwks.json, never the private part', async () => {
    const response = await get(t, '/.well-known/jwks.json');
    expect(response.statusCode).toBe(200);
    const jwks = response.json();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid, x: first.x });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(response.body).not.toContain(first.privateKey.export({ format: 'jwk' }).d as string);
  });

  it('lets another service verify the token with the published JWKS alone', async () => {
    const jwks = createLocalJWKSet((await get(t, '/.well-known/jwks.json')).json());
    const { payload } = await jwtVerify(user.accessToken, jwks, {
      issuer: 'ident',
      audience: 'ident-api',
      currentDate: t.clock.now(),
    });
    expect(payload.sub).toBe(user.id);
  });

  it.each([
    ['the public key PEM', () => new TextEncoder().encode(first.publicPem)],
    ['the raw public key', () => Buffer.from(first.x, 'base64url')],
  ])('refuses an HS256 token whose HMAC secret is %s (algorithm confusion)', async (_case, secret) => {
    const confused = await sign(decodeJwt(user.accessToken), { alg: 'HS256', kid, typ: 'JWT' }, secret());
    await expectThingsRefused(t, confused, 'token_invalid');
  });

  it('refuses an EdDSA token signed with another private key under the app kid', async () => {
    const forged = await sign(
      decodeJwt(user.accessToken),
      { alg: 'EdDSA', kid, typ: 'JWT' },
      pair().privateKey,
    );
    await expectThingsRefused(t, forged, 'token_invalid');
  });

  it('after rotation, accepts tokens of the previous key, signs with the new one and publishes both', async () => {
    await expectThingsOpen(rotated, user.accessToken, user.id);
    const fresh = await signUp(rotated);
    const freshKid = decodeProtectedHeader(fresh.accessToken).kid;
    expect(freshKid).not.toBe(kid);
    await expectThingsRefused(t, fresh.accessToken, 'token_invalid');
    const jwks = (await get(rotated, '/.well-known/jwks.json')).json();
    expect(jwks.keys.map((key: { kid: string; x: string }) => [key.kid, key.x])).toEqual([
      [freshKid, second.x],
      [kid, first.x],
    ]);
  });
});
