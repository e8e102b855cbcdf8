// Messaging across two instances of one deployment (shared database and key-value store: Redis with
// REDIS_URL, the in-process store otherwise): a message sent on one instance reaches the
// recipient's socket on the other live, in order; and a client that loses its socket on one
// instance and reconnects to the other resumes there with `recovered: true`.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type PairlyTestApp, signUp } from '../support/pairly-client.js';
import {
  buildMessagingTestApp,
  connect,
  listen,
  messagesReceived,
  openConversation,
  sendRest,
  terminateClients,
} from './support.js';

let first: PairlyTestApp;
let second: PairlyTestApp;
let firstUrl: string;
let secondUrl: string;

beforeAll(async () => {
  first = await buildMessagingTestApp();
  second = await buildMessagingTestApp({}, { peerOf: first });
  [firstUrl, secondUrl] = await Promise.all([listen(first), listen(second)]);
});
afterEach(() => terminateClients());
afterAll(async () => {
  await second?.close();
  await first?.close();
});

it('delivers a message sent on one instance live to a socket on the other, in order', async () => {
  const [fan, creator] = await Promise.all([signUp(first, 'fan'), signUp(first, 'creator')]);
  const conversationId = await openConversation(first, fan, creator);
  const [fanOnSecond, creatorOnFirst] = await Promise.all([
    connect(secondUrl, fan),
    connect(firstUrl, creator),
  ]);
  for (let n = 1; n <= 3; n++) {
    const reply = await creatorOnFirst.request('message.send', {
      conversationId,
      clientMessageId: randomUUID(),
      body: `live ${n}`,
    });
    expect(reply.type, JSON.stringify(reply)).toBe('reply');
  }
  // And one over REST on the second instance, which the creator's socket on the first gets.
  expect(
    (await sendRest(second, fan, conversationId, { clientMessageId: 'back', body: 'back' })).statusCode,
  ).toBe(201);
  await fanOnSecond.next((frame) => frame.type === 'message.new' && frame.seq === 4);
  await creatorOnFirst.next((frame) => frame.type === 'message.new' && frame.seq === 4);
  expect(messagesReceived(fanOnSecond, conversationId).map((frame) => frame.seq)).toEqual([1, 2, 3, 4]);
  expect(messagesReceived(creatorOnFirst, conversationId).map((frame) => frame.seq)).toEqual([1, 2, 3, 4]);
});

it('resumes on the other instance after the socket on the first is lost', async () => {
  const [fan, creator] = await Promise.all([signUp(first, 'fan'), signUp(first, 'creator')]);
  const conversationId = await openConversation(first, fan, creator);
  const lost = await connect(firstUrl, fan);
  await sendRest(first, creator, conversationId, { clientMessageId: 'm1', body: 'one' });
  await lost.next((frame) => frame.type === 'message.new' && frame.seq === 1);
  lost.socket.terminate();
  await lost.closed;
  await sendRest(first, creator, conversationId, { clientMessageId: 'm2', body: 'two' });
  await sendRest(second, creator, conversationId, { clientMessageId: 'm3', body: 'three' });
  const moved = await connect(secondUrl, fan);
  const reply = await moved.request('resume', { conversations: { [conversationId]: 1 } });
  expect(reply.data).toEqual({
    conversations: { [conversationId]: { recovered: true, lastSeq: 3, replayed: 2 } },
  });
  expect(messagesReceived(moved, conversationId).map((frame) => frame.seq)).toEqual([2, 3]);
});
