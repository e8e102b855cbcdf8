// Owns the fuzz suite every app runs against itself: fuzzEveryRoute over the app's whole OpenAPI
// document, signed in as a fresh user of the app's first sign-up role (signing up again when a
// fuzzed logout ends the session), with hints so some generated bodies carry real credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../runtime/app-definition.js';
import { fuzzEveryRoute } from './fuzz/run.js';
import { buildTestApp, type TestApp } from './test-app.js';

export interface AppFuzzSuite {
  definition: AppDefinition;
  /** Roles open to sign-up; the first is the one the fuzzer signs in as. */
  signupRoles: [string, ...string[]];
  /** Environment of the app under fuzz (a configured webhook secret, say, so unsigned deliveries are 4xx). */
  env?: Record<string, string>;
}

export function describeAppUnderFuzz({ definition, signupRoles, env }: AppFuzzSuite): void {
  describe(`${definition.name} under fuzzed requests`, () => {
    let t: TestApp;
    let signUps = 0;
    const password = 'quiet-harbour-lantern-42';
    beforeAll(async () => {
      t = await buildTestApp(definition, env ? { env } : {});
    });
    afterAll(async () => t?.close());

    async function signUp(): Promise<string> {
      signUps++;
      const response = await t.app.inject({
        method: 'POST',
        url: '/auth/signup',
        payload: { email: `fuzz-${signUps}@example.com`, password, role: signupRoles[0] },
      });
      expect(response.statusCode).toBe(201);
      return response.json().accessToken;
    }

    it('answers every generated request without a 5xx, a leak or prototype pollution', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
      const published = Object.entries(document.paths as Record<string, object>).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      );
      const report = await fuzzEveryRoute(t, {
        signIn: signUp,
        hints: {
          role: signupRoles,
          email: ['fuzz-1@example.com'],
          password: [password],
          currentPassword: [password],
          newPassword: [password],
        },
      });
      console.log(`${definition.name} fuzz`, JSON.stringify({ ...report, signUps }));

      expect(report.operations.sort()).toEqual(published.sort());
      // The valid token got through: guarded routes were exercised behind authentication too.
      expect(report.accepted['GET /auth/me']).toBeGreaterThan(0);
      expect(report.accepted['GET /auth/sessions']).toBeGreaterThan(0);
    }, 120_000);
  });
}
