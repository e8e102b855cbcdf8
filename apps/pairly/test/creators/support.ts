// Test support for creators: a test app, the calls a client makes (creator and fan profiles, pages,
// follows, search, blocks), a valid profile body with a handle of its own, creators set up through
// PUT /creators/me, a real uploaded image, and the check that no answer carries an email.
import sharp from 'sharp';
import { expect } from 'vitest';
import { TERMS_VERSION } from '../../src/modules/creators/rules.js';
import {
  buildPairlyTestApp,
  type PairlyTestApp,
  type Response,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';

export function buildCreatorsTestApp(): Promise<PairlyTestApp> {
  return buildPairlyTestApp({}, { env: { ACCESS_TOKEN_TTL_SECONDS: '1800' } });
}

type Method = 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';

export function call(
  t: PairlyTestApp,
  user: TestUser,
  method: Method,
  url: string,
  payload?: unknown,
): Promise<Response> {
  return t.app.inject({
    method,
    url,
    headers: user.headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

let handles = 0;

/** A handle nobody in this run has used. */
export function freshHandle(prefix = 'cr'): string {
  handles += 1;
  return `${prefix}${process.pid}_${handles}`;
}

/** A complete first PUT /creators/me body (confirmations included). */
export function profileBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    handle: freshHandle(),
    displayName: 'Test Creator',
    bio: 'Weekly routines and live sessions.',
    categories: ['fitness'],
    languages: ['en'],
    prices: { message: 10, callMinute: 30, subscription: 200 },
    subscriberMessagesFree: false,
    availableForCalls: true,
    confirmAge: true,
    acceptTerms: TERMS_VERSION,
    ...overrides,
  };
}

export const putProfile = (t: PairlyTestApp, user: TestUser, body: Record<string, unknown>) =>
  call(t, user, 'PUT', '/creators/me', body);

/** A signed-up creator with a profile made through PUT /creators/me; its handle. */
export async function creatorWithProfile(
  t: PairlyTestApp,
  overrides: Record<string, unknown> = {},
): Promise<TestUser & { handle: string }> {
  const user = await signUp(t, 'creator');
  const body = profileBody(overrides);
  const response = await putProfile(t, user, body);
  expect(response.statusCode, response.body).toBe(201);
  return { ...user, handle: body.handle as string };
}

export const page = (t: PairlyTestApp, viewer: TestUser, handle: string) =>
  call(t, viewer, 'GET', `/creators/${encodeURIComponent(handle)}`);
export const follow = (t: PairlyTestApp, user: TestUser, handle: string) =>
  call(t, user, 'PUT', `/creators/${encodeURIComponent(handle)}/follow`);
export const unfollow = (t: PairlyTestApp, user: TestUser, handle: string) =>
  call(t, user, 'DELETE', `/creators/${encodeURIComponent(handle)}/follow`);
export const search = (t: PairlyTestApp, user: TestUser, query: Record<string, string | number>) =>
  call(
    t,
    user,
    'GET',
    `/creators?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`,
  );

export async function block(t: PairlyTestApp, blocker: TestUser, blocked: TestUser): Promise<void> {
  const response = await call(t, blocker, 'POST', '/blocks', { userId: blocked.id });
  expect(response.statusCode, response.body).toBe(201);
}

/** Uploads a small generated PNG as `user`; its media id. */
export async function uploadImage(t: PairlyTestApp, user: TestUser): Promise<string> {
  const png = await sharp({
    create: { width: 8, height: 8, channels: 3, background: { r: 20, g: 120, b: 200 } },
  })
    .png()
    .toBuffer();
  const response = await t.app.inject({
    method: 'POST',
    url: '/media',
    headers: { ...user.headers, 'content-type': 'image/png' },
    payload: png,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

/** No answer of this module carries an email, of anyone. */
export function expectNoEmail(response: Response): void {
  expect(response.body).not.toMatch(/@example\.com/);
  expect(response.body).not.toMatch(/"email"/);
}
