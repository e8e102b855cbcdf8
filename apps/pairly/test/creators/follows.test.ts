// Follows and blocks through HTTP on real PGlite: following and unfollowing are idempotent and move
// the follower count once; you cannot follow yourself (400) or an unknown creator (404); a block
// either way makes the creator's page and follow a 404 and removes existing follows both ways; the
// lists (whom I follow, my followers) page with a cursor, leave blocked users out and carry no email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  block,
  buildCreatorsTestApp,
  call,
  creatorWithProfile,
  expectNoEmail,
  follow,
  page,
  unfollow,
} from './support.js';

let t: PairlyTestApp;

beforeAll(async () => {
  t = await buildCreatorsTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('following a creator', () => {
  it('is idempotent both ways and counts each follower once', async () => {
    const creator = await creatorWithProfile(t);
    const fan = await signUp(t, 'fan');
    const first = await follow(t, fan, creator.handle);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({
      following: true,
      followedAt: t.clock.now().toISOString(),
      followerCount: 1,
    });
    t.clock.advance(1_000);
    const again = await follow(t, fan, creator.handle.toUpperCase());
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect((await page(t, fan, creator.handle)).json()).toMatchObject({
      followerCount: 1,
      viewer: { following: true },
    });

    for (let i = 0; i < 2; i += 1) {
      const gone = await unfollow(t, fan, creator.handle);
      expect(gone.statusCode).toBe(204);
    }
    expect((await page(t, fan, creator.handle)).json()).toMatchObject({
      followerCount: 0,
      viewer: { following: false },
    });
  });

  it('counts concurrent follows and unfollows exactly', async () => {
    const creator = await creatorWithProfile(t);
    const fans = await Promise.all(Array.from({ length: 6 }, () => signUp(t, 'fan')));
    await Promise.all(
      fans.flatMap((fan) => [follow(t, fan, creator.handle), follow(t, fan, creator.handle)]),
    );
    const watcher = await signUp(t, 'fan');
    expect((await page(t, watcher, creator.handle)).json().followerCount).toBe(6);
    await Promise.all(
      fans.slice(0, 4).flatMap((fan) => [unfollow(t, fan, creator.handle), unfollow(t, fan, creator.handle)]),
    );
    expect((await page(t, watcher, creator.handle)).json().followerCount).toBe(2);
  });

  it('refuses yourself (400) and unknown creators (404)', async () => {
    const creator = await creatorWithProfile(t);
    expectProblem(await follow(t, creator, creator.handle), 400, 'follow_self');
    const fan = await signUp(t, 'fan');
    expectProblem(await follow(t, fan, 'nobody_here_at_all'), 404, 'creator_not_found');
    expectProblem(await unfollow(t, fan, 'nobody_here_at_all'), 404, 'creator_not_found');
    expectProblem(await follow(t, fan, 'bad handle!'), 400);
    // A creator account without a profile is not followable either.
    const bare = await signUp(t, 'creator');
    const card = await call(t, fan, 'GET', `/users/${bare.id}/profile`);
    expectProblem(card, 404);
  });
});

describe('blocks', () => {
  it('hide the page and refuse a follow both ways, as if the creator did not exist', async () => {
    const creator = await creatorWithProfile(t);
    const blockedByCreator = await signUp(t, 'fan');
    const blockingFan = await signUp(t, 'fan');
    await block(t, creator, blockedByCreator);
    await block(t, blockingFan, creator);
    for (const fan of [blockedByCreator, blockingFan]) {
      expectProblem(await page(t, fan, creator.handle), 404, 'creator_not_found');
      expectProblem(await follow(t, fan, creator.handle), 404, 'creator_not_found');
      expectProblem(await call(t, fan, 'GET', `/users/${creator.id}/profile`), 404);
    }
    // The creator does not see them either.
    await call(t, blockedByCreator, 'PUT', '/fans/me', { displayName: 'Blocked' });
    expectProblem(await call(t, creator, 'GET', `/users/${blockedByCreator.id}/profile`), 404);
    expect((await page(t, creator, creator.handle)).json().followerCount).toBe(0);
  });

  it('remove existing follows both ways and their counts', async () => {
    const one = await creatorWithProfile(t);
    const two = await creatorWithProfile(t);
    expect((await follow(t, one, two.handle)).statusCode).toBe(201);
    expect((await follow(t, two, one.handle)).statusCode).toBe(201);
    await block(t, one, two);
    await expect.poll(async () => (await page(t, one, one.handle)).json().followerCount).toBe(0);
    expect((await page(t, two, two.handle)).json().followerCount).toBe(0);
    expect((await call(t, one, 'GET', '/me/following')).json().items).toEqual([]);
    expect((await call(t, two, 'GET', '/creators/me/followers')).json().items).toEqual([]);

    // After an unblock, nothing comes back by itself.
    expect((await call(t, one, 'DELETE', `/blocks/${two.id}`)).statusCode).toBe(204);
    expect((await page(t, two, one.handle)).json().viewer.following).toBe(false);
  });
});

describe('lists', () => {
  it('whom I follow, newest first with a cursor, leaving blocked creators out', async () => {
    const fan = await signUp(t, 'fan');
    const followed: Array<TestUser & { handle: string }> = [];
    for (let i = 0; i < 5; i += 1) {
      const creator = await creatorWithProfile(t);
      expect((await follow(t, fan, creator.handle)).statusCode).toBe(201);
      followed.push(creator);
      t.clock.advance(1_000);
    }
    // A block by the creator, stored behind the listener's back, still hides them from the list.
    const hiddenBy = followed[2];
    if (!hiddenBy) throw new Error('five creators made');
    await t.db.executeSql(
      'insert into user_blocks (blocker_id, blocked_id, created_at) values ($1, $2, $3)',
      [hiddenBy.id, fan.id, t.clock.now()],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const response = await call(t, fan, 'GET', `/me/following${query}`);
      expect(response.statusCode, response.body).toBe(200);
      expectNoEmail(response);
      const body = response.json();
      seen.push(...body.items.map((item: { creator: { handle: string } }) => item.creator.handle));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([4, 3, 1, 0].map((i) => followed[i]?.handle));
    expectProblem(await call(t, fan, 'GET', '/me/following?cursor=bm9wZQ'), 400, 'cursor_invalid');
  });

  it("a creator's followers, with their names, only their own, and never an email", async () => {
    const creator = await creatorWithProfile(t);
    const named = await signUp(t, 'fan');
    await call(t, named, 'PUT', '/fans/me', { displayName: 'Named Fan' });
    const anonymous = await signUp(t, 'fan');
    const fellow = await creatorWithProfile(t);
    for (const user of [named, anonymous, fellow]) {
      expect((await follow(t, user, creator.handle)).statusCode).toBe(201);
      t.clock.advance(1_000);
    }
    const response = await call(t, creator, 'GET', '/creators/me/followers');
    expect(response.statusCode, response.body).toBe(200);
    expectNoEmail(response);
    expect(response.json().items.map((item: { user: unknown }) => item.user)).toEqual([
      { id: fellow.id, handle: fellow.handle, displayName: 'Test Creator', avatarUrl: null },
      { id: anonymous.id, handle: null, displayName: null, avatarUrl: null },
      { id: named.id, handle: null, displayName: 'Named Fan', avatarUrl: null },
    ]);
    // Another creator sees only their own (none); a fan may not list followers.
    expect((await call(t, fellow, 'GET', '/creators/me/followers')).json().items).toEqual([]);
    expectProblem(await call(t, named, 'GET', '/creators/me/followers'), 403);
    const bare = await signUp(t, 'creator');
    expectProblem(await call(t, bare, 'GET', '/creators/me/followers'), 404, 'creator_profile_not_found');
  });
});
