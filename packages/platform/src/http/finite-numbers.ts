// Owns one rule the schema validator misses: a number too large for a double becomes Infinity —
// JSON.parse reads `1e400` in a body so, and ajv coerces "1e400" (or 400 nines) in a query string or
// path parameter so, then lets it through `minimum`/`maximum` — and a handler would receive a
// number no schema allowed. Every validated body, query string and path parameter is checked after
// validation, and a non-finite number is a 400 naming its field.
// Only what can hold a number is checked: a body (fastify reads none for GET, HEAD and TRACE), and
// a query string or path parameters whose schema coerces them (without one they stay strings). So
// the check is a preHandler of the routes that need it, first among their own, and a route with
// nothing to check pays nothing.
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { AppError } from '../errors/index.js';

const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

function nonFinitePath(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = nonFinitePath(item, `${path}/${key}`);
    if (found) return found;
  }
  return undefined;
}

const outOfRange = (path: string) =>
  new AppError({
    kind: 'invalid_input',
    code: 'validation_failed',
    detail: 'A number in the request is out of range.',
    fields: [{ path, message: 'must be a finite number' }],
  });

export function installFiniteNumberCheck(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    const parts: [string, (request: FastifyRequest) => unknown][] = [];
    if (methods.some((method) => !BODYLESS.has(method))) parts.push(['/body', (request) => request.body]);
    // fastify also takes `query` for `querystring`, outside its types.
    const schema = route.schema as { querystring?: unknown; query?: unknown; params?: unknown } | undefined;
    if (schema?.querystring ?? schema?.query) parts.push(['/querystring', (request) => request.query]);
    if (schema?.params) parts.push(['/params', (request) => request.params]);
    if (parts.length === 0) return;
    const check: preHandlerHookHandler = (request, _reply, done) => {
      for (const [path, read] of parts) {
        const found = nonFinitePath(read(request), path);
        if (found) return done(outOfRange(found));
      }
      done();
    };
    route.preHandler = [check, ...[route.preHandler ?? []].flat()];
  });
}
