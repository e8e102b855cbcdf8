// Receipts over REST: markers only move forward, read implies delivered, a marker past the latest
// message or a malformed body is a 400, a stranger gets a 404, and a user with read receipts off
// keeps their read marker (for their own unread count) while the other participant sees null.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PairlyTestApp, signUp } from '../support/pairly-client.js';
import {
  buildInteractionsTestApp,
  expectProblem,
  getReceipts,
  pair,
  postReceipts,
  sendMessages,
  setReadReceipts,
} from './support.js';

let t: PairlyTestApp;

beforeAll(async () => {
  t = await buildInteractionsTestApp();
});
afterAll(() => t?.close());

describe('POST /conversations/:id/receipts', () => {
  it('moves markers forward only and answers where they stand', async () => {
    const { fan, creator, conversationId } = await pair(t);
    await sendMessages(t, creator, conversationId, 5);
    const first = await postReceipts(t, fan, conversationId, { delivered: 4, read: 2 });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ conversationId, delivered: 4, read: 2 });
    const back = await postReceipts(t, fan, conversationId, { delivered: 1, read: 1 });
    expect(back.json()).toEqual({ conversationId, delivered: 4, read: 2 });
    const readOnly = await postReceipts(t, fan, conversationId, { read: 5 });
    expect(readOnly.json()).toEqual({ conversationId, delivered: 5, read: 5 });
    expect((await getReceipts(t, creator, conversationId)).peer).toEqual({
      userId: fan.id,
      delivered: 5,
      read: 5,
    });
  });

  it('reading moves delivered too: read implies delivered', async () => {
    const { fan, creator, conversationId } = await pair(t);
    await sendMessages(t, creator, conversationId, 3);
    const response = await postReceipts(t, fan, conversationId, { read: 3 });
    expect(response.json()).toEqual({ conversationId, delivered: 3, read: 3 });
  });

  it('refuses a marker past the latest message, naming the field', async () => {
    const { fan, creator, conversationId } = await pair(t);
    await sendMessages(t, creator, conversationId, 2);
    const response = await postReceipts(t, fan, conversationId, { delivered: 2, read: 3 });
    await expectProblem(response, 400, 'receipt_beyond_last_seq');
    expect(response.json().errors).toEqual([{ path: '/body/read', message: 'must be at most 2' }]);
    expect((await getReceipts(t, fan, conversationId)).own).toEqual({ delivered: 0, read: 0 });
  });

  it('refuses malformed bodies with a 400', async () => {
    const { fan, conversationId } = await pair(t);
    for (const payload of [{}, { read: -1 }, { read: 1.5 }, { read: '1' }, { seen: 1 }]) {
      const response = await postReceipts(t, fan, conversationId, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });

  it('answers a stranger, and a conversation that does not exist, with the same 404', async () => {
    const { creator, conversationId } = await pair(t);
    await sendMessages(t, creator, conversationId, 1);
    const stranger = await signUp(t, 'fan');
    await expectProblem(
      await postReceipts(t, stranger, conversationId, { read: 1 }),
      404,
      'conversation_not_found',
    );
    await expectProblem(
      await postReceipts(t, stranger, crypto.randomUUID(), { read: 1 }),
      404,
      'conversation_not_found',
    );
    const get = await t.app.inject({
      method: 'GET',
      url: `/conversations/${conversationId}/receipts`,
      headers: stranger.headers,
    });
    await expectProblem(get, 404, 'conversation_not_found');
  });
});

describe('read receipts off', () => {
  it('keeps the read marker for its owner and shows the other participant null', async () => {
    const { fan, creator, conversationId } = await pair(t);
    await sendMessages(t, fan, conversationId, 3);
    await setReadReceipts(t, creator, false);
    await postReceipts(t, creator, conversationId, { delivered: 3, read: 2 });
    expect(await getReceipts(t, creator, conversationId)).toMatchObject({
      lastSeq: 3,
      own: { delivered: 3, read: 2 },
    });
    expect((await getReceipts(t, fan, conversationId)).peer).toEqual({
      userId: creator.id,
      delivered: 3,
      read: null,
    });
    await setReadReceipts(t, creator, true);
    expect((await getReceipts(t, fan, conversationId)).peer.read).toBe(2);
  });
});
