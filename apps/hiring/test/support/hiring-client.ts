// Test support for the hiring app: a test instance with cheap password hashing, and helpers that
// set up users, organisations and jobs through the real HTTP routes, as a client would.
import { buildTestApp, type TestApp, type TestAppOptions } from '@app/platform/testing';
import { createHiringApp, type HiringAppOptions } from '../../src/app.js';

export type HiringTestApp = TestApp;
export type Response = Awaited<ReturnType<TestApp['app']['inject']>>;

/** `testOptions` sets the environment (billing's Stripe settings, say) or makes a peer instance. */
export function buildHiringTestApp(
  options: HiringAppOptions = {},
  testOptions: TestAppOptions = {},
): Promise<HiringTestApp> {
  return buildTestApp(
    createHiringApp({ hasher: { memoryKiB: 1024, iterations: 1 }, ...options }),
    testOptions,
  );
}

export interface TestUser {
  id: string;
  email: string;
  accessToken: string;
  headers: Record<string, string>;
}

let counter = 0;

export async function signUp(t: HiringTestApp, role: 'candidate' | 'employer'): Promise<TestUser> {
  counter += 1;
  const email = `${role}${counter}-${process.pid}@example.com`;
  const response = await t.app.inject({
    method: 'POST',
    url: '/auth/signup',
    payload: { email, password: 'correct horse battery staple 42', role },
  });
  if (response.statusCode !== 201) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`);
  const body = response.json();
  return {
    id: body.user.id,
    email,
    accessToken: body.accessToken,
    headers: { authorization: `Bearer ${body.accessToken}` },
  };
}

/** An operator-made admin: admins never come from sign-up, so the role is set in the database. */
export async function signUpAdmin(t: HiringTestApp): Promise<TestUser> {
  const user = await signUp(t, 'employer');
  await t.db.executeSql("update auth_users set role = 'admin' where id = $1", [user.id]);
  const response = await t.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { email: user.email, password: 'correct horse battery staple 42' },
  });
  const body = await expectStatus(response, 200, 'admin login');
  const accessToken = body.accessToken as string;
  return { ...user, accessToken, headers: { authorization: `Bearer ${accessToken}` } };
}

async function expectStatus(
  response: Response,
  status: number,
  what: string,
): Promise<Record<string, unknown>> {
  if (response.statusCode !== status) throw new Error(`${what}: ${response.statusCode} ${response.body}`);
  return response.json();
}

export async function createOrganisation(
  t: HiringTestApp,
  owner: TestUser,
  name = 'Acme Ltd',
): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/organisations',
    headers: owner.headers,
    payload: { name },
  });
  return (await expectStatus(response, 201, 'create organisation')).id as string;
}

export async function addMember(
  t: HiringTestApp,
  owner: TestUser,
  organisationId: string,
  member: TestUser,
  role: 'owner' | 'recruiter' | 'viewer',
): Promise<void> {
  const response = await t.app.inject({
    method: 'PUT',
    url: `/organisations/${organisationId}/members`,
    headers: owner.headers,
    payload: { email: member.email, role },
  });
  await expectStatus(response, 200, 'add member');
}

export async function createJob(
  t: HiringTestApp,
  employer: TestUser,
  organisationId: string,
  fields: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/organisations/${organisationId}/jobs`,
    headers: employer.headers,
    payload: { title: 'Backend Engineer', ...fields },
  });
  return expectStatus(response, 201, 'create job');
}

export async function publishJob(
  t: HiringTestApp,
  employer: TestUser,
  jobId: string,
): Promise<Record<string, unknown>> {
  const response = await t.app.inject({
    method: 'POST',
    url: `/jobs/${jobId}/publish`,
    headers: employer.headers,
  });
  return expectStatus(response, 200, 'publish job');
}

/** An employer with an organisation and one published job. */
export async function publishedJobSetup(t: HiringTestApp, fields: Record<string, unknown> = {}) {
  const employer = await signUp(t, 'employer');
  const organisationId = await createOrganisation(t, employer);
  const job = await createJob(t, employer, organisationId, fields);
  await publishJob(t, employer, job.id as string);
  return { employer, organisationId, jobId: job.id as string };
}
