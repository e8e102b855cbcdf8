// Posts (issue 17): what an author does. Creating a post (published now, a draft, scheduled),
// refused with a clear 400/403 and nothing stored for bad input (a time in the past or too far
// ahead, too many or someone else's or repeated media, an empty post, a price without
// pay-per-view or the reverse, no creator profile); editing (edited_at once published; someone
// else's post is a 404), publishing once, deleting softly; and the scheduled-publishing job, which
// publishes a due post exactly once however often or concurrently it runs.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher } from '../../src/modules/posts/publishing.js';
import { expectProblem } from '../credits/http-support.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { buildPostsTestApp, createPost, creator, DAY, fan, follow, get, upload } from './support.js';

let t: PairlyTestApp;
beforeAll(async () => {
  t = await buildPostsTestApp();
});
afterAll(async () => t?.close());

const post = (user: TestUser, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/posts', headers: user.headers, payload });
const patch = (user: TestUser, id: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'PATCH', url: `/posts/${id}`, headers: user.headers, payload });
const postsBy = async (user: TestUser) =>
  Number(
    (
      (await t.db.executeSql('select count(*)::int as n from posts where author_id = $1', [user.id]))
        .rows[0] as {
        n: number;
      }
    ).n,
  );
const inFuture = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();

describe('creating a post', () => {
  it('publishes now by default, with the media in the given order', async () => {
    const author = await creator(t);
    const [first, second] = [await upload(t, author), await upload(t, author)];
    const response = await post(author, {
      body: 'Hello fans',
      mediaIds: [second.id, first.id],
      visibility: 'followers',
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      body: 'Hello fans',
      visibility: 'followers',
      unlockPrice: null,
      status: 'published',
      publishedAt: t.clock.now().toISOString(),
      editedAt: null,
      locked: false,
      likeCount: 0,
      commentCount: 0,
    });
    expect(response.json().media.map((m: { id: string }) => m.id)).toEqual([second.id, first.id]);
  });

  it('refuses bad input with a 4xx naming the field, storing nothing', async () => {
    const author = await creator(t);
    const other = await creator(t);
    const mine = await upload(t, author);
    const theirs = await upload(t, other);
    const cases: Array<[Record<string, unknown>, number, string | undefined, string | undefined]> = [
      [
        { body: 'x', visibility: 'public', publish: { at: inFuture(-1000) } },
        400,
        'publish_at_in_past',
        '/body/publish/at',
      ],
      [
        { body: 'x', visibility: 'public', publish: { at: inFuture(0) } },
        400,
        'publish_at_in_past',
        '/body/publish/at',
      ],
      [
        // A leap second passes the date-time format but is no instant JavaScript can hold.
        { body: 'x', visibility: 'public', publish: { at: '2030-06-30T23:59:60Z' } },
        400,
        'publish_at_invalid',
        '/body/publish/at',
      ],
      [
        { body: 'x', visibility: 'public', publish: { at: inFuture(400 * DAY) } },
        400,
        'publish_at_too_far',
        '/body/publish/at',
      ],
      [
        { body: 'x', visibility: 'public', mediaIds: Array.from({ length: 11 }, () => randomUUID()) },
        400,
        undefined,
        undefined,
      ],
      [
        { body: 'x', visibility: 'public', mediaIds: [theirs.id] },
        400,
        'media_not_found_or_not_yours',
        '/body/mediaIds',
      ],
      [
        { body: 'x', visibility: 'public', mediaIds: [mine.id, mine.id] },
        400,
        'media_duplicated',
        '/body/mediaIds',
      ],
      [{ body: '   ', visibility: 'public' }, 400, 'post_empty', '/body/body'],
      [{ body: 'x', visibility: 'pay_per_view' }, 400, 'unlock_price_required', '/body/unlockPrice'],
      [
        { body: 'x', visibility: 'public', unlockPrice: 10 },
        400,
        'unlock_price_not_allowed',
        '/body/unlockPrice',
      ],
      [{ body: 'x', visibility: 'pay_per_view', unlockPrice: 0 }, 400, undefined, undefined],
      [{ body: 'x', visibility: 'pay_per_view', unlockPrice: 100_001 }, 400, undefined, undefined],
      [{ body: 'x'.repeat(5001), visibility: 'public' }, 400, undefined, undefined],
      [{ body: 'x', visibility: 'secret' }, 400, undefined, undefined],
    ];
    for (const [payload, status, code, path] of cases) {
      expectProblem(await post(author, payload), status, code, path);
    }
    expect(await postsBy(author)).toBe(0);
  });

  it('is for creators with a creator profile only', async () => {
    const noProfile = await signUp(t, 'creator');
    expectProblem(
      await post(noProfile, { body: 'x', visibility: 'public' }),
      403,
      'creator_profile_required',
    );
    const member = await fan(t);
    expectProblem(await post(member, { body: 'x', visibility: 'public' }), 403);
    expect(await postsBy(noProfile)).toBe(0);
  });
});

describe('editing, publishing and deleting', () => {
  it('an edit of a published post sets editedAt; of a draft it does not', async () => {
    const author = await creator(t);
    const published = await createPost(t, author);
    const draft = await createPost(t, author, { publish: 'draft' });
    t.clock.advance(60_000);
    const edited = await patch(author, published.id, {
      body: 'Better words',
      visibility: 'pay_per_view',
      unlockPrice: 70,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      body: 'Better words',
      visibility: 'pay_per_view',
      unlockPrice: 70,
      editedAt: t.clock.now().toISOString(),
    });
    // Leaving pay-per-view drops the price.
    expect((await patch(author, published.id, { visibility: 'public' })).json().unlockPrice).toBeNull();
    const draftEdit = await patch(author, draft.id, { body: 'Draft words', mediaIds: [] });
    expect(draftEdit.json()).toMatchObject({
      body: 'Draft words',
      media: [],
      editedAt: null,
      status: 'draft',
    });
    // An edit cannot leave a post empty.
    expectProblem(await patch(author, draft.id, { body: '' }), 400, 'post_empty', '/body/body');
    expectProblem(await patch(author, published.id, { unlockPrice: 5 }), 400, 'unlock_price_not_allowed');
    expectProblem(
      await patch(author, published.id, { publish: { at: inFuture(DAY) } }),
      409,
      'post_already_published',
    );
  });

  it('publishes a draft once; a second publish is a 409', async () => {
    const author = await creator(t);
    const follower = await fan(t);
    await follow(t, follower, author);
    const draft = await createPost(t, author, { publish: 'draft' });
    const publish = () =>
      t.app.inject({ method: 'POST', url: `/posts/${draft.id}/publish`, headers: author.headers });
    const answers = await Promise.all([publish(), publish()]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    expect((await get(t, follower, `/posts/${draft.id}`)).json()).toMatchObject({
      status: 'published',
      publishedAt: t.clock.now().toISOString(),
    });
  });

  it('deletes softly: 204, then 404 to everyone but the author, the row kept for moderation', async () => {
    const author = await creator(t);
    const follower = await fan(t);
    await follow(t, follower, author);
    const doomed = await createPost(t, author);
    const remove = () =>
      t.app.inject({ method: 'DELETE', url: `/posts/${doomed.id}`, headers: author.headers });
    expect((await remove()).statusCode).toBe(204);
    expectProblem(await remove(), 404, 'post_not_found');
    expectProblem(await get(t, follower, `/posts/${doomed.id}`), 404, 'post_not_found');
    expectProblem(await patch(author, doomed.id, { body: 'back' }), 404, 'post_not_found');
    expect(await postsBy(author)).toBe(1);
    expect((await get(t, follower, '/feed')).json().items).toEqual([]);
  });
});

describe('the scheduled-publishing job', () => {
  it('publishes a due post exactly once, at its scheduled time, however often or concurrently it runs', async () => {
    const author = await creator(t);
    const follower = await fan(t);
    await follow(t, follower, author);
    const at = inFuture(5 * 60_000);
    const scheduled = await createPost(t, author, { publish: { at } });
    const deleted = await createPost(t, author, { publish: { at: inFuture(20 * 60_000) } });
    const publisher = createPublisher({ db: t.db, clock: t.clock, logger: t.app.platform.logger });

    expect(await publisher.publishDue()).toBe(0);
    for (const post of [scheduled, deleted]) {
      expectProblem(await get(t, follower, `/posts/${post.id}`), 404, 'post_not_found');
    }
    await t.app.inject({ method: 'DELETE', url: `/posts/${deleted.id}`, headers: author.headers });

    t.clock.advance(10 * 60_000);
    const counts = await Promise.all([publisher.publishDue(), publisher.publishDue()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await publisher.publishDue()).toBe(0);

    const view = (await get(t, follower, `/posts/${scheduled.id}`)).json();
    expect(view).toMatchObject({ status: 'published', publishedAt: at, publishAt: at, body: scheduled.body });
    expect((await get(t, follower, '/feed')).json().items.map((i: { id: string }) => i.id)).toEqual([
      scheduled.id,
    ]);
    // A deleted scheduled post is never published.
    t.clock.advance(30 * 60_000);
    expect(await publisher.publishDue()).toBe(0);
  });
});
