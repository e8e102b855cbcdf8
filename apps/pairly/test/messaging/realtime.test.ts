// Messaging over real WebSockets: `message.send` delivers `message.new` (stream conv:<id>, seq) to
// both participants' sockets and replies with the message; a retry replays it without a second
// event or charge; every bad frame is an error frame with a 4xx status; `resume` after a forced
// disconnect replays the missed messages in order before replying `recovered: true`, and answers
// `recovered: false` past the resume window (no events), or for a conversation not the user's.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  balanceOf,
  buildMessagingTestApp,
  connect,
  grant,
  listen,
  messageCount,
  messagesReceived,
  openConversation,
  pair,
  sendRest,
  terminateClients,
} from './support.js';

const RESUME_WINDOW = 5;

let t: PairlyTestApp;
let url: string;
let finance: TestUser;

beforeAll(async () => {
  t = await buildMessagingTestApp({ resumeWindow: RESUME_WINDOW });
  url = await listen(t);
  finance = await signUp(t, 'finance');
});
afterEach(() => terminateClients());
afterAll(() => t?.close());

describe('message.send', () => {
  it('delivers message.new to both participants and replays a retry without a second event or charge', async () => {
    const { fan, creator, conversationId } = await pair(t, 40);
    await grant(t, finance, fan, 100);
    const [fanSocket, creatorSocket] = await Promise.all([connect(url, fan), connect(url, creator)]);
    const frame = { conversationId, clientMessageId: randomUUID(), body: 'over the socket' };
    const reply = await fanSocket.request('message.send', frame);
    expect(reply.type, JSON.stringify(reply)).toBe('reply');
    const data = reply.data as { message: { id: string; seq: number }; replayed: boolean };
    expect(data).toMatchObject({ replayed: false, message: { seq: 1, body: 'over the socket', price: 40 } });
    for (const socket of [fanSocket, creatorSocket]) {
      const event = await socket.next((f) => f.type === 'message.new');
      expect(event).toMatchObject({
        stream: `conv:${conversationId}`,
        seq: 1,
        conversationId,
        message: { id: data.message.id, senderId: fan.id, body: 'over the socket' },
      });
    }
    const retry = await fanSocket.request('message.send', frame);
    expect(retry.data).toMatchObject({ replayed: true, message: { id: data.message.id } });
    // The creator answers over REST; both sockets get it, in seq order after the first.
    expect(
      (await sendRest(t, creator, conversationId, { clientMessageId: 'r', body: 'back' })).statusCode,
    ).toBe(201);
    await creatorSocket.next((f) => f.type === 'message.new' && f.seq === 2);
    await fanSocket.next((f) => f.type === 'message.new' && f.seq === 2);
    expect(messagesReceived(fanSocket, conversationId).map((f) => f.seq)).toEqual([1, 2]);
    expect(messagesReceived(creatorSocket, conversationId).map((f) => f.seq)).toEqual([1, 2]);
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 60 });
    const sent = t.logs.lines.filter(
      (line) => line.event === 'ws_message_sent' && line.conversationId === conversationId,
    );
    expect(sent.map((line) => line.via)).toEqual(['ws', 'rest']);
    expect(JSON.stringify(sent)).not.toContain('over the socket');
  });

  it('answers every bad frame with an error frame and stores nothing', async () => {
    const { fan, conversationId } = await pair(t, 50);
    const stranger = await signUp(t, 'creator');
    const strangers = await openConversation(t, stranger, await signUp(t, 'fan'));
    const socket = await connect(url, fan);
    const id = () => randomUUID();
    const cases: Array<[Record<string, unknown>, number, string?]> = [
      [{ conversationId, clientMessageId: id() }, 400],
      [{ conversationId, clientMessageId: id(), body: '' }, 400],
      [{ conversationId, clientMessageId: id(), body: '  \n ' }, 400, 'invalid_message_body'],
      [{ conversationId, clientMessageId: id(), body: 'a\u0000b' }, 400, 'invalid_message_body'],
      [{ conversationId, clientMessageId: id(), body: 'x'.repeat(4001) }, 400, 'invalid_message_body'],
      [{ conversationId, clientMessageId: '', body: 'hi' }, 400],
      [{ conversationId: 'nope', clientMessageId: id(), body: 'hi' }, 400],
      [{ conversationId, clientMessageId: id(), body: 'hi', extra: 1 }, 400],
      [{ conversationId: randomUUID(), clientMessageId: id(), body: 'hi' }, 404, 'conversation_not_found'],
      [{ conversationId: strangers, clientMessageId: id(), body: 'hi' }, 404, 'conversation_not_found'],
      // No credits for the creator's price of 50.
      [{ conversationId, clientMessageId: id(), body: 'hi' }, 402, 'insufficient_credits'],
    ];
    for (const [fields, status, code] of cases) {
      const answer = await socket.request('message.send', fields);
      expect(answer, JSON.stringify(fields).slice(0, 100)).toMatchObject({ type: 'error', status });
      if (code) expect(answer.code).toBe(code);
    }
    for (const fields of [
      {},
      { conversations: {} },
      { conversations: { 'not-a-uuid': 1 } },
      { conversations: { [conversationId]: -1 } },
      { conversations: { [conversationId]: 'x' } },
      { conversations: Object.fromEntries(Array.from({ length: 101 }, () => [randomUUID(), 0])) },
    ]) {
      expect(await socket.request('resume', fields)).toMatchObject({ type: 'error', status: 400 });
    }
    expect(await messageCount(t, conversationId)).toBe(0);
    expect(messagesReceived(socket, conversationId)).toEqual([]);
  });
});

describe('resume', () => {
  it('replays what a dropped socket missed, in order, then replies recovered: true', async () => {
    const { fan, creator, conversationId } = await pair(t);
    const first = await connect(url, fan);
    await sendRest(t, creator, conversationId, { clientMessageId: 'm1', body: 'one' });
    await first.next((f) => f.type === 'message.new' && f.seq === 1);
    first.socket.terminate();
    await first.closed;
    for (let n = 2; n <= 4; n++) {
      await sendRest(t, creator, conversationId, { clientMessageId: `m${n}`, body: `msg ${n}` });
    }
    const second = await connect(url, fan);
    const reply = await second.request('resume', { conversations: { [conversationId]: 1 } });
    expect(reply).toMatchObject({
      type: 'reply',
      data: { conversations: { [conversationId]: { recovered: true, lastSeq: 4, replayed: 3 } } },
    });
    const replayed = messagesReceived(second, conversationId);
    expect(replayed.map((f) => f.seq)).toEqual([2, 3, 4]);
    expect(replayed.map((f) => (f.message as { body: string }).body)).toEqual(['msg 2', 'msg 3', 'msg 4']);
    // The events came before the reply.
    expect(second.frames.indexOf(replayed[2] as (typeof second.frames)[number])).toBeLessThan(
      second.frames.indexOf(reply),
    );
    // Live delivery continues from there without a duplicate.
    await sendRest(t, creator, conversationId, { clientMessageId: 'm5', body: 'five' });
    await second.next((f) => f.type === 'message.new' && f.seq === 5);
    expect(messagesReceived(second, conversationId).map((f) => f.seq)).toEqual([2, 3, 4, 5]);
  });

  it(`answers recovered: false past the window (${RESUME_WINDOW}) and for a conversation not the user's`, async () => {
    const { fan, creator, conversationId } = await pair(t);
    const other = await pair(t);
    for (let n = 1; n <= RESUME_WINDOW + 2; n++) {
      await sendRest(t, creator, conversationId, { clientMessageId: `w${n}`, body: `w${n}` });
    }
    const socket = await connect(url, fan);
    const reply = await socket.request('resume', {
      conversations: { [conversationId]: 1, [other.conversationId]: 0 },
    });
    expect(reply.data).toEqual({
      conversations: {
        [conversationId]: { recovered: false, lastSeq: RESUME_WINDOW + 2, reason: 'window_exceeded' },
        [other.conversationId]: { recovered: false, reason: 'conversation_not_found' },
      },
    });
    expect(messagesReceived(socket, conversationId)).toEqual([]);
    // Exactly the window is still recovered.
    const again = await socket.request('resume', { conversations: { [conversationId]: 2 } });
    expect(again.data).toMatchObject({
      conversations: { [conversationId]: { recovered: true, replayed: RESUME_WINDOW } },
    });
  });
});
