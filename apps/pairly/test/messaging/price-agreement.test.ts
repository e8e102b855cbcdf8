// The payer agrees to the price: a conversation shows what a message costs now (`messagePrice`),
// and a send carrying `expectedPrice` is refused with 409 `message_price_changed` (nothing stored,
// nothing charged) when the creator changed the price since, over REST and over the WebSocket; a
// retry of a message already stored is still its replay, whatever the price has become.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  balanceOf,
  buildMessagingTestApp,
  connect,
  expectProblem,
  grant,
  listen,
  messageCount,
  pair,
  sendRest,
  setPrice,
  terminateClients,
} from './support.js';

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

async function pricedPair(price: number) {
  const people = await pair(t, price);
  await grant(t, finance, people.fan, 10_000);
  return people;
}

describe('the price a sender agreed to', () => {
  it('refuses a raised price over REST, charges the agreed one, and still replays a stored message', async () => {
    const { fan, creator, conversationId } = await pricedPair(10);
    const first = { clientMessageId: randomUUID(), body: 'at ten', expectedPrice: 10 };
    expect((await sendRest(t, fan, conversationId, first)).statusCode).toBe(201);
    await setPrice(t, creator, 9_000);

    const refused = await sendRest(t, fan, conversationId, {
      clientMessageId: randomUUID(),
      body: 'still at ten?',
      expectedPrice: 10,
    });
    expectProblem(refused, 409, 'message_price_changed');
    expect(refused.json().detail).toContain('9000');
    expect(await messageCount(t, conversationId)).toBe(1);
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 9_990 });

    // The stored message's retry is its replay: 200, nothing charged, not a 409.
    const replay = await sendRest(t, fan, conversationId, first);
    expect(replay.statusCode, replay.body).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');

    const agreed = await sendRest(t, fan, conversationId, {
      clientMessageId: randomUUID(),
      body: 'fine, nine thousand',
      expectedPrice: 9_000,
    });
    expect(agreed.statusCode, agreed.body).toBe(201);
    expect(agreed.json()).toMatchObject({ price: 9_000 });
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 990 });
  });

  it('refuses a changed price over the WebSocket with an error frame and no message', async () => {
    const { fan, creator, conversationId } = await pricedPair(10);
    const socket = await connect(url, fan);
    await setPrice(t, creator, 11);
    const reply = await socket.request('message.send', {
      conversationId,
      clientMessageId: randomUUID(),
      body: 'hello',
      expectedPrice: 10,
    });
    expect(reply).toMatchObject({ type: 'error', code: 'message_price_changed', status: 409 });
    expect(await messageCount(t, conversationId)).toBe(0);
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 10_000 });
  });

  it('refuses a bad expectedPrice with a 400', async () => {
    const { fan, conversationId } = await pricedPair(10);
    for (const expectedPrice of [-1, 1.5, '10']) {
      const response = await sendRest(t, fan, conversationId, {
        clientMessageId: randomUUID(),
        body: 'x',
        expectedPrice,
      });
      expectProblem(response, 400, undefined, '/body/expectedPrice');
    }
    expect(await messageCount(t, conversationId)).toBe(0);
  });
});
