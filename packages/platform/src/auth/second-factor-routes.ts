// Owns the identity routes of the second factor: enrolment (password first, then a TOTP secret),
// turning it on with a first code (recovery codes shown once) and turning it off with the password
// and a code or recovery code.
import Type from 'typebox';
import type { PlatformServer } from '../http/server.js';
import { caller, type Identity, requestOrigin } from './identity.js';
import { Code, OneProof, Password, RecoveryCode, requireProof, tags } from './route-schemas.js';

export function registerSecondFactorRoutes(app: PlatformServer, identity: Identity): void {
  const { accounts, sessions, twoFactor, authenticate } = identity;

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
      const recoveryCodes = await accounts.confirmSecondFactor(
        userId,
        request.body.code,
        requestOrigin(request),
      );
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
}
