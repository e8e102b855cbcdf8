// Typing indicators across a block made while someone is typing (the security review of issue 16,
// L2): a block stored on this instance ends the indicators between the two at once, silently (the
// typist's next renewal is refused, the blocker is never told `active: false`); a block stored
// elsewhere (no notice reaches this instance) is caught when the indicator stops, which then tells
// nobody, and by the renewals, which check the refusals again at most once per TTL.
import type { Frame, RealtimeTestClient } from '@app/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBlocks } from '../../src/modules/safety/blocks.js';
import { safetyDb } from '../../src/modules/safety/tables.js';
import { openConversation, sendRest } from '../messaging/support.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { buildInteractionsTestApp, connect, listen, pair, terminateClients } from './support.js';

const TYPING_TTL_MS = 1_000;

let t: PairlyTestApp;
let url: string;

beforeAll(async () => {
  t = await buildInteractionsTestApp({ typingTtlMs: TYPING_TTL_MS });
  url = await listen(t);
});
afterEach(() => terminateClients());
afterAll(() => t?.close());

const typingFrom = (userId: string) => (frame: Frame) => frame.type === 'typing' && frame.userId === userId;

interface Typists {
  fan: TestUser;
  creator: TestUser;
  conversationId: string;
  fanSocket: RealtimeTestClient;
  creatorSocket: RealtimeTestClient;
}

/** A fan typing to a creator, the creator told `active: true`. */
async function typing(): Promise<Typists> {
  const cast = await pair(t);
  const [fanSocket, creatorSocket] = await Promise.all([connect(url, cast.fan), connect(url, cast.creator)]);
  const started = await fanSocket.request('typing', { conversationId: cast.conversationId, active: true });
  expect(started.type, JSON.stringify(started)).toBe('reply');
  await creatorSocket.next(typingFrom(cast.fan.id));
  return { ...cast, fanSocket, creatorSocket };
}

/**
 * Another user writes to the creator and waits until the creator's socket has it: every event
 * published to the creator before is in.
 */
async function sentinel(creator: TestUser, creatorSocket: RealtimeTestClient): Promise<void> {
  const other = await signUp(t, 'fan');
  const response = await sendRest(t, other, await openConversation(t, other, creator), {
    clientMessageId: crypto.randomUUID(),
    body: 'sentinel',
  });
  expect(response.statusCode, response.body).toBe(201);
  const { id } = response.json();
  await creatorSocket.next(
    (frame) => frame.type === 'message.new' && (frame.message as { id: string }).id === id,
  );
}

const toldTyping = (client: RealtimeTestClient, userId: string) =>
  client.frames.filter(typingFrom(userId)).map((frame) => frame.active);

describe('typing across a new block', () => {
  it('ends silently when the block is stored here: the renewal is refused, the blocker told nothing', async () => {
    const { fan, creator, conversationId, fanSocket, creatorSocket } = await typing();
    const blocked = await t.app.inject({
      method: 'POST',
      url: '/blocks',
      headers: creator.headers,
      payload: { userId: fan.id },
    });
    expect(blocked.statusCode, blocked.body).toBe(201);

    expect(await fanSocket.request('typing', { conversationId, active: true })).toMatchObject({
      type: 'error',
      code: 'recipient_unavailable',
      status: 403,
    });
    const stopped = await fanSocket.request('typing', { conversationId, active: false });
    expect(stopped.type).toBe('reply');
    await sentinel(creator, creatorSocket);
    expect(toldTyping(creatorSocket, fan.id)).toEqual([true]);
  });

  it('tells no stop across a block stored elsewhere, and refuses renewals once the TTL passed', async () => {
    const { fan, creator, conversationId, fanSocket, creatorSocket } = await typing();
    // A block stored by another instance: nothing tells this one.
    await createBlocks(safetyDb(t.db), t.clock).block(creator.id, fan.id);

    // Renewals keep the indicator alive until the refusals are checked again (at most one TTL).
    await vi.waitFor(
      async () => {
        expect(await fanSocket.request('typing', { conversationId, active: true })).toMatchObject({
          type: 'error',
          code: 'recipient_unavailable',
        });
      },
      { timeout: 5 * TYPING_TTL_MS, interval: TYPING_TTL_MS / 4 },
    );
    await sentinel(creator, creatorSocket);
    expect(toldTyping(creatorSocket, fan.id)).toEqual([true]);
  });

  it('tells no stop when the typist says so after a block stored elsewhere', async () => {
    const { fan, creator, conversationId, fanSocket, creatorSocket } = await typing();
    await createBlocks(safetyDb(t.db), t.clock).block(fan.id, creator.id);

    const stopped = await fanSocket.request('typing', { conversationId, active: false });
    expect(stopped.type).toBe('reply');
    await sentinel(creator, creatorSocket);
    expect(toldTyping(creatorSocket, fan.id)).toEqual([true]);
  });
});
