// Owns the HTTP surface of identity under /auth (and the JWKS at /.well-known/jwks.json): the one
// entry point that sets up cookies and the request's auth slot, then registers the route modules
// in a fixed order: sign-in and sessions (session-routes.ts), passwords (password-routes.ts), the
// second factor (second-factor-routes.ts). Handlers stay thin: validate with schemas, call one
// service method and shape the answer.
import cookie from '@fastify/cookie';
import Type from 'typebox';
import type { PlatformServer } from '../http/server.js';
import type { Identity } from './identity.js';
import { registerPasswordRoutes } from './password-routes.js';
import { tags } from './route-schemas.js';
import { registerSecondFactorRoutes } from './second-factor-routes.js';
import { registerSessionRoutes } from './session-routes.js';

export async function registerIdentityRoutes(app: PlatformServer, identity: Identity): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('auth', null);
  registerSessionRoutes(app, identity);
  registerPasswordRoutes(app, identity);
  registerSecondFactorRoutes(app, identity);

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
