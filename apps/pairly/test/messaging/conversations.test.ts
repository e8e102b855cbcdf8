// Conversations over REST: opening one (201, then 200 with the same one, from either side), who may
// talk to whom (a creator in every pair, not oneself, the peer must exist), listing most recent
// first with a cursor, the price each side pays, the last message and the unread count (after the read marker), the partners
// presence asks for, and privacy: anyone outside a conversation gets the same 404 as for a missing
// one, on every route.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairlyDb } from '../../src/db.js';
import { createConversations } from '../../src/modules/messaging/conversations.js';
import type { Safety } from '../../src/modules/safety/service.js';
import { type PairlyTestApp, signUp } from '../support/pairly-client.js';
import {
  buildMessagingTestApp,
  type Cast,
  cast,
  expectProblem,
  history,
  openConversation,
  sendRest,
  setPrice,
} from './support.js';

let t: PairlyTestApp;
let people: Cast;

beforeAll(async () => {
  t = await buildMessagingTestApp();
  people = await cast(t);
});
afterAll(() => t?.close());

const open = (headers: Record<string, string>, payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/conversations', headers, payload: payload as object });

describe('opening a conversation', () => {
  it('opens once per pair: 201, then 200 with the same conversation from either side', async () => {
    const fan = await signUp(t, 'fan');
    const first = await open(fan.headers, { userId: people.creator.id });
    expect(first.statusCode, first.body).toBe(201);
    const conversation = first.json();
    expect(conversation).toMatchObject({
      peerId: people.creator.id,
      lastSeq: 0,
      lastMessage: null,
      lastMessageAt: null,
      unreadCount: 0,
    });
    const again = await open(fan.headers, { userId: people.creator.id });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(conversation.id);
    const fromCreator = await open(people.creator.headers, { userId: fan.id });
    expect(fromCreator.statusCode).toBe(200);
    expect(fromCreator.json()).toMatchObject({ id: conversation.id, peerId: fan.id });
  });

  it("shows each side what it pays per message: the peer's price", async () => {
    const [fan, creator] = await Promise.all([signUp(t, 'fan'), signUp(t, 'creator')]);
    await setPrice(t, creator, 35);
    const fanView = await open(fan.headers, { userId: creator.id });
    expect(fanView.json()).toMatchObject({ peerId: creator.id, messagePrice: 35 });
    const creatorView = await open(creator.headers, { userId: fan.id });
    expect(creatorView.json()).toMatchObject({ peerId: fan.id, messagePrice: 0 });
    await setPrice(t, creator, 50);
    const again = await t.app.inject({
      method: 'GET',
      url: `/conversations/${fanView.json().id}`,
      headers: fan.headers,
    });
    expect(again.json()).toMatchObject({ messagePrice: 50 });
  });

  it('opens one between two creators', async () => {
    const other = await signUp(t, 'creator');
    expect((await open(people.creator.headers, { userId: other.id })).statusCode).toBe(201);
  });

  it('refuses two fans, oneself, an unknown user, a staff account and bad input', async () => {
    const otherFan = await signUp(t, 'fan');
    expectProblem(await open(people.fan.headers, { userId: otherFan.id }), 403, 'creator_required');
    expectProblem(await open(people.fan.headers, { userId: people.fan.id }), 400, 'conversation_with_self');
    expectProblem(await open(people.fan.headers, { userId: randomUUID() }), 404, 'user_not_found');
    expectProblem(await open(people.creator.headers, { userId: people.finance.id }), 404, 'user_not_found');
    expectProblem(await open(people.fan.headers, { userId: 'nope' }), 400, undefined, '/body/userId');
    expectProblem(await open(people.fan.headers, {}), 400);
    expectProblem(await open(people.fan.headers, { userId: people.creator.id, extra: 1 }), 400);
    expectProblem(await open({}, { userId: people.creator.id }), 401);
    expectProblem(
      await open(people.finance.headers, { userId: people.creator.id }),
      403,
      'permission_denied',
    );
    // A superadmin holds every permission, messages:own included, and is still no fan or creator.
    const superadmin = await signUp(t, 'superadmin');
    expectProblem(await open(superadmin.headers, { userId: people.creator.id }), 403, 'members_only');
  });
});

describe('listing', () => {
  it('lists mine most recently active first, with the last message, unread counts and a cursor', async () => {
    const fan = await signUp(t, 'fan');
    const [first, ...others] = await Promise.all([
      signUp(t, 'creator'),
      signUp(t, 'creator'),
      signUp(t, 'creator'),
    ]);
    const creators = [first, ...others];
    const ids: string[] = [];
    for (const creator of creators) {
      ids.push(await openConversation(t, fan, creator));
      t.clock.advance(1_000);
    }
    // The first conversation gets the latest message: it moves to the top.
    const sent = await sendRest(t, first, ids[0] as string, {
      clientMessageId: randomUUID(),
      body: 'hello fan',
    });
    expect(sent.statusCode, sent.body).toBe(201);

    const page1 = await t.app.inject({
      method: 'GET',
      url: '/conversations?limit=2',
      headers: fan.headers,
    });
    expect(page1.statusCode, page1.body).toBe(200);
    const body1 = page1.json();
    expect(body1.items.map((c: { id: string }) => c.id)).toEqual([ids[0], ids[2]]);
    expect(body1.items[0]).toMatchObject({
      lastSeq: 1,
      unreadCount: 1,
      lastMessage: { body: 'hello fan', seq: 1, senderId: first.id },
    });
    expect(body1.nextCursor).toEqual(expect.any(String));
    const page2 = await t.app.inject({
      method: 'GET',
      url: `/conversations?limit=2&cursor=${body1.nextCursor}`,
      headers: fan.headers,
    });
    expect(page2.json().items.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
    expect(page2.json().nextCursor).toBeNull();

    // The sender has nothing unread in it.
    const mine = await t.app.inject({
      method: 'GET',
      url: `/conversations/${ids[0]}`,
      headers: first.headers,
    });
    expect(mine.json()).toMatchObject({ peerId: fan.id, unreadCount: 0, lastSeq: 1 });
  });

  it('counts unread messages after the read marker only', async () => {
    const [fan, creator] = await Promise.all([signUp(t, 'fan'), signUp(t, 'creator')]);
    const id = await openConversation(t, fan, creator);
    for (let n = 1; n <= 3; n++) await sendRest(t, creator, id, { clientMessageId: `u${n}`, body: `u${n}` });
    await sendRest(t, fan, id, { clientMessageId: 'mine', body: 'mine does not count' });
    const unread = async () =>
      (await t.app.inject({ method: 'GET', url: `/conversations/${id}`, headers: fan.headers })).json()
        .unreadCount;
    expect(await unread()).toBe(3);
    await t.db.executeSql(
      'insert into conversation_receipts (conversation_id, user_id, read_seq, updated_at) values ($1, $2, 2, now())',
      [id, fan.id],
    );
    expect(await unread()).toBe(1);
  });

  it('names the partners a user talks with, most recently active first (for presence)', async () => {
    const conversations = createConversations(pairlyDb(t.db), t.clock, {} as Safety);
    const creator = await signUp(t, 'creator');
    const fans = [await signUp(t, 'fan'), await signUp(t, 'fan'), await signUp(t, 'fan')];
    const ids: string[] = [];
    for (const fan of fans) {
      ids.push(await openConversation(t, fan, creator));
      t.clock.advance(1_000);
    }
    await sendRest(t, creator, ids[0] as string, { clientMessageId: randomUUID(), body: 'newest' });
    const [first, second, third] = fans.map((fan) => fan.id);
    expect(await conversations.partnersOf(creator.id)).toEqual([first, third, second]);
    expect(await conversations.partnersOf(creator.id, 1)).toEqual([first]);
    expect(await conversations.partnersOf(first as string)).toEqual([creator.id]);
  });

  it('refuses a forged cursor and out-of-range limits with 400', async () => {
    const forged = Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url');
    for (const query of [`cursor=${forged}`, 'cursor=%%%', 'limit=0', 'limit=101', 'limit=abc', 'other=1']) {
      const response = await t.app.inject({
        method: 'GET',
        url: `/conversations?${query}`,
        headers: people.fan.headers,
      });
      expectProblem(response, 400);
    }
  });
});

describe('privacy', () => {
  it('answers 404 to anyone outside a conversation, on every route, exactly like a missing one', async () => {
    const conversationId = await openConversation(t, people.fan, people.creator);
    const stranger = await signUp(t, 'creator');
    const missing = randomUUID();
    for (const id of [conversationId, missing]) {
      expectProblem(
        await t.app.inject({ method: 'GET', url: `/conversations/${id}`, headers: stranger.headers }),
        404,
        'conversation_not_found',
      );
      expectProblem(await history(t, stranger, id), 404, 'conversation_not_found');
      expectProblem(
        await sendRest(t, stranger, id, { clientMessageId: randomUUID(), body: 'hi' }),
        404,
        'conversation_not_found',
      );
    }
    const list = await t.app.inject({ method: 'GET', url: '/conversations', headers: stranger.headers });
    expect(list.json().items).toEqual([]);
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/conversations/not-a-uuid', headers: people.fan.headers }),
      400,
    );
  });
});
