// Owns the check that an app's OpenAPI document tells the truth about authentication (issue 11,
// item 17): every route guarded by the identity's `authenticate` guard (alone or through
// `requirePermission`) declares the bearer token or the session cookie, plus the CSRF header for
// methods that change something; every other route declares nothing; the routes the app names as
// public are among them; and, by asking the app itself, a GET without credentials answers 401
// exactly where the document says a token is needed. Guarded routes are found by watching the app's
// routes being registered, independently of the marker the document generator uses.
import { randomUUID } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../runtime/app-definition.js';
import { buildTestApp, type TestApp } from './test-app.js';

export interface DocumentedSecuritySuite {
  definition: AppDefinition;
  /** Operations that must stay public, as "METHOD /path" in OpenAPI form, e.g. "GET /jobs/{id}". */
  publicOperations: string[];
}

type Security = Array<Record<string, string[]>>;
interface Operation {
  security?: Security;
}

const DOC_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const READ: Security = [{ bearerAuth: [] }, { accessCookie: [] }];
const WRITE: Security = [{ bearerAuth: [] }, { accessCookie: [], csrfToken: [] }];

/** "/things/:id" as OpenAPI writes it: "/things/{id}". */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function usesAuthenticate(route: RouteOptions): boolean {
  return [route.onRequest, route.preValidation, route.preHandler]
    .flatMap((hooks) => [hooks].flat(2))
    .some((hook) => typeof hook === 'function' && hook.name === 'authenticate');
}

export function describeDocumentedSecurity(suite: DocumentedSecuritySuite): void {
  describe(`${suite.definition.name}: the OpenAPI document declares who may call what (item 17)`, () => {
    let t: TestApp;
    const guarded = new Set<string>();
    let operations: Map<string, Operation>;
    let schemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }>;

    beforeAll(async () => {
      const definition: AppDefinition = {
        ...suite.definition,
        async registerModules(app, dependencies) {
          app.addHook('onRoute', (route) => {
            if (!usesAuthenticate(route)) return;
            for (const method of [route.method].flat()) guarded.add(`${method} ${openApiPath(route.url)}`);
          });
          await suite.definition.registerModules(app, dependencies);
        },
      };
      t = await buildTestApp(definition);
      const response = await t.app.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(response.statusCode).toBe(200);
      const document = response.json();
      schemes = document.components?.securitySchemes ?? {};
      operations = new Map();
      for (const [path, item] of Object.entries(
        document.paths as Record<string, Record<string, Operation>>,
      )) {
        for (const method of DOC_METHODS) {
          const operation = item[method];
          if (operation) operations.set(`${method.toUpperCase()} ${path}`, operation);
        }
      }
    });
    afterAll(async () => t?.close());

    it('declares the bearer token, the access cookie and the CSRF header as security schemes', () => {
      expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
      expect(schemes.accessCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: '__Host-access' });
      expect(schemes.csrfToken).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' });
    });

    it('marks every operation behind the authenticate guard, and no other', () => {
      const documentedGuarded = [...guarded].filter((id) => operations.has(id));
      expect(documentedGuarded.length).toBeGreaterThan(0);
      for (const [id, operation] of operations) {
        const method = id.split(' ')[0] as string;
        const expected = guarded.has(id) ? (SAFE_METHODS.has(method) ? READ : WRITE) : undefined;
        expect({ id, security: operation.security }).toEqual({ id, security: expected });
      }
    });

    it('leaves the public operations public', () => {
      for (const id of suite.publicOperations) {
        expect(operations.has(id), `${id} is in the document`).toBe(true);
        expect({ id, security: operations.get(id)?.security }).toEqual({ id, security: undefined });
      }
    });

    it('answers a GET without credentials with 401 exactly where the document asks for a token', async () => {
      for (const [id, operation] of operations) {
        const [method, path] = id.split(' ') as [string, string];
        if (method !== 'GET') continue;
        const url = path.replace(/\{[^}]+\}/g, randomUUID());
        const response = await t.app.inject({ method: 'GET', url });
        const refused = response.statusCode === 401 && response.json().code === 'authentication_required';
        // A GET whose required query is missing is refused (400) before any guard runs.
        if (response.statusCode === 400) continue;
        expect({ id, refused }).toEqual({ id, refused: operation.security !== undefined });
      }
    });
  });
}
