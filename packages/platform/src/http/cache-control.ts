// Owns the caching rule of every response. By default nothing is cached anywhere: the static
// headers (security-headers.ts) send `Cache-Control: no-store` on every response, so bodies with
// tokens, TOTP secrets or anyone's personal data never land in a browser, proxy or CDN cache, and
// a route cannot forget it. A public route opts in by declaring its policy in its route config:
//
//   app.get('/jobs', { config: { cacheControl: 'public, max-age=60' } }, handler)
//
// (or by setting the header itself in its handler). Error answers always go out as `no-store`
// (problem.ts), whatever the route declared, so a 429 or 503 is never replayed from a cache.
import type { FastifyInstance, onRequestHookHandler } from 'fastify';

export const NO_STORE = 'no-store';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Cache-Control for this route's successful answers; omitted means `no-store`. */
    cacheControl?: string;
  }
}

/** Gives every route that declares `config.cacheControl` a hook sending it (other routes pay nothing). */
export function installCacheControl(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const value = route.config?.cacheControl;
    if (value === undefined) return;
    const sendPolicy: onRequestHookHandler = (_request, reply, done) => {
      reply.header('cache-control', value);
      done();
    };
    const existing = route.onRequest;
    route.onRequest = existing === undefined ? [sendPolicy] : [...[existing].flat(), sendPolicy];
  });
}
