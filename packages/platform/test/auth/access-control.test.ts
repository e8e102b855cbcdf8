// Role-based access: the route guard lets each role do what its grants say and nothing more (401
// before 403), sign-up never hands out a role that is not open to sign-up, and who the caller is
// comes from the access token only, never from a user id in the body, query or path. Also the
// access policy's own rules ('*', 'area:*', exact grants, unknown roles, undeclared sign-up roles).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAccessPolicy } from '../../src/auth/access-policy.js';
import { identityDb } from '../../src/auth/schema.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp, identityTestPolicy } from '../fixtures/identity-app.js';
import { bearer, goodPassword, signUp, type TestUser } from '../fixtures/identity-client.js';

type Response = Awaited<ReturnType<TestApp['app']['inject']>>;

function expectProblem(response: Response, status: number, code: string): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json()).toMatchObject({ status, code });
}

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(identityApp);
});
afterAll(async () => t?.close());

async function logIn(user: { email: string }): Promise<TestUser & { role: string }> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email: user.email, password: goodPassword },
  });
  expect(response.statusCode).toBe(200);
  const body = response.json();
  return { ...body, id: body.user.id, role: body.user.role, email: user.email, password: goodPassword };
}

const things = (method: 'GET' | 'POST', headers: Record<string, string> = {}, payload?: object) =>
  t.app.inject({ method, url: '/things', headers, ...(payload ? { payload } : {}) });

describe('the permission guard', () => {
  it('lets a member read things but not write them', async () => {
    const member = await signUp(t, { role: 'member' });
    const read = await things('GET', bearer(member));
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ userId: member.id });

    const write = await things('POST', bearer(member));
    expectProblem(write, 403, 'permission_denied');
    expect(write.json().detail).toContain('things:write');
  });

  it('lets an editor write things', async () => {
    const editor = await signUp(t, { role: 'editor' });
    const write = await things('POST', bearer(editor));
    expect(write.statusCode).toBe(201);
    expect(write.json()).toEqual({ created: true });
  });

  it('grants everything to a role with "*" (an admin promoted in the database, after signing in again)', async () => {
    const promoted = await signUp(t, { role: 'member' });
    await identityDb(t.db)
      .updateTable('auth_users')
      .set({ role: 'admin' })
      .where('id', '=', promoted.id)
      .execute();
    const admin = await logIn(promoted);
    expect(admin.role).toBe('admin');
    expect((await things('POST', bearer(admin))).statusCode).toBe(201);
    const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(admin) });
    expect(me.json()).toMatchObject({ role: 'admin', permissions: ['*'] });
  });

  it.each(['GET', 'POST'] as const)(
    'answers %s /things without a token with 401 authentication_required',
    async (method) => {
      const response = await things(method);
      expectProblem(response, 401, 'authentication_required');
      expect(response.headers['www-authenticate']).toBe('Bearer');
    },
  );

  it('takes the role from the token, not from what the request says', async () => {
    const member = await signUp(t, { role: 'member' });
    const response = await things(
      'POST',
      { ...bearer(member), 'x-role': 'editor', 'x-user-role': 'admin' },
      { role: 'admin', permissions: ['*'] },
    );
    expectProblem(response, 403, 'permission_denied');
  });
});

describe('sign-up roles', () => {
  it.each(['admin', 'superuser'])(
    'refuses to sign up as %s with 400 role_not_allowed and creates no account',
    async (role) => {
      const email = `wants-${role}@example.com`;
      const response = await t.app.inject({
        method: 'POST',
        url: '/auth/signup',
        payload: { email, password: goodPassword, role },
      });
      expectProblem(response, 400, 'role_not_allowed');
      expect(response.json().errors).toEqual([{ path: '/body/role', message: expect.any(String) }]);
      expect(response.body).not.toContain('accessToken');

      const rows = await identityDb(t.db)
        .selectFrom('auth_users')
        .select('id')
        .where('email', '=', email)
        .execute();
      expect(rows).toEqual([]);
      const login = await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { email, password: goodPassword },
      });
      expectProblem(login, 401, 'invalid_credentials');
      // The address is still free for an allowed role.
      expect((await signUp(t, { email, role: 'member' })).email).toBe(email);
    },
  );

  it('signs up with each sign-up role and the token carries it', async () => {
    expect(identityTestPolicy.signupRoles).toEqual(['member', 'editor']);
    for (const role of identityTestPolicy.signupRoles) {
      const user = await signUp(t, { role });
      const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user) });
      expect(me.json()).toMatchObject({ id: user.id, role });
    }
  });
});

describe('the caller is whoever the token says', () => {
  let caller: TestUser;
  let victim: TestUser;
  beforeAll(async () => {
    caller = await signUp(t);
    victim = await signUp(t);
  });

  it('ignores a user id in the query of /auth/me and /things', async () => {
    const me = await t.app.inject({
      method: 'GET',
      url: `/auth/me?userId=${victim.id}&id=${victim.id}`,
      headers: { ...bearer(caller), 'x-user-id': victim.id },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: caller.id, email: caller.email });
    expect(me.body).not.toContain(victim.email);

    const list = await t.app.inject({
      method: 'GET',
      url: `/things?userId=${victim.id}`,
      headers: bearer(caller),
    });
    expect(list.json()).toEqual({ userId: caller.id });
  });

  it('ends only the caller’s own session on logout, whatever user and session the body names', async () => {
    const session = await logIn(caller);
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: bearer(session),
      payload: { userId: victim.id, sessionId: victim.sessionId },
    });
    expect(response.statusCode).toBe(204);
    expectProblem(await things('GET', bearer(session)), 401, 'session_revoked');
    expect((await things('GET', bearer(victim))).json()).toEqual({ userId: victim.id });
  });

  it('ends none of another user’s sessions when revoking "others" with their id in the body', async () => {
    const victimSecond = await logIn(victim);
    const attacker = await signUp(t);
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/sessions/revoke-others',
      headers: bearer(attacker),
      payload: { userId: victim.id },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ endedSessions: 0 });
    expect((await things('GET', bearer(victim))).statusCode).toBe(200);
    expect((await things('GET', bearer(victimSecond))).statusCode).toBe(200);
  });

  it('answers 404 for another user’s session id in the path, leaving it active', async () => {
    const attacker = await signUp(t);
    const response = await t.app.inject({
      method: 'DELETE',
      url: `/auth/sessions/${victim.sessionId}`,
      headers: bearer(attacker),
    });
    expectProblem(response, 404, 'session_not_found');
    expect((await things('GET', bearer(victim))).statusCode).toBe(200);
  });
});

describe('defineAccessPolicy', () => {
  const policy = defineAccessPolicy({
    grants: {
      guest: [],
      reader: ['things:read', 'reports:read'],
      manager: ['things:*', 'reports:read'],
      admin: ['*'],
    },
    signupRoles: ['guest', 'reader'],
  });

  it('grants every permission to "*"', () => {
    for (const permission of ['things:read', 'things:write', 'billing:refund', 'anything']) {
      expect(policy.can('admin', permission)).toBe(true);
    }
  });

  it('grants every permission of one area to "area:*", and none of another area', () => {
    expect(policy.can('manager', 'things:read')).toBe(true);
    expect(policy.can('manager', 'things:delete')).toBe(true);
    expect(policy.can('manager', 'reports:read')).toBe(true);
    expect(policy.can('manager', 'reports:write')).toBe(false);
    expect(policy.can('manager', 'billing:read')).toBe(false);
    // An area is matched whole, not by prefix.
    expect(policy.can('manager', 'thingsx:read')).toBe(false);
  });

  it('grants an exact permission and nothing near it', () => {
    expect(policy.can('reader', 'things:read')).toBe(true);
    expect(policy.can('reader', 'things:write')).toBe(false);
    expect(policy.can('reader', 'things:*')).toBe(false);
    expect(policy.can('reader', '*')).toBe(false);
    expect(policy.can('reader', 'things:readx')).toBe(false);
  });

  it('grants nothing to a role without grants, an unknown role or an empty role', () => {
    for (const role of ['guest', 'owner', '', 'ADMIN', 'admin ', '__proto__', 'constructor', 'toString']) {
      expect(policy.can(role, 'things:read')).toBe(false);
    }
    expect(policy.permissionsOf('owner')).toEqual([]);
    expect(policy.permissionsOf('constructor')).toEqual([]);
  });

  it('lists the roles, the sign-up roles and each role’s grants', () => {
    expect(policy.roles).toEqual(['guest', 'reader', 'manager', 'admin']);
    expect(policy.signupRoles).toEqual(['guest', 'reader']);
    expect(policy.permissionsOf('manager')).toEqual(['things:*', 'reports:read']);
  });

  it('throws when a sign-up role is not a declared role', () => {
    expect(() =>
      defineAccessPolicy({
        grants: { member: ['things:read'] },
        // The type already forbids it; the check also protects untyped callers.
        signupRoles: ['member', 'admin' as 'member'],
      }),
    ).toThrow(/sign-up role "admin" is not a declared role/);
  });
});
