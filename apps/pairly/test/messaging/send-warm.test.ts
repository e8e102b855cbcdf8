// The sender keeps a conversation's participants and the recipient's price in memory once read
// (recipients.ts), so a send is one database statement. These tests send first, so that everything
// kept is warm, and then check that nothing kept outlives what it stands for: a block either way
// or a restriction refuses the very next send (and lifting it lets the next one through), a
// stranger still meets 404, and a price change is charged at once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  balanceOf,
  buildMessagingTestApp,
  expectProblem,
  grant,
  messageCount,
  pair,
  sendRest,
  setPrice,
} from './support.js';

let t: PairlyTestApp;
let finance: TestUser;

beforeAll(async () => {
  t = await buildMessagingTestApp();
  finance = await signUp(t, 'finance');
});
afterAll(() => t?.close());

/** A fan and a creator charging `price` who have already exchanged one message each way. */
async function warmPair(price: number) {
  const { fan, creator, conversationId } = await pair(t, price);
  await grant(t, finance, fan, 1_000);
  const send = (user: TestUser) =>
    sendRest(t, user, conversationId, { clientMessageId: randomUUID(), body: 'hi' });
  expect((await send(fan)).statusCode).toBe(201);
  expect((await send(creator)).statusCode).toBe(201);
  return { fan, creator, conversationId, send };
}

const blockRoute = (blocker: TestUser, method: 'POST' | 'DELETE', blockedId: string) =>
  t.app.inject({
    method,
    url: method === 'POST' ? '/blocks' : `/blocks/${blockedId}`,
    headers: blocker.headers,
    ...(method === 'POST' && { payload: { userId: blockedId } }),
  });

describe('after earlier sends', () => {
  it('refuses the next send as soon as either blocks the other, and sends again once unblocked', async () => {
    const { fan, creator, conversationId, send } = await warmPair(10);
    expect((await blockRoute(fan, 'POST', creator.id)).statusCode).toBe(201);
    expectProblem(await send(fan), 403, 'user_blocked');
    expectProblem(await send(creator), 403, 'recipient_unavailable');
    expect((await blockRoute(fan, 'DELETE', creator.id)).statusCode).toBe(204);
    expect((await send(fan)).statusCode).toBe(201);
    expect(await messageCount(t, conversationId)).toBe(3);
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 980 });
  });

  it('refuses the next send of a restricted sender, and sends again once the restriction is lifted', async () => {
    const { fan, conversationId, send } = await warmPair(0);
    await t.db.executeSql(
      'insert into messaging_restrictions (user_id, reason, created_at) values ($1, $2, now())',
      [fan.id, 'test'],
    );
    expectProblem(await send(fan), 403, 'messaging_restricted');
    await t.db.executeSql(
      'update messaging_restrictions set lifted_at = now(), lifted_by = user_id where user_id = $1',
      [fan.id],
    );
    expect((await send(fan)).statusCode).toBe(201);
    expect(await messageCount(t, conversationId)).toBe(3);
  });

  it('still answers a stranger 404, and charges a changed price on the next send', async () => {
    const { fan, creator, conversationId, send } = await warmPair(10);
    const stranger = await signUp(t, 'fan');
    expectProblem(
      await sendRest(t, stranger, conversationId, { clientMessageId: randomUUID(), body: 'hi' }),
      404,
      'conversation_not_found',
    );
    await setPrice(t, creator, 40);
    expect((await send(fan)).json()).toMatchObject({ seq: 3, price: 40 });
    await setPrice(t, creator, 0);
    expect((await send(fan)).json()).toMatchObject({ seq: 4, price: 0 });
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 950 });
  });
});
