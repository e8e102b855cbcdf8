// Test support for the pairly app: a test instance with cheap password hashing, and helpers that
// set up users (fans and creators through sign-up, staff by the operator's role change, as
// `npm run admin -- promote` does) and send keyed requests, as a client would.
import { randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp, type TestAppOptions } from '@app/platform/testing';
import type { InjectOptions } from 'fastify';
import { createPairlyApp, type PairlyAppOptions } from '../../src/app.js';

export type PairlyTestApp = TestApp;
export type Response = Awaited<ReturnType<TestApp['app']['inject']>>;
export type Role = 'fan' | 'creator' | 'moderator' | 'finance' | 'readonly' | 'admin' | 'superadmin';

export const PASSWORD = 'correct horse battery staple 42';

export function buildPairlyTestApp(
  options: PairlyAppOptions = {},
  testOptions: TestAppOptions = {},
): Promise<PairlyTestApp> {
  return buildTestApp(
    createPairlyApp({ hasher: { memoryKiB: 1024, iterations: 1 }, ...options }),
    testOptions,
  );
}

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  accessToken: string;
  headers: Record<string, string>;
}

let counter = 0;

async function expectStatus(
  response: Response,
  status: number,
  what: string,
): Promise<Record<string, unknown>> {
  if (response.statusCode !== status) throw new Error(`${what}: ${response.statusCode} ${response.body}`);
  return response.json();
}

async function login(t: PairlyTestApp, email: string): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email, password: PASSWORD },
  });
  return (await expectStatus(response, 200, 'login')).accessToken as string;
}

/** A signed-up fan or creator, or a staff member (signed up, then given the role and signed in again). */
export async function signUp(t: PairlyTestApp, role: Role = 'fan'): Promise<TestUser> {
  counter += 1;
  const email = `${role}${counter}-${process.pid}@example.com`;
  const signupRole = role === 'creator' ? 'creator' : 'fan';
  const response = await t.app.inject({
    method: 'POST',
    url: '/auth/signup',
    payload: { email, password: PASSWORD, role: signupRole },
  });
  const body = await expectStatus(response, 201, 'sign-up');
  const id = (body.user as { id: string }).id;
  let accessToken = body.accessToken as string;
  if (role !== signupRole) {
    await t.db.executeSql('update auth_users set role = $1 where id = $2', [role, id]);
    accessToken = await login(t, email);
  }
  return { id, email, role, accessToken, headers: { authorization: `Bearer ${accessToken}` } };
}

/** A fresh Idempotency-Key. */
export const newKey = (): string => randomUUID();

/** Sends a request with the user's token and an Idempotency-Key (a fresh one unless given). */
export function keyed(
  t: PairlyTestApp,
  user: TestUser,
  options: InjectOptions & { key?: string },
): Promise<Response> {
  const { key, headers, ...rest } = options;
  return t.app.inject({
    ...rest,
    headers: { ...user.headers, 'idempotency-key': key ?? newKey(), ...(headers as Record<string, string>) },
  });
}
