// Owns the browsable API reference at /docs (Scalar, served from its npm package: no CDN) and the
// OpenAPI 3.1 document at /docs/openapi.json, both generated from the route schemas. The docs page
// gets its own content security policy because it runs a script; API routes keep the strict one.
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import { docsContentSecurityPolicy } from './security-headers.js';

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
