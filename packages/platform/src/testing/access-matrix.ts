// Owns the access-policy suite every app runs against its real definition: the roles and grants
// the app declares are exactly the ones the suite expects (written out by hand in the app's test,
// so a widened grant or an extra sign-up role fails a test), sign-up refuses every role that is not
// open to it, and each role meets `permission_denied` on a representative route exactly where its
// expected grants say so.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessPolicy } from '../auth/access-policy.js';
import type { AppDefinition } from '../runtime/app-definition.js';
import { buildTestApp, type TestApp } from './test-app.js';

/** A request that only the named permission lets through its guard. */
export interface PermissionProbe {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: object;
}

export interface AccessMatrix {
  app: AppDefinition;
  policy: AccessPolicy;
  /** Every role and its grants, as the product intends them; compared with the policy as declared. */
  expectedGrants: Record<string, readonly string[]>;
  expectedSignupRoles: readonly string[];
  /** One probe per permission a route guards with; each is sent by a user of every role. */
  probes: Record<string, PermissionProbe>;
}

const PASSWORD = 'correct horse battery staple 42';

function granted(grants: readonly string[], permission: string): boolean {
  const area = permission.split(':')[0];
  return grants.some((grant) => grant === '*' || grant === permission || grant === `${area}:*`);
}

async function accessTokenFor(t: TestApp, role: string, signupRole: string): Promise<string> {
  const email = `${role}-${randomUUID()}@example.com`;
  const signup = await t.app.inject({
    method: 'POST',
    url: '/auth/signup',
    payload: { email, password: PASSWORD, role: signupRole },
  });
  expect(signup.statusCode, signup.body).toBe(201);
  if (role === signupRole) return signup.json().accessToken;
  // Staff roles come from an operator, never from sign-up: the role is set where the operator
  // command sets it, and the user signs in again so the token carries it.
  await t.db.executeSql('update auth_users set role = $1 where id = $2', [role, signup.json().user.id]);
  const login = await t.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email, password: PASSWORD },
  });
  expect(login.statusCode, login.body).toBe(200);
  expect(login.json().user.role).toBe(role);
  return login.json().accessToken;
}

export function describeAccessMatrix(name: string, matrix: AccessMatrix): void {
  const { policy, expectedGrants, expectedSignupRoles, probes } = matrix;
  const roles = Object.keys(expectedGrants);

  describe(`${name} access policy (item 21)`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(matrix.app);
    });
    afterAll(async () => t?.close());

    it('declares exactly the expected roles, grants and sign-up roles', () => {
      expect([...policy.roles].sort()).toEqual([...roles].sort());
      for (const role of roles)
        expect([...policy.permissionsOf(role)].sort()).toEqual([...(expectedGrants[role] ?? [])].sort());
      expect([...policy.signupRoles].sort()).toEqual([...expectedSignupRoles].sort());
    });

    it('refuses every role that is not open to sign-up, and creates no account', async () => {
      for (const role of [...roles.filter((r) => !expectedSignupRoles.includes(r)), 'root', 'ADMIN']) {
        const email = `${role}-${randomUUID()}@example.com`;
        const response = await t.app.inject({
          method: 'POST',
          url: '/auth/signup',
          payload: { email, password: PASSWORD, role },
        });
        expect(response.statusCode, `${role}: ${response.body}`).toBe(400);
        expect(response.json().code).toBe('role_not_allowed');
        const { rows } = await t.db.executeSql('select count(*)::int as n from auth_users where email = $1', [
          email,
        ]);
        expect(rows[0]).toEqual({ n: 0 });
      }
    });

    it('lets every sign-up role sign itself up', async () => {
      for (const role of expectedSignupRoles) {
        const response = await t.app.inject({
          method: 'POST',
          url: '/auth/signup',
          payload: { email: `${role}-${randomUUID()}@example.com`, password: PASSWORD, role },
        });
        expect(response.statusCode, response.body).toBe(201);
        expect(response.json().user.role).toBe(role);
      }
    });

    for (const role of roles) {
      it(`gives ${role} exactly its grants on the guarded routes`, async () => {
        const token = await accessTokenFor(t, role, expectedSignupRoles[0] as string);
        for (const [permission, probe] of Object.entries(probes)) {
          const response = await t.app.inject({
            method: probe.method,
            url: probe.url,
            headers: { authorization: `Bearer ${token}` },
            ...(probe.payload ? { payload: probe.payload } : {}),
          });
          const denied = response.statusCode === 403 && response.json().code === 'permission_denied';
          const what = `${role} ${probe.method} ${probe.url} (${permission}): ${response.statusCode} ${response.body}`;
          expect(response.statusCode, what).not.toBe(401);
          expect(denied, what).toBe(!granted(expectedGrants[role] ?? [], permission));
        }
      });
    }
  });
}
