// Owns the OpenAPI 3.1 document generated from the route schemas (served at /docs/openapi.json) and
// the browsable API reference at /docs (Scalar, served from its npm package: no CDN). The docs page
// gets its own content security policy because it runs a script; API routes keep the strict one.
// Security is declared mechanically, never per route: a guard that authenticates the caller is
// marked with `markAuthenticating`, and every route whose hooks include a marked guard is documented
// as needing the bearer token or the session cookie, the cookie plus the CSRF header when the method
// changes something. Routes without such a guard declare nothing, so they read as public.
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { docsContentSecurityPolicy } from './security-headers.js';

type OpenApiInfo = NonNullable<NonNullable<FastifyDynamicSwaggerOptions['openapi']>['info']>;

const AUTHENTICATING = Symbol('authenticating guard');

/** Marks a guard as proving the caller's identity, so routes using it are documented as protected. */
export function markAuthenticating<T extends object>(guard: T): T {
  Object.defineProperty(guard, AUTHENTICATING, { value: true });
  return guard;
}

const isAuthenticating = (hook: unknown): boolean =>
  typeof hook === 'function' && (hook as unknown as Record<symbol, unknown>)[AUTHENTICATING] === true;

/** The security schemes every app's document declares; the cookie and header names are the kernel's. */
export const securitySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The access token from sign-in or refresh: `Authorization: Bearer <token>`.',
  },
  accessCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: '__Host-access',
    description: 'The access-token cookie set when signing in with `useCookies: true`.',
  },
  csrfToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description:
      'A one-time token from GET /auth/csrf; needed with the cookie on anything but GET, HEAD, OPTIONS.',
  },
} as const;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
type SecurityRequirements = Array<Record<string, string[]>>;
const readSecurity: SecurityRequirements = [{ bearerAuth: [] }, { accessCookie: [] }];
const writeSecurity: SecurityRequirements = [{ bearerAuth: [] }, { accessCookie: [], csrfToken: [] }];

function authenticates(route: RouteOptions): boolean {
  return [route.onRequest, route.preParsing, route.preValidation, route.preHandler].some((hooks) =>
    [hooks].flat(2).some(isAuthenticating),
  );
}

/** Registers the document generator and the hook that adds `security` to protected routes. */
export async function registerOpenApi(app: FastifyInstance, info: OpenApiInfo): Promise<void> {
  await app.register(swagger, { openapi: { openapi: '3.1.0', info, components: { securitySchemes } } });
  app.addHook('onRoute', (route) => {
    if (!authenticates(route)) return;
    const changes = [route.method].flat().some((method) => !SAFE_METHODS.has(method));
    route.schema = { ...route.schema, security: changes ? writeSecurity : readSecurity };
  });
}

export async function registerDocs(app: FastifyInstance) {
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: { theme: 'default', hideClientButton: true },
    hooks: {
      onRequest: (_request, reply, done) => {
        reply.header('content-security-policy', docsContentSecurityPolicy);
        done();
      },
    },
  });
}
