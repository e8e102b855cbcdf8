// Owns the one rule for routes whose body fields are all optional: a request with no body at all
// (as browsers send a bare POST) means "no options", so it validates as an empty object.
import type { FastifyRequest } from 'fastify';

export async function bodylessAsEmpty(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}
