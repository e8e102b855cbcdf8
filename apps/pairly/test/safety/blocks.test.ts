// Blocks (issue 16, "blocks respected everywhere"): a fan or creator blocks another user, idempotently;
// unblocks only their own blocks; lists only their own, newest first with a cursor. The safety
// service answers whether two users are blocked either way, and which of many are, for the other
// modules. Staff have no blocks of their own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { block, buildSafetyTestApp, get, safetyOf, trySend } from './support.js';

let t: PairlyTestApp;
beforeAll(async () => {
  t = await buildSafetyTestApp();
});
afterAll(async () => t?.close());

const unblock = (user: TestUser, userId: string) =>
  t.app.inject({ method: 'DELETE', url: `/blocks/${userId}`, headers: user.headers });
const blockedIds = async (user: TestUser, query = '') => {
  const response = await get(t, user, `/blocks${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    items: Array<{ userId: string; createdAt: string }>;
    nextCursor: string | null;
  };
};

describe('blocking a user', () => {
  it('blocks once: 201, then 200 with the same block, and the user is blocked either way', async () => {
    const [fan, creator] = [await signUp(t, 'fan'), await signUp(t, 'creator')];
    const first = await block(t, fan, creator.id);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toEqual({ userId: creator.id, createdAt: t.clock.now().toISOString() });
    t.clock.advance(1_000);
    const again = await block(t, fan, creator.id);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect((await blockedIds(fan)).items).toEqual([first.json()]);

    const { blocks } = safetyOf(t);
    expect(await blocks.isBlockedEitherWay(fan.id, creator.id)).toBe(true);
    expect(await blocks.isBlockedEitherWay(creator.id, fan.id)).toBe(true);
  });

  it('refuses blocking yourself, an unknown user and malformed input', async () => {
    const fan = await signUp(t, 'fan');
    expectProblem(await block(t, fan, fan.id), 400, 'block_self', '/body/userId');
    expectProblem(await block(t, fan, randomUUID()), 404, 'user_not_found');
    expectProblem(await block(t, fan, 'not-a-uuid'), 400, undefined, '/body/userId');
    for (const payload of [{}, { userId: randomUUID(), extra: 1 }, { userId: 42 }]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/blocks',
        headers: fan.headers,
        payload,
      });
      expectProblem(response, 400);
    }
    expectProblem(await unblock(fan, 'nope'), 400);
    expectProblem(await get(t, fan, '/blocks?limit=0'), 400);
    expectProblem(await get(t, fan, '/blocks?limit=101'), 400);
    expectProblem(await get(t, fan, '/blocks?cursor=garbage'), 400, 'cursor_invalid', '/querystring/cursor');
    expect((await blockedIds(fan)).items).toEqual([]);
  });

  it('lets fans and creators block anyone, staff included, and keeps staff out of the block routes', async () => {
    const [creator, moderator] = [await signUp(t, 'creator'), await signUp(t, 'moderator')];
    expect((await block(t, creator, moderator.id)).statusCode).toBe(201);
    for (const role of ['moderator', 'finance', 'readonly', 'admin'] as const) {
      const member = await signUp(t, role);
      expectProblem(await block(t, member, creator.id), 403, 'permission_denied');
      expectProblem(await get(t, member, '/blocks'), 403, 'permission_denied');
      expectProblem(await unblock(member, creator.id), 403, 'permission_denied');
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/blocks' });
    expectProblem(anonymous, 401);
  });
});

describe('unblocking and listing', () => {
  it('unblocks only your own block: another user meets 404 and the block stays', async () => {
    const [alice, bob, mallory] = [await signUp(t), await signUp(t, 'creator'), await signUp(t)];
    expect((await block(t, alice, bob.id)).statusCode).toBe(201);
    expectProblem(await unblock(mallory, bob.id), 404, 'block_not_found');
    expectProblem(await unblock(bob, alice.id), 404, 'block_not_found');
    expect((await blockedIds(alice)).items.map((item) => item.userId)).toEqual([bob.id]);
    expect((await blockedIds(mallory)).items).toEqual([]);

    const removed = await unblock(alice, bob.id);
    expect(removed.statusCode, removed.body).toBe(204);
    expect(removed.body).toBe('');
    expectProblem(await unblock(alice, bob.id), 404, 'block_not_found');
    expect(await safetyOf(t).blocks.isBlockedEitherWay(alice.id, bob.id)).toBe(false);
  });

  it('lists only your own blocks, newest first, page by page', async () => {
    const [owner, other] = [await signUp(t), await signUp(t)];
    const blocked: Array<{ userId: string; createdAt: string }> = [];
    for (let i = 0; i < 5; i++) {
      const target = await signUp(t, 'creator');
      const response = await block(t, owner, target.id);
      expect(response.statusCode).toBe(201);
      blocked.push(response.json());
      t.clock.advance(i === 2 ? 0 : 1_000); // two blocks share an instant: the id breaks the tie
    }
    expect((await block(t, other, blocked[0]?.userId as string)).statusCode).toBe(201);

    const seen: Array<{ userId: string; createdAt: string }> = [];
    let cursor: string | null = null;
    do {
      const page = await blockedIds(owner, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const key = (item: { userId: string; createdAt: string }) => `${item.createdAt} ${item.userId}`;
    const newestFirst = [...blocked].sort((a, b) => (key(a) < key(b) ? 1 : -1));
    expect(seen).toEqual(newestFirst);
    expect((await blockedIds(other)).items.map((item) => item.userId)).toEqual([blocked[0]?.userId]);
  });

  it('stops messages both ways while the block stands', async () => {
    const [fan, creator] = [await signUp(t, 'fan'), await signUp(t, 'creator')];
    expect((await trySend(t, fan, creator)).statusCode).toBe(201);
    expect((await block(t, fan, creator.id)).statusCode).toBe(201);
    expectProblem(await trySend(t, fan, creator), 403, 'user_blocked');
    expectProblem(await trySend(t, creator, fan), 403, 'recipient_unavailable');
    expect((await unblock(fan, creator.id)).statusCode).toBe(204);
    expect((await trySend(t, creator, fan)).statusCode).toBe(201);
  });

  it('answers which of many users are blocked either way in one call', async () => {
    const [me, iBlocked, blockedMe, stranger] = [
      await signUp(t),
      await signUp(t, 'creator'),
      await signUp(t, 'creator'),
      await signUp(t, 'creator'),
    ];
    expect((await block(t, me, iBlocked.id)).statusCode).toBe(201);
    expect((await block(t, blockedMe, me.id)).statusCode).toBe(201);
    const { blocks } = safetyOf(t);
    const among = await blocks.blockedAmong(me.id, [iBlocked.id, blockedMe.id, stranger.id, 'not-a-uuid']);
    expect([...among].sort()).toEqual([iBlocked.id, blockedMe.id].sort());
    expect(await blocks.blockedAmong(me.id, [])).toEqual(new Set());
    expect(await blocks.blockedAmong(stranger.id, [me.id, iBlocked.id])).toEqual(new Set());
  });
});
