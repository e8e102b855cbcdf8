// Owns assembling the identity capability for one app from the platform's dependencies: the
// services (accounts, sessions, tokens, second factor, CSRF), the request guards routes use
// (`authenticate`, `requirePermission`), and the scheduled clean-up of expired rows. Each app
// calls this with its own access policy and keeps its users in its own database.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';
import { markAuthenticating } from '../http/docs.js';
import type { ServerDependencies } from '../http/server.js';
import type { AccessPolicy } from './access-policy.js';
import { createAccountService } from './accounts.js';
import { type AuditEntry, type RequestOrigin, recordAudit } from './audit.js';
import { createCsrfService, judgeRequestSite } from './csrf.js';
import type { LoginThrottleSettings } from './login-throttle.js';
import { createOutboxMailer, type Mailer } from './mail.js';
import { createPasswordHasher, type PasswordHasherOptions } from './passwords.js';
import { identityDb } from './schema.js';
import { createSealer } from './sealing.js';
import { createSessionService } from './sessions.js';
import { createAttemptThrottles } from './throttle-failover.js';
import { createTokenService } from './tokens.js';
import { createTwoFactorService } from './two-factor.js';

export const ACCESS_COOKIE = '__Host-access';
export const REFRESH_COOKIE = '__Host-refresh';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthContext {
  userId: string;
  role: string;
  sessionId: string;
  /** How the request proved identity; cookie-authenticated changes also need a CSRF token. */
  via: 'bearer' | 'cookie';
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

export interface IdentityOptions {
  policy: AccessPolicy;
  mailer?: Mailer;
  hasher?: PasswordHasherOptions;
  throttle?: LoginThrottleSettings;
}

export type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function requestOrigin(request: FastifyRequest): RequestOrigin {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

const unauthenticated = (code: string, detail: string) =>
  new AppError({ kind: 'unauthenticated', code, detail });
// The scheme is case-insensitive (RFC 7235 2.1). An empty signature segment is still a JWS in form
// ("header.payload." is how `alg: none` tokens look): verification refuses it as token_invalid.
const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/i;

// The rate limiter and the guard read the same header of a request one after the other: the last
// header parsed is remembered, so the second read costs a comparison (and the token it yields is the
// same string, whose hash the token cache has already computed).
let lastHeader: string | undefined;
let lastToken: string | undefined;
function bearerToken(header: string): string | undefined {
  if (header !== lastHeader) {
    lastToken = BEARER.exec(header)?.[1];
    lastHeader = header;
  }
  return lastToken;
}

export async function createIdentity(dependencies: ServerDependencies, options: IdentityOptions) {
  const { config, db, kv, clock, jobs, logger } = dependencies;
  const issuer = config.appName;
  const tokens = await createTokenService({
    issuer,
    audience: `${config.appName}-api`,
    settings: config.auth,
    jwtSecret: config.secrets.jwt,
    clock,
  });
  const sessions = createSessionService(db, kv, clock, {
    idleSeconds: config.auth.sessionIdleSeconds,
    maxSeconds: config.auth.sessionMaxSeconds,
    accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds + config.auth.clockSkewSeconds,
    onOutage: (error) =>
      logger.error(
        { event: 'revocation_kv_outage', err: error },
        'session revocation: key-value store unreachable, answering from the database',
      ),
    onRecovery: () =>
      logger.info({ event: 'revocation_kv_recovered' }, 'session revocation: key-value store is back'),
  });
  const twoFactor = createTwoFactorService(db, clock, createSealer(config.secrets.encryption), issuer);
  const csrf = createCsrfService(db, clock);
  const mailer = options.mailer ?? createOutboxMailer(identityDb(db), clock);
  const accounts = createAccountService({
    db,
    kv,
    clock,
    policy: options.policy,
    hasher: createPasswordHasher(options.hasher),
    throttles: createAttemptThrottles(dependencies, options.throttle),
    sessions,
    tokens,
    twoFactor,
    mailer,
    appName: config.appName,
  });
  const trustedOrigins = new Set(config.corsOrigins);

  jobs.register('auth.purge-expired', async () => {
    await Promise.all([csrf.purgeExpired(), sessions.purgeEnded(), accounts.purgeExpiredResets()]);
  });
  jobs.schedule('auth.purge-expired', '17 * * * *');

  async function checkCsrf(request: FastifyRequest, userId: string): Promise<void> {
    const site = judgeRequestSite(
      request.headers as Record<string, string>,
      trustedOrigins,
      request.protocol,
    );
    if (site === 'cross_site') {
      throw new AppError({
        kind: 'forbidden',
        code: 'csrf_origin_refused',
        detail: 'Cross-site requests may not change anything.',
      });
    }
    const token = request.headers['x-csrf-token'];
    if (typeof token !== 'string' || token.length === 0) {
      throw new AppError({
        kind: 'forbidden',
        code: 'csrf_token_missing',
        detail: 'Send a CSRF token from GET /auth/csrf in X-CSRF-Token.',
      });
    }
    if (!(await csrf.consume(userId, token))) {
      throw new AppError({
        kind: 'forbidden',
        code: 'csrf_token_invalid',
        detail: 'The CSRF token is invalid, expired or already used.',
      });
    }
  }

  const authenticate: Guard = async (request) => {
    const header = request.headers.authorization;
    let token: string | undefined;
    let via: AuthContext['via'] = 'bearer';
    if (header !== undefined) {
      token = bearerToken(header);
      if (!token)
        throw unauthenticated('authorization_malformed', 'Use "Authorization: Bearer <access token>".');
    } else {
      token = request.cookies?.[ACCESS_COOKIE];
      via = 'cookie';
    }
    if (!token) throw unauthenticated('authentication_required', 'Sign in to use this.');
    // A cached token and a known session answer without a promise: a client's repeated requests
    // await nothing here.
    const claims = tokens.verifyCached(token) ?? (await tokens.verify(token));
    const revoked = sessions.isRevoked(claims.rtid);
    if (revoked instanceof Promise ? await revoked : revoked)
      throw unauthenticated('session_revoked', 'This session has ended; sign in again.');
    request.auth = { userId: claims.sub, role: claims.role, sessionId: claims.rtid, via };
    if (via === 'cookie' && !SAFE_METHODS.has(request.method)) await checkCsrf(request, claims.sub);
  };
  // Routes guarded by it are documented as needing the token or the cookie (and the CSRF header).
  markAuthenticating(authenticate);

  function requirePermission(permission: string): Guard[] {
    return [
      authenticate,
      async (request) => {
        if (!options.policy.can(request.auth?.role ?? '', permission)) {
          throw new AppError({
            kind: 'forbidden',
            code: 'permission_denied',
            detail: `This needs the "${permission}" permission.`,
          });
        }
      },
    ];
  }

  /** Records an audit event by the caller of the request. */
  async function audit(request: FastifyRequest, entry: Omit<AuditEntry, 'actorId'>): Promise<void> {
    await recordAudit(identityDb(db), clock, requestOrigin(request), {
      actorId: request.auth?.userId ?? null,
      ...entry,
    });
  }

  dependencies.useTokenVerifier?.((header) => {
    const token = bearerToken(header);
    return token === undefined ? null : (tokens.verifyCached(token) ?? tokens.verify(token));
  });
  return {
    policy: options.policy,
    accounts,
    sessions,
    tokens,
    twoFactor,
    csrf,
    /** The app's one mailer (the outbox by default); modules send their mail through it. */
    mailer,
    authenticate,
    requirePermission,
    audit,
  };
}

export type Identity = Awaited<ReturnType<typeof createIdentity>>;

/** The authenticated caller of a route guarded by `authenticate`. */
export function caller(request: FastifyRequest): AuthContext {
  if (!request.auth) throw unauthenticated('authentication_required', 'Sign in to use this.');
  return request.auth;
}
