// Message interactions over real WebSockets on the app's port: `receipts.update` reaches the other
// participant as ONE batched `receipt` event with the final markers (without the read marker, and
// with no event for a read alone, when read receipts are off); `typing` tells the other socket on
// start and stop only, ends when the typist stops, sends, closes the socket or lets the TTL pass, is
// refused to strangers and across a block, and is never stored; `message.unsend` reaches both as a
// durable `message.unsent` on stream unsent:<id>, and `unsent.resume` replays what a reconnecting
// client missed, or answers `recovered: false` past the window.
import type { Frame, RealtimeTestClient } from '@app/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendRest } from '../messaging/support.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  buildInteractionsTestApp,
  connect,
  listen,
  type Pair,
  pair,
  sendMessages,
  setReadReceipts,
  terminateClients,
} from './support.js';

/** Long enough that a test's burst of updates lands in one batch. */
const RECEIPT_BATCH_MS = 1_000;
const TYPING_TTL_MS = 1_500;
const RESUME_WINDOW = 3;

let t: PairlyTestApp;
let url: string;

beforeAll(async () => {
  t = await buildInteractionsTestApp({
    receiptBatchMs: RECEIPT_BATCH_MS,
    typingTtlMs: TYPING_TTL_MS,
    resumeWindow: RESUME_WINDOW,
  });
  url = await listen(t);
});
afterEach(() => terminateClients());
afterAll(() => t?.close());

const from = (type: string, userId: string) => (frame: Frame) =>
  frame.type === type && frame.userId === userId;

/** Sends a message over REST and waits until `socket` has it: every event published before is in. */
async function sentinel(sender: TestUser, conversationId: string, socket: RealtimeTestClient): Promise<void> {
  const response = await sendRest(t, sender, conversationId, {
    clientMessageId: crypto.randomUUID(),
    body: 'sentinel',
  });
  expect(response.statusCode, response.body).toBe(201);
  const { id } = response.json();
  await socket.next((frame) => frame.type === 'message.new' && (frame.message as { id: string }).id === id);
}

async function replyOf(socket: RealtimeTestClient, type: string, fields: Record<string, unknown>) {
  const answer = await socket.request(type, fields);
  expect(answer.type, JSON.stringify(answer)).toBe('reply');
  return answer.data as Record<string, unknown>;
}

describe('receipts.update', () => {
  it('pushes one batched receipt with the final markers to the other participant and your own sockets', async () => {
    const { fan, creator, conversationId } = await pair(t);
    await sendMessages(t, creator, conversationId, 3);
    const [fanSocket, creatorSocket] = await Promise.all([connect(url, fan), connect(url, creator)]);
    for (const change of [{ delivered: 1 }, { delivered: 3 }, { read: 1 }, { delivered: 2 }, { read: 3 }]) {
      await replyOf(fanSocket, 'receipts.update', { conversationId, ...change });
    }
    const expected = { type: 'receipt', conversationId, userId: fan.id, delivered: 3, read: 3 };
    expect(await creatorSocket.next(from('receipt', fan.id))).toMatchObject(expected);
    expect(await fanSocket.next(from('receipt', fan.id))).toMatchObject(expected);
    await sentinel(fan, conversationId, creatorSocket);
    expect(creatorSocket.frames.filter(from('receipt', fan.id))).toHaveLength(1);
  });

  it('with read receipts off: the other participant gets delivered only, and nothing for a read alone', async () => {
    const { fan, creator, conversationId } = await pair(t);
    await sendMessages(t, fan, conversationId, 2);
    await setReadReceipts(t, creator, false);
    const [fanSocket, creatorSocket] = await Promise.all([connect(url, fan), connect(url, creator)]);
    await replyOf(creatorSocket, 'receipts.update', { conversationId, delivered: 2 });
    expect(await fanSocket.next(from('receipt', creator.id))).toMatchObject({ delivered: 2, read: null });
    await creatorSocket.next(from('receipt', creator.id));
    expect(await replyOf(creatorSocket, 'receipts.update', { conversationId, read: 2 })).toEqual({
      conversationId,
      delivered: 2,
      read: 2,
    });
    await creatorSocket.next((frame) => from('receipt', creator.id)(frame) && frame.read === 2);
    await sentinel(creator, conversationId, fanSocket);
    expect(fanSocket.frames.filter(from('receipt', creator.id))).toHaveLength(1);
  });

  it('answers bad frames with 4xx error frames', async () => {
    const { fan, creator, conversationId } = await pair(t);
    await sendMessages(t, creator, conversationId, 1);
    const stranger = await signUp(t, 'fan');
    const [fanSocket, strangerSocket] = await Promise.all([connect(url, fan), connect(url, stranger)]);
    const cases: Array<[RealtimeTestClient, Record<string, unknown>, string, number]> = [
      [fanSocket, { conversationId, read: 2 }, 'receipt_beyond_last_seq', 400],
      [fanSocket, { conversationId }, 'invalid_frame', 400],
      [fanSocket, { conversationId, read: -1 }, 'invalid_frame', 400],
      [strangerSocket, { conversationId, read: 1 }, 'conversation_not_found', 404],
    ];
    for (const [socket, fields, code, status] of cases) {
      expect(await socket.request('receipts.update', fields)).toMatchObject({ type: 'error', code, status });
    }
  });
});

describe('typing', () => {
  async function typingPair(): Promise<
    Pair & { fanSocket: RealtimeTestClient; creatorSocket: RealtimeTestClient }
  > {
    const cast = await pair(t);
    const [fanSocket, creatorSocket] = await Promise.all([
      connect(url, cast.fan),
      connect(url, cast.creator),
    ]);
    return { ...cast, fanSocket, creatorSocket };
  }

  it('tells the other socket on start and on stop, not on renewals', async () => {
    const { fan, conversationId, fanSocket, creatorSocket } = await typingPair();
    await replyOf(fanSocket, 'typing', { conversationId, active: true });
    expect(await creatorSocket.next(from('typing', fan.id))).toMatchObject({
      conversationId,
      active: true,
      ttlMs: TYPING_TTL_MS,
    });
    await replyOf(fanSocket, 'typing', { conversationId, active: true });
    await replyOf(fanSocket, 'typing', { conversationId, active: false });
    await creatorSocket.next((frame) => from('typing', fan.id)(frame) && frame.active === false);
    expect(creatorSocket.frames.filter(from('typing', fan.id)).map((frame) => frame.active)).toEqual([
      true,
      false,
    ]);
    expect(fanSocket.frames.filter((frame) => frame.type === 'typing')).toEqual([]);
  });

  it('ends by itself when not renewed within the TTL', async () => {
    const { fan, conversationId, fanSocket, creatorSocket } = await typingPair();
    await replyOf(fanSocket, 'typing', { conversationId, active: true });
    const stopped = await creatorSocket.next(
      (frame) => from('typing', fan.id)(frame) && frame.active === false,
      TYPING_TTL_MS * 4,
    );
    expect(stopped).toMatchObject({ conversationId, active: false });
  });

  it('ends when the typist sends a message', async () => {
    const { fan, conversationId, fanSocket, creatorSocket } = await typingPair();
    await replyOf(fanSocket, 'typing', { conversationId, active: true });
    await creatorSocket.next(from('typing', fan.id));
    await sendRest(t, fan, conversationId, { clientMessageId: crypto.randomUUID(), body: 'done typing' });
    await creatorSocket.next((frame) => from('typing', fan.id)(frame) && frame.active === false);
  });

  it('ends when the typing socket closes', async () => {
    const { fan, conversationId, fanSocket, creatorSocket } = await typingPair();
    await replyOf(fanSocket, 'typing', { conversationId, active: true });
    await creatorSocket.next(from('typing', fan.id));
    await fanSocket.close();
    await creatorSocket.next((frame) => from('typing', fan.id)(frame) && frame.active === false);
  });

  it('is refused to a stranger and across a block', async () => {
    const { fan, creator, conversationId, fanSocket } = await typingPair();
    const stranger = await signUp(t, 'fan');
    const strangerSocket = await connect(url, stranger);
    expect(await strangerSocket.request('typing', { conversationId, active: true })).toMatchObject({
      type: 'error',
      code: 'conversation_not_found',
      status: 404,
    });
    const block = await t.app.inject({
      method: 'POST',
      url: '/blocks',
      headers: creator.headers,
      payload: { userId: fan.id },
    });
    expect(block.statusCode, block.body).toBe(201);
    expect(await fanSocket.request('typing', { conversationId, active: true })).toMatchObject({
      type: 'error',
      status: 403,
    });
  });

  it('is never stored', async () => {
    const { rows } = await t.db.executeSql(
      "select table_name from information_schema.tables where table_name ilike '%typing%'",
    );
    expect(rows).toEqual([]);
  });
});

describe('message.unsend and unsent.resume', () => {
  it('turns the message into a tombstone and tells both sockets on stream unsent:<id>', async () => {
    const { fan, creator, conversationId } = await pair(t);
    const [message] = await sendMessages(t, fan, conversationId, 1);
    const [fanSocket, creatorSocket] = await Promise.all([connect(url, fan), connect(url, creator)]);
    const data = await replyOf(fanSocket, 'message.unsend', { conversationId, messageId: message?.id });
    expect(data).toMatchObject({ refunded: 0, message: { id: message?.id, seq: 1, body: null } });
    for (const socket of [fanSocket, creatorSocket]) {
      expect(await socket.next((frame) => frame.type === 'message.unsent')).toMatchObject({
        stream: `unsent:${conversationId}`,
        seq: 1,
        conversationId,
        message: { id: message?.id, seq: 1, body: null },
      });
    }
    expect(
      await creatorSocket.request('message.unsend', { conversationId, messageId: message?.id }),
    ).toMatchObject({
      type: 'error',
      code: 'unsend_not_sender',
      status: 403,
    });
  });

  it('replays the unsends a reconnecting client missed, in order, then recovered: true', async () => {
    const { fan, creator, conversationId } = await pair(t);
    const messages = await sendMessages(t, fan, conversationId, 3);
    const fanSocket = await connect(url, fan);
    for (const message of messages.slice(0, 2)) {
      await replyOf(fanSocket, 'message.unsend', { conversationId, messageId: message.id });
    }
    const creatorSocket = await connect(url, creator);
    const data = await replyOf(creatorSocket, 'unsent.resume', { conversations: { [conversationId]: 0 } });
    expect(data).toEqual({
      conversations: { [conversationId]: { recovered: true, lastUnsendSeq: 2, replayed: 2 } },
    });
    const replayed = creatorSocket.frames.filter((frame) => frame.type === 'message.unsent');
    expect(replayed.map((frame) => [frame.seq, (frame.message as { id: string }).id])).toEqual([
      [1, messages[0]?.id],
      [2, messages[1]?.id],
    ]);
    await replyOf(fanSocket, 'message.unsend', { conversationId, messageId: messages[2]?.id });
    expect(
      await creatorSocket.next((frame) => frame.type === 'message.unsent' && frame.seq === 3),
    ).toMatchObject({
      message: { id: messages[2]?.id, body: null },
    });
  });

  it('repairs a gap in the unsent stream from the database (an event pub/sub lost)', async () => {
    const { fan, creator, conversationId } = await pair(t);
    const messages = await sendMessages(t, fan, conversationId, 3);
    const [fanSocket, creatorSocket] = await Promise.all([connect(url, fan), connect(url, creator)]);
    await replyOf(fanSocket, 'message.unsend', { conversationId, messageId: messages[0]?.id });
    await creatorSocket.next((frame) => frame.type === 'message.unsent' && frame.seq === 1);
    // The second unsend is stored, but its event never reaches anyone (as if pub/sub dropped it).
    await t.db.executeSql(
      `with numbered as (update conversations set unsend_seq = unsend_seq + 1 where id = $1 returning unsend_seq)
       update messages set body = null, unsent_at = now(), unsend_seq = numbered.unsend_seq
       from numbered where messages.id = $2`,
      [conversationId, messages[1]?.id],
    );
    await replyOf(fanSocket, 'message.unsend', { conversationId, messageId: messages[2]?.id });
    await creatorSocket.next((frame) => frame.type === 'message.unsent' && frame.seq === 3);
    const received = creatorSocket.frames.filter((frame) => frame.type === 'message.unsent');
    expect(received.map((frame) => [frame.seq, (frame.message as { id: string }).id])).toEqual(
      messages.map((message, index) => [index + 1, message.id]),
    );
  });

  it('answers recovered: false past the resume window, and for a conversation not yours', async () => {
    const { fan, conversationId } = await pair(t);
    const messages = await sendMessages(t, fan, conversationId, RESUME_WINDOW + 1);
    const fanSocket = await connect(url, fan);
    for (const message of messages) {
      await replyOf(fanSocket, 'message.unsend', { conversationId, messageId: message.id });
    }
    const stranger = await signUp(t, 'fan');
    const [late, strangerSocket] = await Promise.all([connect(url, fan), connect(url, stranger)]);
    expect(await replyOf(late, 'unsent.resume', { conversations: { [conversationId]: 0 } })).toEqual({
      conversations: {
        [conversationId]: { recovered: false, lastUnsendSeq: RESUME_WINDOW + 1, reason: 'window_exceeded' },
      },
    });
    expect(late.frames.filter((frame) => frame.type === 'message.unsent')).toEqual([]);
    expect(
      await replyOf(strangerSocket, 'unsent.resume', { conversations: { [conversationId]: 0 } }),
    ).toEqual({
      conversations: { [conversationId]: { recovered: false, reason: 'conversation_not_found' } },
    });
  });
});
