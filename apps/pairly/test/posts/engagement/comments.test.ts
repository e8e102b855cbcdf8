// Comments on posts (issue 17): a fan with full access comments and reads the comments oldest first
// page by page, each showing its author's id, handle and display name and never an email; a locked
// post refuses both (403 post_locked); a block either way hides each user's comments from the other
// and refuses commenting (404); the comment's author or the post's author deletes a comment, anyone
// else gets 404 comment_not_found; the count drops once however many deletes race; bad input is a
// 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../../credits/http-support.js';
import { buildPairlyTestApp, type PairlyTestApp, type TestUser } from '../../support/pairly-client.js';
import {
  block,
  comment,
  commented,
  commentIds,
  comments,
  countsOf,
  creator,
  deleteComment,
  fan,
  like,
  publish,
  viewPost,
} from './support.js';

let t: PairlyTestApp;
let author: TestUser & { handle: string };
beforeAll(async () => {
  t = await buildPairlyTestApp();
  author = await creator(t);
});
afterAll(async () => t?.close());

describe('commenting', () => {
  it('stores a comment with its author card and no email, and counts it', async () => {
    const postId = await publish(t, author);
    const sam = await fan(t, 'Sam');
    const response = await comment(t, sam, postId, 'Love this set!');
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toEqual({
      id: expect.any(String),
      author: { id: sam.id, handle: null, displayName: 'Sam' },
      body: 'Love this set!',
      createdAt: t.clock.now().toISOString(),
    });
    expect(response.body).not.toContain(sam.email);
    const reply = await commented(t, author, postId, 'Thanks!');
    expect(reply.author).toEqual({ id: author.id, handle: author.handle, displayName: expect.any(String) });
    expect((await viewPost(t, sam, postId)).json()).toMatchObject({ commentCount: 2 });
    expect(await countsOf(t, postId)).toMatchObject({ comment_count: 2, comments: 2 });
  });

  it('lists comments oldest first, page by page, without deleted ones', async () => {
    const postId = await publish(t, author);
    const reader = await fan(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await commented(t, reader, postId, `comment ${i}`)).id);
      t.clock.advance(1000);
    }
    const first = await comments(t, reader, postId, '?limit=2');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items.map((item: { body: string }) => item.body)).toEqual(['comment 0', 'comment 1']);
    expect(first.json().nextCursor).toEqual(expect.any(String));
    expect(await commentIds(t, reader, postId)).toEqual(ids);

    expect((await deleteComment(t, reader, postId, ids[2] as string)).statusCode).toBe(204);
    expect(await commentIds(t, reader, postId)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
  });

  it('refuses commenting on and reading the comments of a locked post (403 post_locked)', async () => {
    const postId = await publish(t, author, { visibility: 'subscribers' });
    await commented(t, author, postId, 'For my subscribers only');
    const outsider = await fan(t);
    expectProblem(await comment(t, outsider, postId), 403, 'post_locked');
    const listing = await comments(t, outsider, postId);
    expectProblem(listing, 403, 'post_locked');
    expect(listing.body).not.toContain('For my subscribers only');
    expect(await countsOf(t, postId)).toMatchObject({ comment_count: 1 });
  });

  it('hides the comments of a blocked user from the blocker and the blocker’s from them', async () => {
    const postId = await publish(t, author);
    const [blocker, blocked, bystander] = [await fan(t), await fan(t), await fan(t)];
    const byBlocker = (await commented(t, blocker, postId, 'from the blocker')).id;
    const byBlocked = (await commented(t, blocked, postId, 'from the blocked')).id;
    const byBystander = (await commented(t, bystander, postId, 'from a bystander')).id;
    expect((await block(t, blocker, blocked)).statusCode).toBe(201);

    expect(await commentIds(t, blocker, postId)).toEqual([byBlocker, byBystander]);
    expect(await commentIds(t, blocked, postId)).toEqual([byBlocked, byBystander]);
    expect(await commentIds(t, bystander, postId)).toEqual([byBlocker, byBlocked, byBystander]);
  });

  it('refuses commenting when the post’s author and the fan are blocked either way (404)', async () => {
    const postId = await publish(t, author);
    const [blockedByAuthor, blockingAuthor] = [await fan(t), await fan(t)];
    const before = await commented(t, blockedByAuthor, postId, 'before the block');
    expect((await block(t, author, blockedByAuthor)).statusCode).toBe(201);
    expect((await block(t, blockingAuthor, author)).statusCode).toBe(201);
    for (const user of [blockedByAuthor, blockingAuthor]) {
      expectProblem(await comment(t, user, postId), 404, 'post_not_found');
      expectProblem(await comments(t, user, postId), 404, 'post_not_found');
    }
    // The author blocked them: their earlier comment is hidden from the author.
    expect(await commentIds(t, author, postId)).not.toContain(before.id);
    // Yet it is still theirs to take back, although they no longer see the post.
    expect((await deleteComment(t, blockedByAuthor, postId, before.id)).statusCode).toBe(204);
    expect((await countsOf(t, postId)).comment_count).toBe(0);
  });

  it('refuses comments and likes on a post that is not published, even from its author (409)', async () => {
    const draftId = await publish(t, author, { publish: 'draft' });
    expectProblem(await comment(t, author, draftId), 409, 'post_not_published');
    expectProblem(await like(t, author, draftId), 409, 'post_not_published');
    expect(await countsOf(t, draftId)).toMatchObject({ like_count: 0, comment_count: 0 });
  });

  it('answers 400 with the field for an empty, blank or too long body, unknown fields and bad ids', async () => {
    const postId = await publish(t, author);
    const writer = await fan(t);
    expectProblem(await comment(t, writer, postId, ''), 400, undefined, '/body/body');
    expectProblem(await comment(t, writer, postId, '   '), 400, undefined, '/body/body');
    expectProblem(await comment(t, writer, postId, 'x'.repeat(2001)), 400, undefined, '/body/body');
    expectProblem(await comment(t, writer, postId, 42), 400, undefined, '/body/body');
    const extra = await t.app.inject({
      method: 'POST',
      url: `/posts/${postId}/comments`,
      headers: writer.headers,
      payload: { body: 'hi', authorId: author.id },
    });
    expectProblem(extra, 400);
    expectProblem(await comment(t, writer, 'nope'), 400, undefined, '/params/postId');
    expectProblem(
      await comments(t, writer, postId, '?cursor=garbage'),
      400,
      'cursor_invalid',
      '/querystring/cursor',
    );
    expectProblem(await comments(t, writer, postId, '?limit=0'), 400, undefined, '/querystring/limit');
    expectProblem(await deleteComment(t, writer, postId, 'nope'), 400, undefined, '/params/commentId');
    expect((await commented(t, writer, postId, 'x'.repeat(2000))).body).toHaveLength(2000);
    expect(await countsOf(t, postId)).toMatchObject({ comment_count: 1, comments: 1 });
  });
});

describe('deleting a comment', () => {
  it('lets the comment’s author and the post’s author delete it, and nobody else (404)', async () => {
    const postId = await publish(t, author);
    const [writer, other] = [await fan(t), await fan(t)];
    const mine = await commented(t, writer, postId, 'mine');
    const theirs = await commented(t, other, postId, 'theirs');

    expectProblem(await deleteComment(t, other, postId, mine.id), 404, 'comment_not_found');
    const otherAuthor = await creator(t);
    expectProblem(await deleteComment(t, otherAuthor, postId, mine.id), 404, 'comment_not_found');
    const otherPost = await publish(t, otherAuthor);
    expectProblem(await deleteComment(t, otherAuthor, otherPost, mine.id), 404, 'comment_not_found');
    expect(await commentIds(t, writer, postId)).toEqual([mine.id, theirs.id]);

    expect((await deleteComment(t, writer, postId, mine.id)).statusCode).toBe(204);
    expect((await deleteComment(t, author, postId, theirs.id)).statusCode).toBe(204);
    expectProblem(await deleteComment(t, writer, postId, mine.id), 404, 'comment_not_found');
    expect(await commentIds(t, writer, postId)).toEqual([]);
    expect(await countsOf(t, postId)).toMatchObject({ comment_count: 0, comments: 0 });
  });

  it('counts a comment out once when its author and the post’s author delete it at the same time', async () => {
    const postId = await publish(t, author);
    const writers = await Promise.all(Array.from({ length: 5 }, () => fan(t)));
    const written = [];
    for (const writer of writers) written.push({ writer, id: (await commented(t, writer, postId)).id });
    const kept = await commented(t, writers[0] as TestUser, postId, 'kept');
    const deletes = await Promise.all(
      written.flatMap(({ writer, id }) =>
        Array.from({ length: 5 }, (_, i) => deleteComment(t, i % 2 ? author : writer, postId, id)),
      ),
    );
    const statuses = deletes.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 204)).toHaveLength(5);
    expect(statuses.filter((status) => status === 404)).toHaveLength(20);
    expect(await countsOf(t, postId)).toMatchObject({ comment_count: 1, comments: 1 });
    expect(await commentIds(t, author, postId)).toEqual([kept.id]);
  });
});
