// Posts (issue 17): who sees a post, and how much of it. Each visibility for a stranger, a follower,
// a subscriber, a fan who unlocked it and the author, on every answer that can carry a post (the
// post, the creator's list, the feed, edits answered to the author only); a locked post never
// carries its text, media ids, media URLs or blob keys. Drafts, scheduled and deleted posts do not
// exist for anyone but the author; a block either way hides a creator's posts entirely.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { keyed, type PairlyTestApp, type TestUser } from '../support/pairly-client.js';
import {
  block,
  buildPostsTestApp,
  createPost,
  creator,
  DAY,
  expectNoLeak,
  fan,
  follow,
  fund,
  get,
  subscribe,
  type TestPost,
} from './support.js';

let t: PairlyTestApp;
beforeAll(async () => {
  t = await buildPostsTestApp();
});
afterAll(async () => t?.close());

type Viewer = 'stranger' | 'follower' | 'subscriber' | 'unlocker' | 'author';
type Gated = 'followers' | 'subscribers' | 'pay_per_view';

// Who sees each gated visibility in full (everyone else gets the locked view).
const FULL: Record<Gated, Viewer[]> = {
  followers: ['follower', 'subscriber', 'author'],
  subscribers: ['subscriber', 'author'],
  pay_per_view: ['unlocker', 'author'],
};
const VIEWERS: Viewer[] = ['stranger', 'follower', 'subscriber', 'unlocker', 'author'];

describe('visibility of a creator’s posts', () => {
  const users = {} as Record<Viewer, TestUser>;
  const posts = {} as Record<Gated, TestPost>;

  beforeAll(async () => {
    users.author = await creator(t);
    users.stranger = await fan(t);
    users.follower = await fan(t);
    users.subscriber = await fan(t);
    users.unlocker = await fan(t);
    await follow(t, users.follower, users.author);
    await subscribe(t, users.subscriber, users.author);
    posts.followers = await createPost(t, users.author, { visibility: 'followers' });
    t.clock.advance(1000);
    posts.subscribers = await createPost(t, users.author, { visibility: 'subscribers' }, 2);
    t.clock.advance(1000);
    posts.pay_per_view = await createPost(t, users.author, { visibility: 'pay_per_view', unlockPrice: 40 });
    await fund(t, users.unlocker, 100);
    const unlocked = await keyed(t, users.unlocker, {
      method: 'POST',
      url: `/posts/${posts.pay_per_view.id}/unlock`,
    });
    expect(unlocked.statusCode, unlocked.body).toBe(201);
  });

  for (const visibility of Object.keys(FULL) as Gated[]) {
    for (const viewer of VIEWERS) {
      const full = FULL[visibility].includes(viewer);
      it(`${visibility} post: the ${viewer} sees it ${full ? 'in full' : 'locked, without text or media'}`, async () => {
        const post = posts[visibility];
        const response = await get(t, users[viewer], `/posts/${post.id}`);
        expect(response.statusCode, response.body).toBe(200);
        const view = response.json();
        expect(view.locked).toBe(!full);
        expect(view.author.id).toBe(users.author.id);
        if (full) {
          expect(view.body).toBe(post.body);
          expect(view.media.map((m: { id: string }) => m.id)).toEqual(post.mediaIds);
          expect(view.media[0].url).toContain(`/media/${post.mediaIds[0]}/content`);
          expect(view.viewer.unlocked).toBe(viewer === 'unlocker');
        } else {
          expectNoLeak(response.body, post);
          expect(Object.keys(view).sort()).toEqual([
            'author',
            'commentCount',
            'id',
            'likeCount',
            'locked',
            'media',
            'publishedAt',
            'unlockPrice',
            'visibility',
          ]);
          expect(view.unlockPrice).toBe(visibility === 'pay_per_view' ? 40 : null);
          expect(view.media).toHaveLength(post.mediaIds.length);
          expect(view.media[0]).toMatchObject({ kind: 'image', width: 16, height: 12 });
          expect(view.media[0].preview).toMatch(/^data:image\//);
        }
      });
    }
  }

  it("the creator's list shows each post full or locked per viewer, and leaks nothing locked", async () => {
    for (const viewer of VIEWERS) {
      const response = await get(t, users[viewer], `/creators/${users.author.id}/posts`);
      expect(response.statusCode, response.body).toBe(200);
      const { items, nextCursor } = response.json();
      expect(nextCursor).toBeNull();
      // Newest first.
      expect(items.map((item: { id: string }) => item.id)).toEqual([
        posts.pay_per_view.id,
        posts.subscribers.id,
        posts.followers.id,
      ]);
      const seesAny = (Object.keys(FULL) as Gated[]).some((v) => FULL[v].includes(viewer));
      for (const visibility of Object.keys(FULL) as Gated[]) {
        const item = items.find((i: { id: string }) => i.id === posts[visibility].id);
        const full = FULL[visibility].includes(viewer);
        expect(item.locked, `${viewer} ${visibility}`).toBe(!full);
        if (!full) expectNoLeak(response.body, posts[visibility], seesAny);
      }
    }
  });

  it('the feed of a follower and of a subscriber carries the same views, and leaks nothing locked', async () => {
    for (const viewer of ['follower', 'subscriber'] as const) {
      const response = await get(t, users[viewer], '/feed');
      expect(response.statusCode, response.body).toBe(200);
      const items: Array<{ id: string; locked: boolean }> = response.json().items;
      expect(items.map((item) => item.id)).toEqual([
        posts.pay_per_view.id,
        posts.subscribers.id,
        posts.followers.id,
      ]);
      for (const visibility of Object.keys(FULL) as Gated[]) {
        const full = FULL[visibility].includes(viewer);
        expect(items.find((i) => i.id === posts[visibility].id)?.locked).toBe(!full);
        if (!full) expectNoLeak(response.body, posts[visibility], true);
      }
    }
    // Neither following nor subscribed: an empty feed, whatever they unlocked.
    for (const viewer of ['stranger', 'unlocker'] as const) {
      const response = await get(t, users[viewer], '/feed');
      expect(response.json()).toEqual({ items: [], nextCursor: null });
    }
  });

  it('an edit or publish attempt by anyone else is a 404 that carries nothing of the post', async () => {
    const other = await creator(t);
    const post = posts.subscribers;
    const edit = await t.app.inject({
      method: 'PATCH',
      url: `/posts/${post.id}`,
      headers: other.headers,
      payload: { body: 'mine now' },
    });
    expectProblem(edit, 404, 'post_not_found');
    expectNoLeak(edit.body, post);
    const publish = await t.app.inject({
      method: 'POST',
      url: `/posts/${post.id}/publish`,
      headers: other.headers,
    });
    expectProblem(publish, 404, 'post_not_found');
    expectNoLeak(publish.body, post);
  });
});

describe('public posts', () => {
  it('are full for any signed-in member, following or not', async () => {
    const author = await creator(t);
    const stranger = await fan(t);
    const post = await createPost(t, author, { visibility: 'public' });
    const view = (await get(t, stranger, `/posts/${post.id}`)).json();
    expect(view).toMatchObject({ locked: false, body: post.body, visibility: 'public' });
    const list = (await get(t, stranger, `/creators/${author.id}/posts`)).json();
    expect(list.items[0]).toMatchObject({ id: post.id, locked: false, body: post.body });
  });
});

describe('drafts, scheduled and deleted posts', () => {
  it('exist only for their author: 404 and absent from every list for anyone else', async () => {
    const author = await creator(t);
    const follower = await fan(t);
    const subscriber = await fan(t);
    await follow(t, follower, author);
    await subscribe(t, subscriber, author);
    const draft = await createPost(t, author, { publish: 'draft' });
    const scheduled = await createPost(t, author, {
      publish: { at: new Date(t.clock.now().getTime() + DAY).toISOString() },
    });
    const deleted = await createPost(t, author);
    const removal = await t.app.inject({
      method: 'DELETE',
      url: `/posts/${deleted.id}`,
      headers: author.headers,
    });
    expect(removal.statusCode).toBe(204);

    for (const viewer of [follower, subscriber]) {
      for (const post of [draft, scheduled, deleted]) {
        const response = await get(t, viewer, `/posts/${post.id}`);
        expectProblem(response, 404, 'post_not_found');
        expectNoLeak(response.body, post);
      }
      for (const url of [`/creators/${author.id}/posts`, '/feed']) {
        expect((await get(t, viewer, url)).json()).toEqual({ items: [], nextCursor: null });
      }
      expectProblem(
        await get(t, viewer, `/creators/${author.id}/posts?status=draft`),
        400,
        'status_own_posts_only',
        '/querystring/status',
      );
    }

    // The author sees each, with its state; lists show the undeleted ones by status.
    expect((await get(t, author, `/posts/${draft.id}`)).json()).toMatchObject({
      status: 'draft',
      publishedAt: null,
    });
    expect((await get(t, author, `/posts/${scheduled.id}`)).json()).toMatchObject({ status: 'scheduled' });
    expect((await get(t, author, `/posts/${deleted.id}`)).json().deletedAt).toBe(t.clock.now().toISOString());
    const ids = async (status: string) =>
      (await get(t, author, `/creators/${author.id}/posts?status=${status}`))
        .json()
        .items.map((item: { id: string }) => item.id);
    expect(await ids('draft')).toEqual([draft.id]);
    expect(await ids('scheduled')).toEqual([scheduled.id]);
    expect(await ids('published')).toEqual([]);
  });
});

describe('blocks hide a creator’s posts both ways', () => {
  for (const direction of ['the fan blocked the creator', 'the creator blocked the fan'] as const) {
    it(`${direction}: the post is a 404, the creator's list a 404, the feed empty, an unlock a 404`, async () => {
      const author = await creator(t);
      const member = await fan(t);
      await follow(t, member, author);
      await subscribe(t, member, author);
      const open = await createPost(t, author, { visibility: 'public' });
      const paid = await createPost(t, author, { visibility: 'pay_per_view', unlockPrice: 10 });
      await fund(t, member, 100);
      expect((await get(t, member, '/feed')).json().items).toHaveLength(2);

      if (direction === 'the fan blocked the creator') await block(t, member, author);
      else await block(t, author, member);

      for (const post of [open, paid]) {
        const response = await get(t, member, `/posts/${post.id}`);
        expectProblem(response, 404, 'post_not_found');
        expectNoLeak(response.body, post);
      }
      expectProblem(await get(t, member, `/creators/${author.id}/posts`), 404, 'creator_not_found');
      expect((await get(t, member, '/feed')).json()).toEqual({ items: [], nextCursor: null });
      const unlock = await keyed(t, member, { method: 'POST', url: `/posts/${paid.id}/unlock` });
      expectProblem(unlock, 404, 'post_not_found');
    });
  }
});
