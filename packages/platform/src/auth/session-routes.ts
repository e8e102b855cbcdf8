// Owns the identity routes of signing in and of sessions: sign-up, sign-in (and its second-factor
// step), refresh, sign-out, the profile, CSRF tokens, and listing or ending your sessions. Browser
// clients may ask for cookies (`useCookies: true`): tokens then travel only in __Host- cookies
// (Secure, HttpOnly, SameSite=Strict), never in the body where scripts could read them.
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { AppError } from '../errors/index.js';
import { bodylessAsEmpty } from '../http/optional-body.js';
import type { PlatformServer } from '../http/server.js';
import type { SignedIn } from './accounts.js';
import { ACCESS_COOKIE, caller, type Identity, REFRESH_COOKIE, requestOrigin } from './identity.js';
import {
  Code,
  Email,
  OneProof,
  OpaqueToken,
  Password,
  RecoveryCode,
  requireProof,
  tags,
  trimEmail,
} from './route-schemas.js';

const UseCookies = Type.Optional(
  Type.Boolean({ description: 'Browser clients: receive tokens as __Host- cookies only.' }),
);

const SignedInBody = Type.Object(
  {
    status: Type.Literal('authenticated'),
    user: Type.Object({ id: Type.String(), role: Type.String() }),
    sessionId: Type.String(),
    accessToken: Type.Optional(Type.String()),
    refreshToken: Type.Optional(Type.String()),
    tokenType: Type.Literal('Bearer'),
    expiresIn: Type.Integer({ description: 'Seconds until the access token expires.' }),
  },
  { additionalProperties: false },
);
const ChallengeBody = Type.Object(
  {
    status: Type.Literal('two_factor_required'),
    challengeToken: Type.String(),
    expiresInSeconds: Type.Integer(),
  },
  { additionalProperties: false },
);
const Profile = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    twoFactorEnabled: Type.Boolean(),
    permissions: Type.Array(Type.String()),
  },
  { additionalProperties: false },
);
const Session = Type.Object(
  {
    id: Type.String(),
    current: Type.Boolean(),
    createdAt: Type.String(),
    lastUsedAt: Type.String(),
    expiresAt: Type.String(),
    ip: Type.Union([Type.String(), Type.Null()]),
    userAgent: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export function registerSessionRoutes(app: PlatformServer, identity: Identity): void {
  const { accounts, sessions, csrf, authenticate } = identity;
  const cookieOptions = { path: '/', secure: true, httpOnly: true, sameSite: 'strict' as const };
  const accessTtl = app.platform.config.auth.accessTokenTtlSeconds;
  const sessionMax = app.platform.config.auth.sessionMaxSeconds;

  function answerSignedIn(reply: FastifyReply, signedIn: SignedIn, useCookies: boolean | undefined) {
    const expiresIn = Math.max(
      0,
      Math.round((signedIn.accessTokenExpiresAt.getTime() - app.platform.clock.now().getTime()) / 1000),
    );
    const base = {
      status: 'authenticated' as const,
      user: { id: signedIn.userId, role: signedIn.role },
      sessionId: signedIn.sessionId,
      tokenType: 'Bearer' as const,
      expiresIn,
    };
    if (!useCookies)
      return { ...base, accessToken: signedIn.accessToken, refreshToken: signedIn.refreshToken };
    reply.setCookie(ACCESS_COOKIE, signedIn.accessToken, { ...cookieOptions, maxAge: accessTtl });
    reply.setCookie(REFRESH_COOKIE, signedIn.refreshToken, { ...cookieOptions, maxAge: sessionMax });
    return base;
  }

  app.post(
    '/auth/signup',
    {
      config: { rateLimit: 'auth' },
      preValidation: trimEmail,
      schema: {
        tags,
        summary: 'Create an account and sign in',
        body: Type.Object(
          {
            email: Email,
            password: Password,
            role: Type.String({ minLength: 1, maxLength: 40 }),
            useCookies: UseCookies,
          },
          { additionalProperties: false },
        ),
        response: { 201: SignedInBody },
      },
    },
    async (request, reply) => {
      const signedIn = await accounts.signUp(request.body, requestOrigin(request));
      return reply.code(201).send(answerSignedIn(reply, signedIn, request.body.useCookies));
    },
  );

  app.post(
    '/auth/login',
    {
      config: { rateLimit: 'auth' },
      preValidation: trimEmail,
      schema: {
        tags,
        summary: 'Sign in with email and password',
        description: 'With two-factor authentication on, answers a challenge to complete at /auth/login/2fa.',
        body: Type.Object(
          { email: Email, password: Password, useCookies: UseCookies },
          { additionalProperties: false },
        ),
        response: { 200: Type.Union([SignedInBody, ChallengeBody]) },
      },
    },
    async (request, reply) => {
      const outcome = await accounts.logIn(request.body, requestOrigin(request));
      if (outcome.status === 'two_factor_required') return outcome;
      return answerSignedIn(reply, outcome, request.body.useCookies);
    },
  );

  app.post(
    '/auth/login/2fa',
    {
      config: { rateLimit: 'auth' },
      preValidation: requireProof,
      schema: {
        tags,
        summary: 'Complete a sign-in with a TOTP code or a recovery code',
        body: Type.Object(
          {
            challengeToken: OpaqueToken,
            code: Type.Optional(Code),
            recoveryCode: Type.Optional(RecoveryCode),
            useCookies: UseCookies,
          },
          { additionalProperties: false, ...OneProof },
        ),
        response: { 200: SignedInBody },
      },
    },
    async (request, reply) => {
      const { challengeToken, code, recoveryCode, useCookies } = request.body;
      const signedIn = await accounts.completeSecondFactor(
        challengeToken,
        { code, recoveryCode },
        requestOrigin(request),
      );
      return answerSignedIn(reply, signedIn, useCookies);
    },
  );

  app.post(
    '/auth/refresh',
    {
      config: { rateLimit: 'auth' },
      preValidation: bodylessAsEmpty,
      schema: {
        tags,
        summary: 'Exchange a refresh token for a new pair (the old one stops working)',
        body: Type.Object(
          { refreshToken: Type.Optional(OpaqueToken), useCookies: UseCookies },
          { additionalProperties: false },
        ),
        response: { 200: SignedInBody },
      },
    },
    async (request, reply) => {
      const fromCookie = request.cookies[REFRESH_COOKIE];
      const token = request.body.refreshToken ?? fromCookie;
      if (!token) {
        throw new AppError({
          kind: 'unauthenticated',
          code: 'refresh_token_missing',
          detail: 'Send the refresh token.',
        });
      }
      const signedIn = await accounts.refresh(token, requestOrigin(request));
      return answerSignedIn(
        reply,
        signedIn,
        request.body.useCookies ?? (fromCookie !== undefined && !request.body.refreshToken),
      );
    },
  );

  app.post(
    '/auth/logout',
    {
      preHandler: authenticate,
      schema: { tags, summary: 'End this session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const { userId, sessionId } = caller(request);
      await accounts.logOut(userId, sessionId, requestOrigin(request));
      reply.clearCookie(ACCESS_COOKIE, cookieOptions).clearCookie(REFRESH_COOKIE, cookieOptions);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      preHandler: authenticate,
      schema: { tags, summary: 'The signed-in account', response: { 200: Profile } },
    },
    async (request) => accounts.profile(caller(request).userId),
  );

  app.get(
    '/auth/csrf',
    {
      preHandler: authenticate,
      schema: {
        tags,
        summary: 'A one-time CSRF token for the next cookie-authenticated change (send it as X-CSRF-Token)',
        response: {
          200: Type.Object(
            { csrfToken: Type.String(), expiresAt: Type.String() },
            { additionalProperties: false },
          ),
        },
      },
    },
    async (request) => {
      const issued = await csrf.issue(caller(request).userId);
      return { csrfToken: issued.token, expiresAt: issued.expiresAt.toISOString() };
    },
  );

  app.get(
    '/auth/sessions',
    {
      preHandler: authenticate,
      schema: {
        tags,
        summary: 'Your active sessions',
        response: { 200: Type.Object({ sessions: Type.Array(Session) }) },
      },
    },
    async (request) => {
      const { userId, sessionId } = caller(request);
      const list = await sessions.list(userId);
      return { sessions: list.map((session) => ({ ...session, current: session.id === sessionId })) };
    },
  );

  app.delete(
    '/auth/sessions/:sessionId',
    {
      preHandler: authenticate,
      schema: {
        tags,
        summary: 'End one of your sessions',
        params: Type.Object({ sessionId: Type.String({ format: 'uuid' }) }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { userId } = caller(request);
      // Someone else's session answers exactly like a session that does not exist.
      if (!(await sessions.revoke(userId, request.params.sessionId, 'revoked_by_user'))) {
        throw new AppError({
          kind: 'not_found',
          code: 'session_not_found',
          detail: 'No such active session of yours.',
        });
      }
      await identity.audit(request, {
        action: 'auth.session_revoked',
        targetType: 'session',
        targetId: request.params.sessionId,
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/sessions/revoke-others',
    {
      preHandler: authenticate,
      schema: {
        tags,
        summary: 'End every session except this one',
        response: { 200: Type.Object({ endedSessions: Type.Integer() }, { additionalProperties: false }) },
      },
    },
    async (request) => {
      const { userId, sessionId } = caller(request);
      const ended = await sessions.revokeAll(userId, 'revoked_by_user', sessionId);
      await identity.audit(request, {
        action: 'auth.sessions_revoked',
        after: { endedSessions: ended.length },
      });
      return { endedSessions: ended.length };
    },
  );
}
