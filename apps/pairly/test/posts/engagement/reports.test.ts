// Reports of posts and their moderation queue (issue 17): a viewer reports a post they can see, even
// locked, once (409 the second time), never their own (400), never one they cannot see (404).
// Moderators and admins (`moderation:*`) list reports with the post as it is, deleted ones included,
// and resolve a report once (409 after); upheld removes the post for everyone but its author (post,
// creator's list, feed, likes and comments), audited. Fans, creators, finance and readonly meet 403.
// Every route shows examples in /docs.
import { operationsWithoutExamples } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../../credits/http-support.js';
import { auditOf } from '../../safety/support.js';
import {
  buildPairlyTestApp,
  type PairlyTestApp,
  type Role,
  signUp,
  type TestUser,
} from '../../support/pairly-client.js';
import { block, comment, creator, fan, like, publish, report, send, viewPost } from './support.js';

let t: PairlyTestApp;
let author: TestUser;
let moderator: TestUser;
let admin: TestUser;
beforeAll(async () => {
  t = await buildPairlyTestApp();
  [author, moderator, admin] = [await creator(t), await signUp(t, 'moderator'), await signUp(t, 'admin')];
});
afterAll(async () => t?.close());

const QUEUE = '/moderation/post-reports';
const resolve = (staff: TestUser, reportId: string, payload: object) =>
  send(t, staff, 'POST', `${QUEUE}/${reportId}/resolve`, payload);

async function reported(reporter: TestUser, postId: string, payload: object = { reason: 'spam' }) {
  const response = await report(t, reporter, postId, payload);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; postId: string; status: string };
}

/** Every report in the queue with that status, page by page (two per page). */
async function queue(staff: TestUser, status: 'open' | 'resolved' = 'open') {
  const items: Array<Record<string, unknown> & { id: string }> = [];
  let cursor: string | null = null;
  do {
    const response = await send(
      t,
      staff,
      'GET',
      `${QUEUE}?status=${status}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(response.statusCode, response.body).toBe(200);
    items.push(...response.json().items);
    cursor = response.json().nextCursor;
  } while (cursor);
  return items;
}

describe('reporting a post', () => {
  it('files one report per reporter and post, a locked post included, and audits it', async () => {
    const postId = await publish(t, author, { visibility: 'subscribers' });
    const reporter = await fan(t);
    const filed = await reported(reporter, postId, { reason: 'scam', note: 'Asks for money elsewhere.' });
    expect(filed).toEqual({
      id: expect.any(String),
      postId,
      reason: 'scam',
      note: 'Asks for money elsewhere.',
      status: 'open',
      createdAt: t.clock.now().toISOString(),
    });
    expectProblem(await report(t, reporter, postId, { reason: 'other' }), 409, 'post_already_reported');
    expect((await reported(await fan(t), postId, { reason: 'copyright' })).status).toBe('open');
    expect((await auditOf(t, postId)).map((row) => [row.action, row.actor_id])).toContainEqual([
      'post.reported',
      reporter.id,
    ]);
  });

  it('refuses the author’s own post (400), and a post the reporter cannot see (404)', async () => {
    const postId = await publish(t, author);
    expectProblem(await report(t, author, postId), 400, 'report_own_post', '/params/postId');
    const draft = await publish(t, author, { publish: 'draft' });
    const someone = await fan(t);
    expectProblem(await report(t, someone, draft), 404, 'post_not_found');
    expect((await block(t, author, someone)).statusCode).toBe(201);
    expectProblem(await report(t, someone, postId), 404, 'post_not_found');
  });

  it('answers 400 naming the field for an unknown reason, a long note and unknown fields', async () => {
    const postId = await publish(t, author);
    const reporter = await fan(t);
    expectProblem(await report(t, reporter, postId, { reason: 'boring' }), 400, undefined, '/body/reason');
    expectProblem(
      await report(t, reporter, postId, { reason: 'spam', note: 'x'.repeat(501) }),
      400,
      undefined,
      '/body/note',
    );
    expectProblem(await report(t, reporter, postId, { reason: 'spam', status: 'resolved' }), 400);
    expectProblem(await report(t, reporter, postId, {}), 400, undefined, '/body/reason');
    expect((await reported(reporter, postId, { reason: 'underage' })).status).toBe('open');
  });
});

describe('who may moderate post reports', () => {
  it('lets moderators and admins in and keeps fans, creators, finance and readonly out', async () => {
    const { id } = await reported(await fan(t), await publish(t, author));
    const denied: Role[] = ['fan', 'creator', 'finance', 'readonly'];
    for (const role of denied) {
      const user = await signUp(t, role);
      expectProblem(await send(t, user, 'GET', QUEUE), 403, 'permission_denied');
      expectProblem(await resolve(user, id, { outcome: 'upheld' }), 403, 'permission_denied');
    }
    expectProblem(await send(t, undefined, 'GET', QUEUE), 401);
    for (const staff of [moderator, admin]) {
      expect((await send(t, staff, 'GET', QUEUE)).statusCode).toBe(200);
      expect((await queue(staff)).map((item) => item.id)).toContain(id);
    }
  });
});

describe('the post report queue', () => {
  it('lists open reports oldest first with their posts, deleted ones included', async () => {
    const writer = await creator(t);
    const first = await publish(t, writer, { body: 'first post' });
    const second = await publish(t, writer, { body: 'second post' });
    const [reporter, another] = [await fan(t), await fan(t)];
    const ids: string[] = [];
    for (const [user, postId] of [
      [reporter, first],
      [reporter, second],
      [another, first],
    ] as const) {
      ids.push((await reported(user, postId)).id);
      t.clock.advance(1000);
    }
    expect((await send(t, writer, 'DELETE', `/posts/${second}`)).statusCode).toBe(204);

    const mine = (await queue(moderator)).filter((item) => ids.includes(item.id));
    expect(mine.map((item) => item.id)).toEqual(ids);
    expect(mine[0]).toMatchObject({
      postId: first,
      reporterId: reporter.id,
      reason: 'spam',
      status: 'open',
      outcome: null,
      resolvedBy: null,
      post: {
        id: first,
        authorId: writer.id,
        body: 'first post',
        mediaIds: [],
        deletedAt: null,
        removedAt: null,
      },
    });
    expect(mine[1]?.post).toMatchObject({ body: 'second post', deletedAt: expect.any(String) });
    expectProblem(
      await send(t, moderator, 'GET', `${QUEUE}?cursor=garbage`),
      400,
      'cursor_invalid',
      '/querystring/cursor',
    );
    expectProblem(
      await send(t, moderator, 'GET', `${QUEUE}?status=closed`),
      400,
      undefined,
      '/querystring/status',
    );
  });

  it('resolves a report once: dismissed keeps the post, a second decision is a 409', async () => {
    const postId = await publish(t, author);
    const { id } = await reported(await fan(t), postId);
    const dismissed = await resolve(moderator, id, { outcome: 'dismissed', note: 'Not spam.' });
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect(dismissed.json()).toMatchObject({
      id,
      status: 'resolved',
      outcome: 'dismissed',
      resolvedBy: moderator.id,
      resolvedAt: t.clock.now().toISOString(),
      post: { id: postId, removedAt: null },
    });
    expectProblem(await resolve(admin, id, { outcome: 'upheld' }), 409, 'post_report_already_resolved');
    expect((await viewPost(t, await fan(t), postId)).statusCode).toBe(200);
    expect((await queue(moderator, 'resolved')).map((item) => item.id)).toContain(id);
    expect((await queue(moderator)).map((item) => item.id)).not.toContain(id);
    expect((await auditOf(t, id)).map((row) => [row.action, row.actor_id, row.after.outcome])).toEqual([
      ['post_report.resolved', moderator.id, 'dismissed'],
    ]);
  });

  it('answers 404 for an unknown report and 400 naming the field for bad decisions', async () => {
    const unknown = '00000000-0000-4000-8000-000000000001';
    expectProblem(await resolve(moderator, unknown, { outcome: 'upheld' }), 404, 'post_report_not_found');
    expectProblem(
      await resolve(moderator, 'nope', { outcome: 'upheld' }),
      400,
      undefined,
      '/params/reportId',
    );
    const { id } = await reported(await fan(t), await publish(t, author));
    expectProblem(await resolve(moderator, id, { outcome: 'banned' }), 400, undefined, '/body/outcome');
    expectProblem(
      await resolve(moderator, id, { outcome: 'upheld', note: '' }),
      400,
      undefined,
      '/body/note',
    );
  });

  it('removes the post when upheld: gone for everyone but its author, everywhere, and audited', async () => {
    const writer = await creator(t);
    const postId = await publish(t, writer, { body: 'DM me elsewhere' });
    const [reporter, follower] = [await fan(t), await fan(t)];
    await t.db.executeSql('insert into follows (follower_id, creator_id, created_at) values ($1, $2, $3)', [
      follower.id,
      writer.id,
      t.clock.now(),
    ]);
    const feedIds = async () =>
      (await send(t, follower, 'GET', '/feed')).json().items.map((item: { id: string }) => item.id);
    const pageIds = async (user: TestUser) =>
      (await send(t, user, 'GET', `/creators/${writer.id}/posts`))
        .json()
        .items.map((item: { id: string }) => item.id);
    expect(await feedIds()).toContain(postId);

    const { id } = await reported(reporter, postId, { reason: 'scam' });
    const upheld = await resolve(admin, id, { outcome: 'upheld', note: 'Off-platform payments.' });
    expect(upheld.statusCode, upheld.body).toBe(200);
    expect(upheld.json()).toMatchObject({
      outcome: 'upheld',
      post: { removedAt: t.clock.now().toISOString() },
    });

    for (const user of [reporter, follower]) {
      expectProblem(await viewPost(t, user, postId), 404, 'post_not_found');
      expectProblem(await like(t, user, postId), 404, 'post_not_found');
      expectProblem(await comment(t, user, postId), 404, 'post_not_found');
      expect(await pageIds(user)).not.toContain(postId);
    }
    expect(await feedIds()).not.toContain(postId);
    expect((await viewPost(t, writer, postId)).statusCode).toBe(200);
    expect((await auditOf(t, postId)).map((row) => [row.action, row.actor_id])).toContainEqual([
      'post.removed',
      admin.id,
    ]);
    expect((await auditOf(t, id)).map((row) => row.after)).toEqual([
      expect.objectContaining({ outcome: 'upheld', note: 'Off-platform payments.', postId }),
    ]);
  });
});

describe('the engagement routes in /docs', () => {
  it('show an example for every request body and 2xx answer', async () => {
    const response = await send(t, undefined, 'GET', '/docs/openapi.json');
    expect(response.statusCode).toBe(200);
    const prefixes = [
      '/posts/{postId}/like',
      '/posts/{postId}/comments',
      '/posts/{postId}/reports',
      '/moderation/post-reports',
    ];
    const document = response.json();
    expect(
      Object.keys(document.paths).filter((path) => prefixes.some((prefix) => path.startsWith(prefix))),
    ).toHaveLength(6);
    expect(operationsWithoutExamples(document, prefixes)).toEqual([]);
  });
});
