// Creator search through HTTP on real PGlite: by handle prefix ignoring case (the exact handle first),
// by words of the name and bio, by category and language; creators blocked either way never appear;
// a keyset cursor pages through every match once; bad cursors and filters are a 400. And every
// creators route shows examples in /docs.
import { operationsWithoutExamples } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { block, buildCreatorsTestApp, call, creatorWithProfile, expectNoEmail, search } from './support.js';

let t: PairlyTestApp;
let viewer: TestUser;
const tag = `z${process.pid}`;

const handles = (response: Awaited<ReturnType<typeof search>>) => {
  expect(response.statusCode, response.body).toBe(200);
  expectNoEmail(response);
  return response.json().items.map((item: { handle: string }) => item.handle) as string[];
};

beforeAll(async () => {
  t = await buildCreatorsTestApp();
  viewer = await signUp(t, 'fan');
});
afterAll(async () => {
  await t.close();
});

describe('searching creators', () => {
  it('finds by handle prefix ignoring case, the exact handle first', async () => {
    const exact = await creatorWithProfile(t, { handle: `${tag}Yoga` });
    const longer = await creatorWithProfile(t, { handle: `${tag}yoga.daily`, displayName: 'Daily' });
    const before = await creatorWithProfile(t, { handle: `${tag}yoga_alpha`, displayName: 'Alpha' });
    await creatorWithProfile(t, { handle: `${tag}cooking` });
    const found = handles(await search(t, viewer, { q: `${tag}YOGA` }));
    expect(found[0]).toBe(exact.handle);
    expect(found.slice(1).sort()).toEqual([longer.handle, before.handle].sort());
  });

  it('finds by words of the display name and bio, each word a prefix, all words needed', async () => {
    const chef = await creatorWithProfile(t, {
      displayName: `Marguerite ${tag}Bistro`,
      bio: 'French pastry and sourdough every Sunday',
    });
    const other = await creatorWithProfile(t, { displayName: `${tag}Bistro Two`, bio: 'Ramen nights' });
    expect(handles(await search(t, viewer, { q: `${tag}bistro` })).sort()).toEqual(
      [chef.handle, other.handle].sort(),
    );
    expect(handles(await search(t, viewer, { q: `${tag}bistro sourd` }))).toEqual([chef.handle]);
    expect(handles(await search(t, viewer, { q: `margu ${tag}bis` }))).toEqual([chef.handle]);
    expect(handles(await search(t, viewer, { q: `${tag}bistro pizza` }))).toEqual([]);
    // Query syntax is just text: operators and quotes find nothing and break nothing.
    for (const q of ["'&|!:*()", '%', '_', '\\', `${tag}bistro & !`]) {
      expect((await search(t, viewer, { q })).statusCode).toBe(200);
    }
  });

  it('filters by category and language', async () => {
    const gamer = await creatorWithProfile(t, {
      displayName: `${tag}Gamer`,
      categories: ['gaming', 'tech'],
      languages: ['de'],
    });
    const cook = await creatorWithProfile(t, {
      displayName: `${tag}Cook`,
      categories: ['cooking'],
      languages: ['de', 'en'],
    });
    expect(handles(await search(t, viewer, { q: tag, category: 'gaming' }))).toEqual([gamer.handle]);
    expect(handles(await search(t, viewer, { q: tag, category: 'tech', language: 'de' }))).toEqual([
      gamer.handle,
    ]);
    expect(handles(await search(t, viewer, { q: tag, language: 'en', category: 'cooking' }))).toEqual([
      cook.handle,
    ]);
    const byCategory = handles(await search(t, viewer, { category: 'cooking', limit: 50 }));
    expect(byCategory).toContain(cook.handle);
    expect(byCategory).not.toContain(gamer.handle);
    expectProblem(await search(t, viewer, { category: 'crypto' }), 400, undefined, '/querystring/category');
    expectProblem(await search(t, viewer, { language: 'eng' }), 400, undefined, '/querystring/language');
  });

  it('never shows a creator blocked either way', async () => {
    const blocker = await creatorWithProfile(t, { displayName: `${tag}Hidden One` });
    const blockedByViewer = await creatorWithProfile(t, { displayName: `${tag}Hidden Two` });
    const visible = await creatorWithProfile(t, { displayName: `${tag}Hidden Three` });
    await block(t, blocker, viewer);
    await block(t, viewer, blockedByViewer);
    expect(handles(await search(t, viewer, { q: `${tag}hidden` }))).toEqual([visible.handle]);
    expect(handles(await search(t, viewer, { q: blocker.handle }))).toEqual([]);
    expect(handles(await search(t, viewer, { q: blockedByViewer.handle }))).toEqual([]);
    const someoneElse = await signUp(t, 'fan');
    expect(handles(await search(t, someoneElse, { q: `${tag}hidden` })).sort()).toEqual(
      [blocker.handle, blockedByViewer.handle, visible.handle].sort(),
    );
  });

  it('pages with a cursor through every match exactly once', async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const creator = await creatorWithProfile(t, {
        handle: `${tag}pg${i}`,
        displayName: `${tag}Pager ${i % 2 === 0 ? `${tag}pager` : ''}`,
      });
      made.push(creator.handle);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = {
        q: `${tag}pager`,
        limit: 3,
        ...(cursor ? { cursor } : {}),
      };
      const response = await search(t, viewer, query);
      seen.push(...handles(response));
      cursor = response.json().nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.slice().sort()).toEqual(made.slice().sort());
    // Better matches (the word twice) come before the rest.
    expect(seen.slice(0, 4).sort()).toEqual([0, 2, 4, 6].map((i) => `${tag}pg${i}`));
    expectProblem(await search(t, viewer, { q: 'x', cursor: 'garbage' }), 400, 'cursor_invalid');
    // Shaped like an issued cursor, with a rank no real column holds, or an id of 36 dashes.
    const forge = (position: unknown[]) => Buffer.from(JSON.stringify(position)).toString('base64url');
    const id = '00000000-0000-4000-8000-000000000000';
    for (const cursor of [forge([false, 1e300, 'abc', id]), forge([false, 0.5, 'abc', '-'.repeat(36)])]) {
      expectProblem(await search(t, viewer, { q: 'x', cursor }), 400, 'cursor_invalid');
    }
    expectProblem(await search(t, viewer, { limit: 51 }), 400, undefined, '/querystring/limit');
  });

  it('needs a signed-in member', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/creators?q=a' })).statusCode).toBe(401);
  });
});

describe('the creators routes in /docs', () => {
  it('show an example for every request body and 2xx answer', async () => {
    const response = await call(t, viewer, 'GET', '/docs/openapi.json');
    expect(response.statusCode).toBe(200);
    const { paths } = response.json() as { paths: Record<string, Record<string, unknown>> };
    const ours = {
      '/creators': ['get'],
      '/creators/me': ['get', 'patch', 'put'],
      '/creators/me/followers': ['get'],
      '/creators/{handle}': ['get'],
      '/creators/{handle}/follow': ['delete', 'put'],
      '/fans/me': ['get', 'put'],
      '/me/following': ['get'],
      '/users/{userId}/profile': ['get'],
    };
    for (const [path, methods] of Object.entries(ours))
      expect(Object.keys(paths[path] ?? {}).sort()).toEqual(methods);
    const document = { paths: Object.fromEntries(Object.keys(ours).map((path) => [path, paths[path]])) };
    expect(operationsWithoutExamples(document, ['/'])).toEqual([]);
  });
});
