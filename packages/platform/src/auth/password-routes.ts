// Owns the identity routes of passwords: changing yours while signed in, asking for a mailed reset
// code, and setting a new password with one.
import Type from 'typebox';
import type { PlatformServer } from '../http/server.js';
import { caller, type Identity, requestOrigin } from './identity.js';
import { Email, OpaqueToken, Password, tags, trimEmail } from './route-schemas.js';

export function registerPasswordRoutes(app: PlatformServer, identity: Identity): void {
  const { accounts, authenticate } = identity;

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
}
