// Likes of posts (issue 17): liking is idempotent and answers the count; the count moves only with a
// like actually added or taken back, so it equals the likes stored and never goes negative however
// fans race; a locked post refuses a like (403 post_locked) and a post the fan may not see (a draft,
// blocked either way) is a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../../credits/http-support.js';
import { buildPairlyTestApp, type PairlyTestApp, type TestUser } from '../../support/pairly-client.js';
import { block, countsOf, creator, fan, like, publish, unlike, viewPost } from './support.js';

let t: PairlyTestApp;
let author: TestUser;
beforeAll(async () => {
  t = await buildPairlyTestApp();
  author = await creator(t);
});
afterAll(async () => t?.close());

describe('liking a post', () => {
  it('likes once however often a fan asks, and takes the like back once', async () => {
    const postId = await publish(t, author);
    const [first, second] = [await fan(t), await fan(t)];
    for (let i = 0; i < 3; i++) {
      const response = await like(t, first, postId);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({ liked: true, likeCount: 1 });
    }
    expect((await like(t, second, postId)).json()).toEqual({ liked: true, likeCount: 2 });
    expect((await viewPost(t, first, postId)).json()).toMatchObject({
      likeCount: 2,
      viewer: { liked: true },
    });

    for (let i = 0; i < 2; i++)
      expect((await unlike(t, first, postId)).json()).toEqual({ liked: false, likeCount: 1 });
    const stranger = await fan(t);
    expect((await unlike(t, stranger, postId)).json()).toEqual({ liked: false, likeCount: 1 });
    expect(await countsOf(t, postId)).toMatchObject({ like_count: 1, likes: 1 });
  });

  it('keeps the count equal to the likes stored when 50 likes and unlikes race', async () => {
    const postId = await publish(t, author);
    const fans = await Promise.all(Array.from({ length: 10 }, () => fan(t)));
    const mixed = fans.flatMap((user) => [
      like(t, user, postId),
      unlike(t, user, postId),
      like(t, user, postId),
      like(t, user, postId),
      unlike(t, user, postId),
    ]);
    for (const response of await Promise.all(mixed)) expect(response.statusCode, response.body).toBe(200);
    const counts = await countsOf(t, postId);
    expect(counts.like_count).toBe(counts.likes);

    const likes = await Promise.all(
      fans.flatMap((user) => Array.from({ length: 5 }, () => like(t, user, postId))),
    );
    expect(likes.every((response) => response.json().liked === true)).toBe(true);
    expect(await countsOf(t, postId)).toMatchObject({ like_count: 10, likes: 10 });

    const unlikes = await Promise.all(
      fans.flatMap((user) => Array.from({ length: 5 }, () => unlike(t, user, postId))),
    );
    expect(unlikes.every((response) => response.json().likeCount >= 0)).toBe(true);
    expect(await countsOf(t, postId)).toMatchObject({ like_count: 0, likes: 0 });
  });

  it('refuses a locked post with 403 post_locked, and lets a like given before be taken back', async () => {
    const postId = await publish(t, author, { visibility: 'subscribers' });
    const outsider = await fan(t);
    expectProblem(await like(t, outsider, postId), 403, 'post_locked');
    expect(await countsOf(t, postId)).toMatchObject({ like_count: 0, likes: 0 });
    expect((await unlike(t, outsider, postId)).json()).toEqual({ liked: false, likeCount: 0 });
    // The author always has the post in full.
    expect((await like(t, author, postId)).json()).toEqual({ liked: true, likeCount: 1 });
  });

  it('answers 404 post_not_found for a draft and when either user blocked the other', async () => {
    const draft = await publish(t, author, { publish: 'draft' });
    const someone = await fan(t);
    expectProblem(await like(t, someone, draft), 404, 'post_not_found');
    expectProblem(await unlike(t, someone, draft), 404, 'post_not_found');

    const postId = await publish(t, author);
    const [blocked, blocker] = [await fan(t), await fan(t)];
    expect((await block(t, author, blocked)).statusCode).toBe(201);
    const otherAuthor = await creator(t);
    const otherPost = await publish(t, otherAuthor);
    expect((await block(t, blocker, otherAuthor)).statusCode).toBe(201);
    expectProblem(await like(t, blocked, postId), 404, 'post_not_found');
    expectProblem(await like(t, blocker, otherPost), 404, 'post_not_found');
    expect(await countsOf(t, postId)).toMatchObject({ like_count: 0 });
  });

  it('answers 400 with the field for a post id that is not a uuid, and 401 without a token', async () => {
    expectProblem(await like(t, await fan(t), 'not-a-uuid'), 400, undefined, '/params/postId');
    const postId = await publish(t, author);
    expectProblem(await t.app.inject({ method: 'PUT', url: `/posts/${postId}/like` }), 401);
  });
});
