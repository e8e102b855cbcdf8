// Owns the HTTP surface of identity under /auth (and the JWKS at /.well-known/jwks.json): thin
// handlers that validate with schemas, call one service method and shape the answer. Browser
// clients may ask for cookies (`useCookies: true`): tokens then travel only in __Host- cookies
// (Secure, HttpOnly, SameSite=Strict), never in the body where scripts could read them.
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../errors/index.js';
import { bodylessAsEmpty } from '../http/optional-body.js';
import type { PlatformServer } from '../http/server.js';
import type { SignedIn } from './accounts.js';
import { ACCESS_COOKIE, caller, type Identity, REFRESH_COOKIE, requestOrigin } from './identity.js';
import { PASSWORD_MAX_LENGTH } from './password-policy.js';

const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4 });
const Code = Type.String({ minLength: 6, maxLength: 6, pattern: '^[0-9]{6}$' });
const RecoveryCode = Type.String({ minLength: 10, maxLength: 64 });
const OpaqueToken = Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
// The services normalise emails (trim, NFKC, lower case), but the schema's email format runs first
// and would refuse the spaces an autofilled or pasted address often carries, so they go before it.
async function trimEmail(request: FastifyRequest): Promise<void> {
  const body = request.body as { email?: unknown } | null | undefined;
  if (body && typeof body.email === 'string') body.email = body.email.trim();
}
// A second-factor proof is a code or a recovery code. The schema says so for the API description;
// the hook answers first with one clear problem naming the missing field instead of ajv's anyOf noise.
const OneProof = { anyOf: [{ required: ['code'] }, { required: ['recoveryCode'] }] };
async function requireProof(request: FastifyRequest): Promise<void> {
  const body = request.body as { code?: unknown; recoveryCode?: unknown } | null | undefined;
  if (body && typeof body === 'object' && body.code === undefined && body.recoveryCode === undefined) {
    const message = 'is required: send the current code from your authenticator app, or a recovery code';
    throw new AppError({
      kind: 'invalid_input',
      code: 'validation_failed',
      detail: `The request is invalid: /body/code ${message}.`,
      fields: [{ path: '/body/code', message }],
    });
  }
}
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

export async function registerIdentityRoutes(app: PlatformServer, identity: Identity): Promise<void> {
  const { accounts, sessions, twoFactor, csrf, authenticate } = identity;
  await app.register(cookie);
  app.decorateRequest('auth', null);
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

  const tags = ['auth'];

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

  app.post(
    '/auth/password',
    {
      preHandler: authenticate,
      config: { rateLimit: 'auth' },
      schema: {
        tags,
        summary: 'Change your password (ends your other sessions unless told not to)',
        body: Type.Object(
          {
            currentPassword: Password,
            newPassword: Password,
            endOtherSessions: Type.Optional(Type.Boolean({ default: true })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ endedSessions: Type.Integer() }, { additionalProperties: false }) },
      },
    },
    async (request) => {
      const { userId, sessionId } = caller(request);
      const { currentPassword, newPassword, endOtherSessions } = request.body;
      return accounts.changePassword(
        userId,
        sessionId,
        { currentPassword, newPassword, endOtherSessions: endOtherSessions ?? true },
        requestOrigin(request),
      );
    },
  );

  app.post(
    '/auth/password/forgot',
    {
      config: { rateLimit: 'auth' },
      preValidation: trimEmail,
      schema: {
        tags,
        summary: 'Mail a password reset code (answers the same whether or not the account exists)',
        body: Type.Object({ email: Email }, { additionalProperties: false }),
        response: { 202: Type.Object({ status: Type.Literal('accepted') }) },
      },
    },
    async (request, reply) => {
      await accounts.requestPasswordReset(request.body.email, requestOrigin(request));
      return reply.code(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/auth/password/reset',
    {
      config: { rateLimit: 'auth' },
      schema: {
        tags,
        summary: 'Set a new password with a mailed reset code; ends every session and lifts sign-in locks',
        body: Type.Object({ token: OpaqueToken, newPassword: Password }, { additionalProperties: false }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await accounts.resetPassword(request.body, requestOrigin(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/auth/2fa/setup',
    {
      preHandler: authenticate,
      config: { rateLimit: 'auth' },
      schema: {
        tags,
        summary: 'Start two-factor enrolment: a TOTP secret and otpauth URI for an authenticator app',
        body: Type.Object({ password: Password }, { additionalProperties: false }),
        response: {
          200: Type.Object(
            { secret: Type.String(), otpauthUri: Type.String() },
            { additionalProperties: false },
          ),
        },
      },
    },
    async (request) => {
      const { userId } = caller(request);
      await accounts.confirmPassword(userId, request.body.password, requestOrigin(request));
      return twoFactor.begin(userId);
    },
  );

  app.post(
    '/auth/2fa/confirm',
    {
      preHandler: authenticate,
      config: { rateLimit: 'auth' },
      schema: {
        tags,
        summary:
          'Turn two-factor authentication on with a first code; returns 10 single-use recovery codes, shown once',
        body: Type.Object(
          { code: Code, endOtherSessions: Type.Optional(Type.Boolean({ default: false })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { recoveryCodes: Type.Array(Type.String()), endedSessions: Type.Integer() },
            { additionalProperties: false },
          ),
        },
      },
    },
    async (request) => {
      const { userId, sessionId } = caller(request);
      const recoveryCodes = await twoFactor.confirm(userId, request.body.code);
      const ended = request.body.endOtherSessions
        ? await sessions.revokeAll(userId, 'two_factor_enabled', sessionId)
        : [];
      await identity.audit(request, {
        action: 'auth.two_factor_enabled',
        after: { endedSessions: ended.length },
      });
      return { recoveryCodes, endedSessions: ended.length };
    },
  );

  app.post(
    '/auth/2fa/disable',
    {
      preHandler: authenticate,
      config: { rateLimit: 'auth' },
      preValidation: requireProof,
      schema: {
        tags,
        summary: 'Turn two-factor authentication off (password and a current code or recovery code required)',
        body: Type.Object(
          {
            password: Password,
            code: Type.Optional(Code),
            recoveryCode: Type.Optional(RecoveryCode),
            endOtherSessions: Type.Optional(Type.Boolean({ default: false })),
          },
          { additionalProperties: false, ...OneProof },
        ),
        response: { 200: Type.Object({ endedSessions: Type.Integer() }, { additionalProperties: false }) },
      },
    },
    async (request) => {
      const { userId, sessionId } = caller(request);
      const { password, code, recoveryCode, endOtherSessions } = request.body;
      await accounts.disableSecondFactor(userId, { password, code, recoveryCode }, requestOrigin(request));
      const ended = endOtherSessions
        ? await sessions.revokeAll(userId, 'two_factor_disabled', sessionId)
        : [];
      await identity.audit(request, {
        action: 'auth.two_factor_disabled',
        after: { endedSessions: ended.length },
      });
      return { endedSessions: ended.length };
    },
  );

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags,
        summary: 'Public keys that verify access tokens (EdDSA); empty with HS256',
        response: { 200: Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) }) },
      },
    },
    async () => identity.tokens.jwks(),
  );
}
