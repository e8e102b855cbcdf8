// A paid message is charged once however often the client retries it (issue 16, "Must show"):
// fast-check draws a list of sends with duplicate client ids, each over REST or over one of two
// WebSockets of the sender, and fires them all at once. Afterwards the sender paid exactly
// price × distinct ids, the creator earned the price less the fee for each, the conversation holds
// one message per distinct id with seqs 1..n, and every answer for one id is the same message.
// MESSAGING_SEED=<seed> reproduces a run, MESSAGING_RUNS=<n> changes how many.

import type { RealtimeTestClient } from '@app/platform/testing';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  balanceOf,
  buildMessagingTestApp,
  connect,
  grant,
  listen,
  openConversation,
  sendRest,
  setPrice,
  terminateClients,
} from './support.js';

const RUNS = Number(process.env.MESSAGING_RUNS ?? 12);
const SEED = Number(process.env.MESSAGING_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PRICE = 30;
/** messageFeeBps 2000 (support.ts): the creator keeps 80 %. */
const EARNED = 24;

let t: PairlyTestApp;
let url: string;
let finance: TestUser;

beforeAll(async () => {
  t = await buildMessagingTestApp();
  url = await listen(t);
  finance = await signUp(t, 'finance');
});
afterEach(() => terminateClients());
afterAll(() => t?.close());

type Channel = 'rest' | 'ws0' | 'ws1';
const Send = fc.record({
  id: fc.integer({ min: 0, max: 5 }),
  via: fc.constantFrom<Channel>('rest', 'ws0', 'ws1'),
});

async function sendVia(
  via: Channel,
  sockets: RealtimeTestClient[],
  fan: TestUser,
  conversationId: string,
  clientMessageId: string,
): Promise<{ id: string; seq: number }> {
  const body = `paid ${clientMessageId}`;
  if (via === 'rest') {
    const response = await sendRest(t, fan, conversationId, { clientMessageId, body });
    expect([200, 201], response.body).toContain(response.statusCode);
    return response.json();
  }
  const socket = sockets[via === 'ws0' ? 0 : 1] as RealtimeTestClient;
  const answer = await socket.request('message.send', { conversationId, clientMessageId, body }, 15_000);
  expect(answer.type, JSON.stringify(answer)).toBe('reply');
  return (answer.data as { message: { id: string; seq: number } }).message;
}

it('charges each distinct client id exactly once under concurrent retries over REST and WebSocket', async () => {
  console.log(`messaging paid retries: seed ${SEED}, ${RUNS} runs`);
  await fc.assert(
    fc.asyncProperty(fc.array(Send, { minLength: 1, maxLength: 14 }), async (sends) => {
      const [fan, creator] = await Promise.all([signUp(t, 'fan'), signUp(t, 'creator')]);
      await setPrice(t, creator, PRICE);
      const conversationId = await openConversation(t, fan, creator);
      await grant(t, finance, fan, 1_000);
      const sockets = await Promise.all([connect(url, fan), connect(url, fan)]);
      const prefix = crypto.randomUUID();
      const results = await Promise.all(
        sends.map((send) => sendVia(send.via, sockets, fan, conversationId, `${prefix}-${send.id}`)),
      );

      const distinct = new Set(sends.map((send) => send.id));
      expect(await balanceOf(t, fan)).toMatchObject({ spendable: 1_000 - PRICE * distinct.size });
      expect(await balanceOf(t, creator)).toMatchObject({ earnings: EARNED * distinct.size });
      const { rows } = await t.db.executeSql(
        'select client_message_id, seq from messages where conversation_id = $1 order by seq',
        [conversationId],
      );
      expect(rows.map((row) => Number((row as { seq: number }).seq))).toEqual(
        Array.from({ length: distinct.size }, (_, n) => n + 1),
      );
      // Every answer for one client id is the same stored message.
      const byId = new Map<number, string>();
      sends.forEach((send, n) => {
        const messageId = (results[n] as { id: string }).id;
        expect(byId.get(send.id) ?? messageId).toBe(messageId);
        byId.set(send.id, messageId);
      });
      terminateClients();
    }),
    { numRuns: RUNS, seed: SEED },
  );
}, 180_000);
