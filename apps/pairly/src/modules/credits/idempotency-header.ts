// Owns the HTTP side of client keys on routes that move credits: the required `Idempotency-Key`
// header (1-255 visible ASCII characters; missing or malformed is a 400 naming it), the operation
// context it makes (keys are scoped to the caller, so two users never share one), and answering
// with an operation's result: its stored status and body, marked `Idempotent-Replayed: true` when
// it is the first result of an earlier request with the same key.
import { caller } from '@app/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type OperationResult, REPLAYED_HEADER } from './idempotency.js';
import type { OperationContext } from './service.js';

export { REPLAYED_HEADER };

/** The route's `schema.headers` (header names in lower case, as fastify hands them over). */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[!-~]+$',
    description:
      'A key the client makes once per intended operation (a UUID, say) and sends again on every retry; ' +
      'the same key with the same body answers the first result, with other parameters 409.',
    examples: ['3f1c2a4e-8d7b-4f60-9e21-5b8a7c6d4e13'],
  }),
});

/** Whose keys these are and which key: the signed-in caller's. */
export function operationContext(request: FastifyRequest): OperationContext {
  return {
    scope: caller(request).userId,
    idempotencyKey: request.headers['idempotency-key'] as string,
  };
}

/** Sends the operation's status and body, marking a replay. */
export function sendResult<T>(
  reply: FastifyReply,
  result: OperationResult<T>,
  present: (body: T) => unknown,
) {
  if (result.replayed) reply.header(REPLAYED_HEADER, 'true');
  return reply.code(result.status).send(present(result.body));
}
