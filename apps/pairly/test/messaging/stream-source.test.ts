// The `conv:` StreamSource the gateway replays from when pub/sub cannot be trusted. End to end: a
// message stored but never published (as when the publish is lost) is repaired from the database
// once the next message reveals the gap, so the socket gets seqs 1, 2, 3 in order. Directly: a
// resync after a lost subscription returns what the socket missed on the streams it had seen and on
// conversations that moved since it opened, oldest first, and nothing of other users' streams.
import { randomUUID } from 'node:crypto';
import type { OutgoingEvent, RealtimeConnection } from '@app/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pairlyDb } from '../../src/db.js';
import { createConversations } from '../../src/modules/messaging/conversations.js';
import { createHistory } from '../../src/modules/messaging/history.js';
import { DEFAULT_MESSAGING_OPTIONS } from '../../src/modules/messaging/options.js';
import type { Safety } from '../../src/modules/safety/service.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  buildMessagingTestApp,
  connect,
  listen,
  messagesReceived,
  openConversation,
  sendRest,
  terminateClients,
} from './support.js';

let t: PairlyTestApp;
let url: string;

beforeAll(async () => {
  t = await buildMessagingTestApp();
  url = await listen(t);
});
afterEach(() => terminateClients());
afterAll(() => t?.close());

/** Stores a free message the way the service does, without publishing it (a lost publish). */
async function storeUnpublished(conversationId: string, sender: TestUser, body: string): Promise<void> {
  await t.db.executeSql('select messaging_send($1, $2, $3, $4, $5, 0, null, $6)', [
    randomUUID(),
    conversationId,
    sender.id,
    randomUUID(),
    body,
    t.clock.now(),
  ]);
}

const send = (sender: TestUser, conversationId: string, body: string) =>
  sendRest(t, sender, conversationId, { clientMessageId: randomUUID(), body });

describe('conv: stream source', () => {
  it('repairs a gap from the database, so the socket gets every seq in order', async () => {
    const [fan, creator] = await Promise.all([signUp(t, 'fan'), signUp(t, 'creator')]);
    const conversationId = await openConversation(t, fan, creator);
    const socket = await connect(url, fan);
    await send(creator, conversationId, 'one');
    await socket.next((frame) => frame.type === 'message.new' && frame.seq === 1);
    await storeUnpublished(conversationId, creator, 'two (never published)');
    await send(creator, conversationId, 'three');
    await socket.next((frame) => frame.type === 'message.new' && frame.seq === 3);
    const received = messagesReceived(socket, conversationId);
    expect(received.map((frame) => frame.seq)).toEqual([1, 2, 3]);
    expect(received[1]).toMatchObject({ message: { body: 'two (never published)' } });
  });

  it('resyncs the seen streams and the conversations that moved since the socket opened', async () => {
    const history = createHistory(
      pairlyDb(t.db),
      // Participation lookups only: the safety rules are not consulted here.
      createConversations(pairlyDb(t.db), t.clock, {} as Safety),
      DEFAULT_MESSAGING_OPTIONS,
    );
    const [fan, creatorA, creatorB, stranger, strangerPeer] = await Promise.all([
      signUp(t, 'fan'),
      signUp(t, 'creator'),
      signUp(t, 'creator'),
      signUp(t, 'creator'),
      signUp(t, 'fan'),
    ]);
    const seenConversation = await openConversation(t, fan, creatorA);
    const movedConversation = await openConversation(t, fan, creatorB);
    const strangers = await openConversation(t, stranger, strangerPeer);
    await send(creatorA, seenConversation, 'a1');
    await send(creatorB, movedConversation, 'b1 (before the socket opened)');
    await send(stranger, strangers, 'not for the fan');
    t.clock.advance(1_000);
    const openedAt = t.clock.now();
    t.clock.advance(1_000);
    await send(creatorA, seenConversation, 'a2');
    await send(creatorB, movedConversation, 'b2');
    await send(creatorA, seenConversation, 'a3');

    const sent: OutgoingEvent[] = [];
    const connection: RealtimeConnection = {
      id: 'test-connection',
      userId: fan.id,
      role: 'fan',
      sessionId: randomUUID(),
      openedAt,
      closing: false,
      send: (event) => sent.push(event),
      lastSeq: () => undefined,
      markSeen: () => {},
      close: () => {},
      data: new Map(),
    };
    const events = await history.streamSource.resync(
      connection,
      new Map([
        [`conv:${seenConversation}`, 1],
        [`conv:${strangers}`, 0],
        ['unsent:whatever', 3],
      ]),
    );
    const summary = events.map((event) => [event.stream?.id, event.stream?.seq]);
    expect(summary).toEqual([
      [`conv:${seenConversation}`, 2],
      [`conv:${seenConversation}`, 3],
      [`conv:${movedConversation}`, 2],
    ]);
    expect(await history.streamSource.after(connection, `conv:${strangers}`, 0, 10)).toEqual([]);
    expect(await history.streamSource.after(connection, 'conv:not-a-uuid', 0, 10)).toEqual([]);
    expect(sent).toEqual([]);
  });
});
