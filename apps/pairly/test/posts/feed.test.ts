// Posts (issue 17): the home feed and a creator's list page by a keyset cursor on (published_at, id):
// newest first, only creators the viewer follows or subscribes to, and stable: a post published
// between two page requests never shifts the next page (no duplicates, none skipped).
import { operationsWithoutExamples } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import type { PairlyTestApp } from '../support/pairly-client.js';
import { buildPostsTestApp, createPost, creator, fan, follow, get, subscribe } from './support.js';

let t: PairlyTestApp;
beforeAll(async () => {
  t = await buildPostsTestApp();
});
afterAll(async () => t?.close());

const ids = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id);

describe('the home feed', () => {
  it('pages newest first across followed and subscribed creators; a newer post never shifts page 2', async () => {
    const [followed, subscribed, ignored] = [await creator(t), await creator(t), await creator(t)];
    const member = await fan(t);
    await follow(t, member, followed);
    await subscribe(t, member, subscribed);
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      t.clock.advance(1000);
      made.push((await createPost(t, i % 2 ? followed : subscribed, { visibility: 'subscribers' }, 0)).id);
      await createPost(t, ignored, {}, 0);
    }
    // Two posts in the same instant are ordered by id.
    made.push((await createPost(t, followed, {}, 0)).id);
    const newestFirst = [...made].reverse();
    const tieOrder = newestFirst.slice(0, 2).sort().reverse();

    const first = await get(t, member, '/feed?limit=3');
    expect(first.statusCode, first.body).toBe(200);
    const page1 = first.json();
    t.clock.advance(1000);
    const fresh = (await createPost(t, followed, {}, 0)).id;
    const page2 = (await get(t, member, `/feed?limit=3&cursor=${page1.nextCursor}`)).json();
    const page3 = (await get(t, member, `/feed?limit=3&cursor=${page2.nextCursor}`)).json();

    expect([...ids(page1), ...ids(page2), ...ids(page3)]).toEqual([...tieOrder, ...newestFirst.slice(2)]);
    expect(page3.nextCursor).toBeNull();
    expect(ids((await get(t, member, '/feed?limit=1')).json())).toEqual([fresh]);
    // Subscriber-only posts are full from the subscribed creator, locked from the only-followed one.
    for (const item of [...page1.items, ...page2.items, ...page3.items]) {
      const lockedExpected = item.author.id === followed.id && item.visibility === 'subscribers';
      expect(item.locked).toBe(lockedExpected);
    }
  });

  it('refuses a limit above 50 and a cursor it did not issue', async () => {
    const member = await fan(t);
    expectProblem(await get(t, member, '/feed?limit=51'), 400);
    expectProblem(await get(t, member, '/feed?cursor=bm90LWEtY3Vyc29y'), 400, 'cursor_invalid');
    // Shaped like an issued cursor, but its id is 36 dashes, which no uuid column accepts.
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', '-'.repeat(36)])).toString(
      'base64url',
    );
    expectProblem(await get(t, member, `/feed?cursor=${forged}`), 400, 'cursor_invalid');
  });
});

describe("a creator's list", () => {
  it('pages newest first and stays stable when the creator publishes meanwhile', async () => {
    const author = await creator(t);
    const member = await fan(t);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000);
      made.push((await createPost(t, author, {}, 0)).id);
    }
    const page1 = (await get(t, member, `/creators/${author.id}/posts?limit=2`)).json();
    t.clock.advance(1000);
    await createPost(t, author, {}, 0);
    const page2 = (
      await get(t, member, `/creators/${author.id}/posts?limit=2&cursor=${page1.nextCursor}`)
    ).json();
    const page3 = (
      await get(t, member, `/creators/${author.id}/posts?limit=2&cursor=${page2.nextCursor}`)
    ).json();
    expect([...ids(page1), ...ids(page2), ...ids(page3)]).toEqual([...made].reverse());
    expect(page3.nextCursor).toBeNull();
    expectProblem(await get(t, member, `/creators/${member.id}/posts`), 404, 'creator_not_found');
  });
});

describe('the posts routes in /docs', () => {
  it('show an example for every request body and every 2xx answer', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/openapi.json' });
    const document = response.json() as { paths: Record<string, unknown> };
    const paths = [
      '/posts',
      '/posts/{postId}',
      '/posts/{postId}/publish',
      '/posts/{postId}/unlock',
      '/creators/{creatorId}/posts',
      '/feed',
    ];
    for (const path of paths) expect(Object.keys(document.paths), path).toContain(path);
    const missing = operationsWithoutExamples(document, paths).filter((entry) =>
      paths.some((path) => entry.split(' ')[1]?.replace(/:$/, '') === path),
    );
    expect(missing).toEqual([]);
  });
});
