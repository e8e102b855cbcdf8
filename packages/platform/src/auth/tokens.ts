// Owns access tokens: short-lived JWTs carrying sub, role, rtid (the session), jti, iss, aud,
// token_type, iat, nbf and exp. The algorithm comes from configuration only (HS256 or EdDSA) and
// every key has a `kid`, so keys rotate without logging anyone out: the current key signs, retired
// keys keep verifying until their tokens have expired. Verification accepts nothing else: no
// `alg: none`, no other algorithm, no unknown kid, and the claims must match this app.
// A token that verified once is remembered (by its exact text) until it expires, so a client's
// repeated requests skip the signature check, and verifyCached() answers those without a promise;
// revocation is checked by the caller on every request.
import { createHash, createPublicKey, createSecretKey, randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  importPKCS8,
  importSPKI,
  type JWK,
  type JWTPayload,
  jwtVerify,
  type KeyLike,
  SignJWT,
} from 'jose';
import type { AuthSettings } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { type Clock, systemClock } from '../time/clock.js';

export interface AccessClaims {
  /** User id. */
  sub: string;
  role: string;
  /** Session id (the refresh-token family), checked against the revocation list. */
  rtid: string;
  jti: string;
  exp: number;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresAt: Date;
}

export interface TokenService {
  issue(subject: { userId: string; role: string; sessionId: string }): Promise<IssuedAccessToken>;
  /** Resolves with the claims, or rejects with a 401 AppError saying only that the token is invalid or expired. */
  verify(token: string): Promise<AccessClaims>;
  /** The claims of a token verify() accepted before and that has not expired; undefined otherwise. */
  verifyCached(token: string): AccessClaims | undefined;
  /** Public keys for verifiers elsewhere (EdDSA); empty for HS256, whose keys are secret. */
  jwks(): { keys: JWK[] };
}

type Key = KeyLike | Uint8Array;
interface KeyEntry {
  kid: string;
  key: Key;
  publicJwk?: JWK;
}

const invalidToken = () =>
  new AppError({ kind: 'unauthenticated', code: 'token_invalid', detail: 'The access token is invalid.' });

function secretKid(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url').slice(0, 16);
}

async function loadKeys(
  settings: AuthSettings,
  jwtSecret: string,
): Promise<{ signing: KeyEntry; verifying: KeyEntry[] }> {
  if (settings.jwtAlgorithm === 'HS256') {
    const entries = [jwtSecret, ...settings.jwtPreviousKeys].map((secret) => ({
      kid: secretKid(secret),
      // A KeyObject lets jose use node:crypto's HMAC directly (jose 5; jose 6 only uses WebCrypto,
      // whose verify cost ~100 µs per request here against ~10 µs, see docs/benchmarks.md).
      key: createSecretKey(Buffer.from(secret)),
    }));
    return { signing: entries[0] as KeyEntry, verifying: entries };
  }
  const privatePem = settings.jwtPrivateKey as string;
  const publicPems = [
    createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString(),
    ...settings.jwtPreviousKeys,
  ];
  const verifying: KeyEntry[] = [];
  for (const pem of publicPems) {
    const key = await importSPKI(pem, 'EdDSA', { extractable: true });
    const publicJwk = await exportJWK(key);
    const kid = await calculateJwkThumbprint(publicJwk);
    verifying.push({ kid, key, publicJwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' } });
  }
  const signingKey = await importPKCS8(privatePem, 'EdDSA');
  return { signing: { kid: (verifying[0] as KeyEntry).kid, key: signingKey }, verifying };
}

export interface TokenServiceOptions {
  issuer: string;
  audience: string;
  settings: AuthSettings;
  jwtSecret: string;
  clock: Clock;
  /** How many verified tokens to remember; the oldest is forgotten first. */
  verifiedCacheSize?: number;
}

const DEFAULT_VERIFIED_CACHE_SIZE = 10_000;

export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  const { issuer, audience, settings, clock } = options;
  const algorithm = settings.jwtAlgorithm;
  const { signing, verifying } = await loadKeys(settings, options.jwtSecret);
  const byKid = new Map(verifying.map((entry) => [entry.kid, entry.key]));
  const verified = new Map<string, AccessClaims>();
  const cacheSize = options.verifiedCacheSize ?? DEFAULT_VERIFIED_CACHE_SIZE;

  function remember(token: string, claims: AccessClaims): void {
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value as string);
    verified.set(token, claims);
  }

  // The system clock is read without allocating a Date: a cached token is checked on every request.
  const nowMs = clock === systemClock ? Date.now : () => clock.now().getTime();

  function verifyCached(token: string): AccessClaims | undefined {
    const known = verified.get(token);
    // jose's rule: expired once now - skew reaches exp; an expired entry is verified again so the
    // caller gets the same token_expired answer as without the cache.
    return known && nowMs() / 1000 - settings.clockSkewSeconds < known.exp ? known : undefined;
  }

  async function verifySignedToken(token: string): Promise<AccessClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : byKid.get(header.kid);
          if (!key) throw invalidToken();
          return key;
        },
        {
          algorithms: [algorithm],
          issuer,
          audience,
          typ: 'JWT',
          clockTolerance: settings.clockSkewSeconds,
          currentDate: clock.now(),
          requiredClaims: ['sub', 'jti', 'iat', 'nbf', 'exp'],
        },
      ));
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_JWT_EXPIRED') {
        throw new AppError({
          kind: 'unauthenticated',
          code: 'token_expired',
          detail: 'The access token has expired.',
        });
      }
      throw invalidToken();
    }
    const {
      sub,
      jti,
      exp,
      role,
      rtid,
      token_type: tokenType,
    } = payload as JWTPayload & Record<string, unknown>;
    if (tokenType !== 'access' || typeof role !== 'string' || typeof rtid !== 'string') throw invalidToken();
    return { sub: sub as string, jti: jti as string, exp: exp as number, role, rtid };
  }

  return {
    async issue({ userId, role, sessionId }) {
      const now = Math.floor(clock.now().getTime() / 1000);
      const exp = now + settings.accessTokenTtlSeconds;
      const jti = randomUUID();
      const token = await new SignJWT({ role, rtid: sessionId, token_type: 'access' })
        .setProtectedHeader({ alg: algorithm, kid: signing.kid, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setJti(jti)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(exp)
        .sign(signing.key);
      return { token, jti, expiresAt: new Date(exp * 1000) };
    },

    verifyCached,

    async verify(token) {
      const known = verifyCached(token);
      if (known) return known;
      verified.delete(token);
      const claims = await verifySignedToken(token);
      remember(token, claims);
      return claims;
    },

    jwks: () => ({ keys: verifying.flatMap((entry) => (entry.publicJwk ? [entry.publicJwk] : [])) }),
  };
}
