// The presence REST surface through the whole app: a heartbeat makes a socketless client present,
// the bulk lookup answers up to 500 users (and refuses more, or bad ids) and shows a user's state only
// to their conversation partners (anyone else reads them as an unknown id: offline, no last
// activity), the hidden setting is each user's own (nobody can change another's) and makes them read
// offline to everyone else, users blocked either way read as offline to each other, and staff have
// no presence. Bad input is a 4xx, never a 500.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { openConversation } from '../messaging/support.js';
import {
  buildPairlyTestApp,
  type PairlyTestApp,
  type Response,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';

let t: PairlyTestApp;
const now = '2026-01-01T00:00:00.000Z';

beforeAll(async () => {
  t = await buildPairlyTestApp();
});
afterAll(async () => t?.close());

function post(user: TestUser, url: string, payload?: object): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url,
    headers: user.headers,
    ...(payload === undefined ? {} : { payload }),
  });
}

const heartbeat = (user: TestUser, payload?: object) => post(user, '/presence/heartbeat', payload);

async function lookup(viewer: TestUser, userIds: string[]) {
  const response = await post(viewer, '/presence/lookup', { userIds });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().users as { userId: string; state: string; lastActiveAt: string | null }[];
}

/** Opens a conversation between each two of the users (at least one of each two a creator). */
async function converse(...users: TestUser[]): Promise<void> {
  for (const [index, user] of users.entries()) {
    for (const peer of users.slice(index + 1)) await openConversation(t, user, peer);
  }
}

const offline = (user: TestUser | string) => ({
  userId: typeof user === 'string' ? user : user.id,
  state: 'offline',
  lastActiveAt: null,
});

async function setHidden(user: TestUser, hidden: boolean): Promise<Response> {
  return t.app.inject({
    method: 'PUT',
    url: '/presence/visibility',
    headers: user.headers,
    payload: { hidden },
  });
}

async function isHidden(user: TestUser): Promise<boolean> {
  const response = await t.app.inject({
    method: 'GET',
    url: '/presence/visibility',
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().hidden;
}

describe('REST heartbeat and lookup', () => {
  it('makes a socketless client present; a bare POST is a heartbeat too', async () => {
    const [fan, creator, viewer] = await Promise.all([signUp(t), signUp(t, 'creator'), signUp(t, 'creator')]);
    await converse(viewer, fan, creator);
    const response = await heartbeat(fan, { active: true });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ heartbeatMs: 25_000, leaseTtlMs: 60_000 });
    expect((await heartbeat(creator)).statusCode).toBe(200);

    expect(await lookup(viewer, [fan.id, creator.id, viewer.id, fan.id])).toEqual([
      { userId: fan.id, state: 'online', lastActiveAt: now },
      { userId: creator.id, state: 'online', lastActiveAt: now },
      offline(viewer),
    ]);
  });

  it('shows a user only to their conversation partners: to anyone else they read as an unknown id', async () => {
    const [creator, partner, stranger] = await Promise.all([signUp(t, 'creator'), signUp(t), signUp(t)]);
    await converse(creator, partner);
    expect((await heartbeat(creator, { active: true })).statusCode).toBe(200);
    expect((await heartbeat(stranger, { active: true })).statusCode).toBe(200);

    const unknown = randomUUID();
    expect(await lookup(partner, [creator.id, stranger.id])).toEqual([
      { userId: creator.id, state: 'online', lastActiveAt: now },
      offline(stranger),
    ]);
    expect(await lookup(stranger, [creator.id, unknown, stranger.id])).toEqual([
      offline(creator),
      offline(unknown),
      { userId: stranger.id, state: 'online', lastActiveAt: now },
    ]);
  });

  it('answers 500 users at once and refuses 501', async () => {
    const viewer = await signUp(t);
    const ids = Array.from({ length: 500 }, () => randomUUID());
    const users = await lookup(viewer, ids);
    expect(users).toHaveLength(500);
    expect(users.every((user) => user.state === 'offline')).toBe(true);

    expectProblem(await post(viewer, '/presence/lookup', { userIds: [...ids, randomUUID()] }), 400);
  });

  it('refuses bad input with a 400 and strangers to the permission with 401/403', async () => {
    const [fan, finance] = await Promise.all([signUp(t), signUp(t, 'finance')]);
    for (const payload of [
      { userIds: [] },
      { userIds: ['not-a-uuid'] },
      { userIds: 'x' },
      {},
      { userIds: [fan.id], extra: 1 },
    ]) {
      expectProblem(await post(fan, '/presence/lookup', payload), 400);
    }
    expectProblem(await heartbeat(fan, { active: 'yes' }), 400);
    expectProblem(await heartbeat(fan, { active: true, userId: randomUUID() }), 400);
    expectProblem(
      await t.app.inject({
        method: 'PUT',
        url: '/presence/visibility',
        headers: fan.headers,
        payload: {},
      }),
      400,
    );
    expectProblem(
      await t.app.inject({ method: 'POST', url: '/presence/lookup', payload: { userIds: [fan.id] } }),
      401,
    );
    expectProblem(await post(finance, '/presence/lookup', { userIds: [fan.id] }), 403);
  });

  it('gives staff no presence: a superadmin (who holds every permission) cannot beat', async () => {
    const superadmin = await signUp(t, 'superadmin');
    expectProblem(await heartbeat(superadmin), 403, 'permission_denied');
    const { leases } = await t.kv.readMany({ leases: [`presence:leases:${superadmin.id}`] });
    expect(leases[0] ?? []).toEqual([]);
  });
});

describe('hidden presence', () => {
  it('reads a hidden user as offline to everyone else, not to themself, until shown again', async () => {
    const [alice, bob] = [await signUp(t, 'creator'), await signUp(t)];
    await converse(alice, bob);
    await heartbeat(alice, { active: true });
    expect(await isHidden(alice)).toBe(false);

    const response = await setHidden(alice, true);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ hidden: true });
    expect(await isHidden(alice)).toBe(true);
    expect(await lookup(bob, [alice.id])).toEqual([offline(alice)]);
    expect(await lookup(alice, [alice.id])).toEqual([
      { userId: alice.id, state: 'online', lastActiveAt: now },
    ]);

    await setHidden(alice, false);
    expect(await lookup(bob, [alice.id])).toEqual([{ userId: alice.id, state: 'online', lastActiveAt: now }]);
  });

  it("is each user's own: nobody can change another's", async () => {
    const [alice, bob] = [await signUp(t, 'creator'), await signUp(t)];
    await converse(alice, bob);
    await heartbeat(alice);
    expectProblem(
      await t.app.inject({
        method: 'PUT',
        url: '/presence/visibility',
        headers: bob.headers,
        payload: { hidden: true, userId: alice.id },
      }),
      400,
    );
    expect((await setHidden(bob, true)).statusCode).toBe(200);
    expect(await isHidden(alice)).toBe(false);
    expect(await isHidden(bob)).toBe(true);
    expect((await lookup(bob, [alice.id]))[0]?.state).toBe('online');
  });
});

describe('blocks', () => {
  it('reads users blocked either way as offline to each other, and visible again once unblocked', async () => {
    const [alice, bob, carol] = [await signUp(t, 'creator'), await signUp(t), await signUp(t, 'creator')];
    await converse(alice, bob, carol);
    await Promise.all([heartbeat(alice, { active: true }), heartbeat(bob, { active: true })]);
    const blocked = await post(alice, '/blocks', { userId: bob.id });
    expect(blocked.statusCode, blocked.body).toBe(201);

    expect(await lookup(alice, [bob.id])).toEqual([offline(bob)]);
    expect(await lookup(bob, [alice.id])).toEqual([offline(alice)]);
    expect((await lookup(carol, [alice.id, bob.id])).map((user) => user.state)).toEqual(['online', 'online']);

    const unblocked = await t.app.inject({
      method: 'DELETE',
      url: `/blocks/${bob.id}`,
      headers: alice.headers,
    });
    expect(unblocked.statusCode, unblocked.body).toBe(204);
    expect((await lookup(bob, [alice.id]))[0]?.state).toBe('online');
  });
});
