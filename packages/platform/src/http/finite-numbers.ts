// Owns one rule the schema validator misses: a number too large for a double becomes Infinity —
// JSON.parse reads `1e400` in a body so, and ajv coerces "1e400" (or 400 nines) in a query string or
// path parameter so, then lets it through `minimum`/`maximum` — and a handler would receive a
// number no schema allowed. Every validated body, query string and path parameter is checked after
// validation, and a non-finite number is a 400 naming its field.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';

function nonFinitePath(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = nonFinitePath(item, `${path}/${key}`);
    if (found) return found;
  }
  return undefined;
}

export async function rejectNonFiniteNumbers(request: FastifyRequest): Promise<void> {
  const path =
    nonFinitePath(request.body, '/body') ??
    nonFinitePath(request.query, '/querystring') ??
    nonFinitePath(request.params, '/params');
  if (path) {
    throw new AppError({
      kind: 'invalid_input',
      code: 'validation_failed',
      detail: 'A number in the request is out of range.',
      fields: [{ path, message: 'must be a finite number' }],
    });
  }
}
