// Test support for posts: a test app, creators with a creator profile, fans, uploads of real images,
// the social setup a post's visibility depends on (follows, live subscriptions, blocks), creating
// posts through HTTP, and the leak check every response that can carry a post goes through: for a
// viewer without access, the raw JSON must not contain the post's text, any of its media ids, a
// media URL or a blob key.
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { expect } from 'vitest';
import {
  buildPairlyTestApp,
  type PairlyTestApp,
  type Response,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';

export { balances, fund } from '../gifts/support.js';

export const DAY = 24 * 60 * 60 * 1000;

export function buildPostsTestApp(): Promise<PairlyTestApp> {
  return buildPairlyTestApp();
}

let handles = 0;

/** A signed-up creator with a creator profile (as the creators module stores one). */
export async function creator(t: PairlyTestApp): Promise<TestUser> {
  const user = await signUp(t, 'creator');
  handles += 1;
  const now = t.clock.now();
  await t.db.executeSql(
    `insert into creator_profiles (user_id, handle, display_name, age_confirmed_at, terms_accepted_at,
       terms_version, created_at, updated_at)
     values ($1, $2, $3, $4, $4, 'v1', $4, $4)`,
    [user.id, `creator_${process.pid}_${handles}`, `Creator ${handles}`, now],
  );
  return user;
}

export const fan = (t: PairlyTestApp): Promise<TestUser> => signUp(t, 'fan');

/** Uploads a small generated PNG as `user`; its id and its blob key. */
export async function upload(t: PairlyTestApp, user: TestUser): Promise<{ id: string; blobKey: string }> {
  const png = await sharp({
    create: { width: 16, height: 12, channels: 3, background: { r: 200, g: 30, b: 90 } },
  })
    .png()
    .toBuffer();
  const response = await t.app.inject({
    method: 'POST',
    url: '/media',
    headers: { ...user.headers, 'content-type': 'image/png' },
    payload: png,
  });
  if (response.statusCode !== 201) throw new Error(`upload: ${response.statusCode} ${response.body}`);
  const { id } = response.json();
  const { rows } = await t.db.executeSql('select blob_key from media_objects where id = $1', [id]);
  return { id, blobKey: (rows[0] as { blob_key: string }).blob_key };
}

export async function follow(t: PairlyTestApp, follower: TestUser, author: TestUser): Promise<void> {
  await t.db.executeSql('insert into follows (follower_id, creator_id, created_at) values ($1, $2, $3)', [
    follower.id,
    author.id,
    t.clock.now(),
  ]);
}

/** A live subscription of `subscriber` to `author` for 30 days from now (as the subscriptions module stores one). */
export async function subscribe(t: PairlyTestApp, subscriber: TestUser, author: TestUser): Promise<void> {
  const now = t.clock.now();
  const end = new Date(now.getTime() + 30 * DAY);
  await t.db.executeSql(
    `insert into fan_subscriptions (id, fan_id, creator_id, status, price, anchor_at, current_period_start,
       current_period_end, access_until, created_at, updated_at)
     values ($1, $2, $3, 'active', 100, $4, $4, $5, $5, $4, $4)`,
    [randomUUID(), subscriber.id, author.id, now, end],
  );
}

export async function block(t: PairlyTestApp, blocker: TestUser, blocked: TestUser): Promise<void> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/blocks',
    headers: blocker.headers,
    payload: { userId: blocked.id },
  });
  expect(response.statusCode, response.body).toBe(201);
}

export interface TestPost {
  id: string;
  body: string;
  mediaIds: string[];
  blobKeys: string[];
}

/** Creates a post through HTTP with fresh media (one image unless told) and a unique text. */
export async function createPost(
  t: PairlyTestApp,
  author: TestUser,
  payload: Record<string, unknown> = {},
  images = 1,
): Promise<TestPost> {
  const media = [];
  for (let i = 0; i < images; i++) media.push(await upload(t, author));
  const body = `secret text ${randomUUID()}`;
  const response = await t.app.inject({
    method: 'POST',
    url: '/posts',
    headers: author.headers,
    payload: { body, mediaIds: media.map((m) => m.id), visibility: 'public', ...payload },
  });
  if (response.statusCode !== 201) throw new Error(`create post: ${response.statusCode} ${response.body}`);
  return {
    id: response.json().id,
    body: (payload.body as string | undefined) ?? body,
    mediaIds: media.map((m) => m.id),
    blobKeys: media.map((m) => m.blobKey),
  };
}

export const get = (t: PairlyTestApp, user: TestUser, url: string): Promise<Response> =>
  t.app.inject({ method: 'GET', url, headers: user.headers });

/**
 * The raw answer carries nothing of the post a viewer without access may not see: not its text, a
 * media id (which every media URL contains), a blob key, nor (unless the answer also carries posts
 * the viewer may see in full, `othersInFull`) any media URL at all.
 */
export function expectNoLeak(responseText: string, post: TestPost, othersInFull = false): void {
  if (post.body !== '') expect(responseText).not.toContain(post.body);
  for (const id of post.mediaIds) expect(responseText).not.toContain(id);
  for (const key of post.blobKeys) expect(responseText).not.toContain(key);
  if (!othersInFull) expect(responseText).not.toContain('/media/');
}
