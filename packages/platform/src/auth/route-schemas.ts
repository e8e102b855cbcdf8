// Owns what the identity route modules share: the request body fields (email, password, codes,
// opaque tokens) with their limits, the pre-validation hooks that trim emails and ask for one
// second-factor proof, and the OpenAPI tag every identity route is listed under.
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../errors/index.js';
import { PASSWORD_MAX_LENGTH } from './password-policy.js';

export const tags = ['auth'];

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4 });
export const Code = Type.String({ minLength: 6, maxLength: 6, pattern: '^[0-9]{6}$' });
export const RecoveryCode = Type.String({ minLength: 10, maxLength: 64 });
export const OpaqueToken = Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
// The services normalise emails (trim, NFKC, lower case), but the schema's email format runs first
// and would refuse the spaces an autofilled or pasted address often carries, so they go before it.
export async function trimEmail(request: FastifyRequest): Promise<void> {
  const body = request.body as { email?: unknown } | null | undefined;
  if (body && typeof body.email === 'string') body.email = body.email.trim();
}
// A second-factor proof is a code or a recovery code. The schema says so for the API description;
// the hook answers first with one clear problem naming the missing field instead of ajv's anyOf noise.
export const OneProof = { oneOf: [{ required: ['code'] }, { required: ['recoveryCode'] }] };
export async function requireProof(request: FastifyRequest): Promise<void> {
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
  // One attempt checks one secret: a body with both would test two guesses for the price of one.
  if (body && typeof body === 'object' && body.code !== undefined && body.recoveryCode !== undefined) {
    const message = 'must not be sent together with code: send one proof per attempt';
    throw new AppError({
      kind: 'invalid_input',
      code: 'validation_failed',
      detail: `The request is invalid: /body/recoveryCode ${message}.`,
      fields: [{ path: '/body/recoveryCode', message }],
    });
  }
}
