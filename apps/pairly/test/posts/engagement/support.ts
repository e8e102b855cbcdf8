// Test support for engagement: creators with a profile and fans with a display name (the profile rows
// are written as the creators module stores them, the setup each test needs and not what it checks),
// posts published through the posts routes, and the calls a client makes to like, comment, report
// and moderate, all through HTTP (audit rows are read as safety's tests read them: ../../safety/support.ts).
import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { type PairlyTestApp, type Response, signUp, type TestUser } from '../../support/pairly-client.js';

let handles = 0;

/** A creator with a profile (handle and display name), who may publish posts. */
export async function creator(t: PairlyTestApp): Promise<TestUser & { handle: string }> {
  const user = await signUp(t, 'creator');
  handles += 1;
  const handle = `maker_${handles}_${process.pid}`;
  const now = t.clock.now();
  await t.db.executeSql(
    `insert into creator_profiles (user_id, handle, display_name, age_confirmed_at, terms_accepted_at,
       terms_version, created_at, updated_at) values ($1, $2, $3, $4, $4, 'v1', $4, $4)`,
    [user.id, handle, `Maker ${handles}`, now],
  );
  return { ...user, handle };
}

/** A fan with a display name. */
export async function fan(t: PairlyTestApp, displayName = 'Sam'): Promise<TestUser> {
  const user = await signUp(t, 'fan');
  const now = t.clock.now();
  await t.db.executeSql(
    'insert into fan_profiles (user_id, display_name, created_at, updated_at) values ($1, $2, $3, $3)',
    [user.id, displayName, now],
  );
  return user;
}

export const send = (
  t: PairlyTestApp,
  user: TestUser | undefined,
  method: InjectOptions['method'],
  url: string,
  payload?: object,
) =>
  t.app.inject({
    method,
    url,
    ...(user && { headers: user.headers }),
    ...(payload && { payload }),
  });

/** A post by `author`, published now (public unless told), or kept as a draft. */
export async function publish(
  t: PairlyTestApp,
  author: TestUser,
  content: { visibility?: string; unlockPrice?: number; body?: string; publish?: string } = {},
): Promise<string> {
  const response = await send(t, author, 'POST', '/posts', {
    body: 'Hello fans',
    visibility: 'public',
    publish: 'now',
    ...content,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

export const like = (t: PairlyTestApp, user: TestUser, postId: string) =>
  send(t, user, 'PUT', `/posts/${postId}/like`);
export const unlike = (t: PairlyTestApp, user: TestUser, postId: string) =>
  send(t, user, 'DELETE', `/posts/${postId}/like`);
export const comment = (t: PairlyTestApp, user: TestUser, postId: string, body: unknown = 'Nice one') =>
  send(t, user, 'POST', `/posts/${postId}/comments`, { body });
export const comments = (t: PairlyTestApp, user: TestUser, postId: string, query = '') =>
  send(t, user, 'GET', `/posts/${postId}/comments${query}`);
export const deleteComment = (t: PairlyTestApp, user: TestUser, postId: string, commentId: string) =>
  send(t, user, 'DELETE', `/posts/${postId}/comments/${commentId}`);
export const report = (
  t: PairlyTestApp,
  user: TestUser,
  postId: string,
  payload: object = { reason: 'spam' },
) => send(t, user, 'POST', `/posts/${postId}/reports`, payload);
export const block = (t: PairlyTestApp, user: TestUser, other: TestUser) =>
  send(t, user, 'POST', '/blocks', { userId: other.id });
export const viewPost = (t: PairlyTestApp, user: TestUser, postId: string) =>
  send(t, user, 'GET', `/posts/${postId}`);

/** A comment by `user` on the post, checked to be stored; the clock then moves on, so comments keep their order. */
export async function commented(t: PairlyTestApp, user: TestUser, postId: string, body = 'Nice one') {
  const response = await comment(t, user, postId, body);
  expect(response.statusCode, response.body).toBe(201);
  t.clock.advance(1);
  return response.json() as { id: string; body: string; author: Record<string, unknown>; createdAt: string };
}

/** The post's comments as `user` reads them (the ids, oldest first, of every page). */
export async function commentIds(t: PairlyTestApp, user: TestUser, postId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const response: Response = await comments(t, user, postId, cursor ? `?cursor=${cursor}` : '');
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json() as { items: Array<{ id: string }>; nextCursor: string | null };
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

/** The post's counts and rows as stored: what the counters must always agree with. */
export async function countsOf(t: PairlyTestApp, postId: string) {
  const { rows } = await t.db.executeSql(
    `select like_count, comment_count,
       (select count(*)::int from post_likes where post_id = p.id) as likes,
       (select count(*)::int from post_comments where post_id = p.id and deleted_at is null) as comments
     from posts p where id = $1`,
    [postId],
  );
  return rows[0] as { like_count: number; comment_count: number; likes: number; comments: number };
}
