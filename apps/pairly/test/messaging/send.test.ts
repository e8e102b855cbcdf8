// Sending over REST: free when the recipient's price is 0; a paid message charged once (the price
// less the fee to the creator's earnings) and replayed on retry with 200 + Idempotent-Replayed; the
// Idempotency-Key header as the client id; insufficient credits (or a frozen account) storing
// nothing, so the same client id goes through after a top-up; reuse of a client id elsewhere (409);
// blocks and restrictions; every kind of bad input; and the settings routes the price comes from.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyed, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  balanceOf,
  buildMessagingTestApp,
  expectProblem,
  grant,
  messageCount,
  openConversation,
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

describe('sending', () => {
  it('is free when the price is 0, in both directions, with seqs 1, 2, ...', async () => {
    const { fan, creator, conversationId } = await pair(t, 0);
    const first = await sendRest(t, fan, conversationId, { clientMessageId: 'c-1', body: '  hello  ' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ seq: 1, senderId: fan.id, body: 'hello', price: 0, unsentAt: null });
    const reply = await sendRest(t, creator, conversationId, { clientMessageId: 'c-1', body: 'hi!' });
    expect(reply.json()).toMatchObject({ seq: 2, senderId: creator.id, price: 0 });
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 0 });
  });

  it("charges the recipient's price once; a retry replays the stored message with 200", async () => {
    const { fan, creator, conversationId } = await pair(t, 100);
    await grant(t, finance, fan, 250);
    const payload = { clientMessageId: randomUUID(), body: 'paid hello' };
    const first = await sendRest(t, fan, conversationId, payload);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(first.json()).toMatchObject({ seq: 1, price: 100 });
    const retry = await sendRest(t, fan, conversationId, payload);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 150 });
    // 20 % fee (messageFeeBps 2000) to the platform, the rest to the creator's earnings.
    expect(await balanceOf(t, creator)).toMatchObject({ earnings: 80, spendable: 0 });
    // The creator writing back pays the fan's price: 0.
    const back = await sendRest(t, creator, conversationId, {
      clientMessageId: randomUUID(),
      body: 'thanks',
    });
    expect(back.json()).toMatchObject({ seq: 2, price: 0 });
    expect(await messageCount(t, conversationId)).toBe(2);
  });

  it('takes the Idempotency-Key header as the client id when the body has none', async () => {
    const { fan, conversationId } = await pair(t, 10);
    await grant(t, finance, fan, 100);
    const key = randomUUID();
    const first = await sendRest(t, fan, conversationId, { body: 'keyed' }, { 'idempotency-key': key });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().clientMessageId).toBe(key);
    const retry = await sendRest(t, fan, conversationId, { body: 'keyed' }, { 'idempotency-key': key });
    expect(retry.statusCode).toBe(200);
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 90 });
    expectProblem(
      await sendRest(t, fan, conversationId, { body: 'no id' }),
      400,
      'client_message_id_required',
    );
  });

  it('stores nothing on insufficient credits; the same client id succeeds after a top-up', async () => {
    const { fan, creator, conversationId } = await pair(t, 100);
    await grant(t, finance, fan, 60);
    const payload = { clientMessageId: randomUUID(), body: 'can I afford this?' };
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await sendRest(t, fan, conversationId, payload);
      expectProblem(refused, 402, 'insufficient_credits');
      expect(refused.headers['idempotent-replayed']).toBeUndefined();
    }
    expect(await messageCount(t, conversationId)).toBe(0);
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 60 });
    await grant(t, finance, fan, 40);
    const sent = await sendRest(t, fan, conversationId, payload);
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toMatchObject({ seq: 1, price: 100 });
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 0 });
    expect(await balanceOf(t, creator)).toMatchObject({ earnings: 80 });
  });

  it('refuses a frozen account with 423 and keeps nothing; after unfreezing the same id goes through', async () => {
    const { fan, conversationId } = await pair(t, 5);
    await grant(t, finance, fan, 50);
    const freeze = (frozen: boolean) =>
      keyed(t, finance, {
        method: 'PUT',
        url: `/admin/credits/users/${fan.id}/frozen`,
        payload: { frozen, reason: 'test' },
      });
    expect((await freeze(true)).statusCode).toBe(200);
    const payload = { clientMessageId: randomUUID(), body: 'frozen?' };
    expectProblem(await sendRest(t, fan, conversationId, payload), 423, 'account_frozen');
    expect(await messageCount(t, conversationId)).toBe(0);
    expect((await freeze(false)).statusCode).toBe(200);
    expect((await sendRest(t, fan, conversationId, payload)).statusCode).toBe(201);
  });

  it('refuses a client id already used for another body or another conversation (409)', async () => {
    const { fan, creator, conversationId } = await pair(t, 0);
    const otherCreator = await signUp(t, 'creator');
    const otherConversation = await openConversation(t, fan, otherCreator);
    const clientMessageId = randomUUID();
    expect((await sendRest(t, fan, conversationId, { clientMessageId, body: 'one' })).statusCode).toBe(201);
    expectProblem(
      await sendRest(t, fan, conversationId, { clientMessageId, body: 'two' }),
      409,
      'client_message_id_reused',
    );
    expectProblem(
      await sendRest(t, fan, otherConversation, { clientMessageId, body: 'one' }),
      409,
      'client_message_id_reused',
    );
    // Client ids are per sender: the creator may use the same one.
    expect((await sendRest(t, creator, conversationId, { clientMessageId, body: 'one' })).statusCode).toBe(
      201,
    );
  });

  it('refuses while either blocked the other, or while the sender is restricted', async () => {
    const { fan, creator, conversationId } = await pair(t, 0);
    const payload = () => ({ clientMessageId: randomUUID(), body: 'hi' });
    const block = await t.app.inject({
      method: 'POST',
      url: '/blocks',
      headers: creator.headers,
      payload: { userId: fan.id },
    });
    expect(block.statusCode, block.body).toBe(201);
    expectProblem(await sendRest(t, fan, conversationId, payload()), 403, 'recipient_unavailable');
    expectProblem(await sendRest(t, creator, conversationId, payload()), 403, 'user_blocked');
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/conversations',
        headers: fan.headers,
        payload: { userId: creator.id },
      }),
      403,
      'recipient_unavailable',
    );
    const restricted = await pair(t, 0);
    await t.db.executeSql(
      'insert into messaging_restrictions (user_id, reason, created_at) values ($1, $2, now())',
      [restricted.fan.id, 'test'],
    );
    expectProblem(
      await sendRest(t, restricted.fan, restricted.conversationId, payload()),
      403,
      'messaging_restricted',
    );
    expect(await messageCount(t, conversationId)).toBe(0);
  });
});

describe('bad input', () => {
  it('answers 400 naming the field, and stores nothing', async () => {
    const { fan, conversationId } = await pair(t, 0);
    const cases: Array<[Record<string, unknown>, string?]> = [
      [{ clientMessageId: 'x', body: '' }],
      [{ clientMessageId: 'x', body: '   \n\t ' }, 'invalid_message_body'],
      // The platform refuses NUL in any JSON body (frames reach the service's own check).
      [{ clientMessageId: 'x', body: 'a\u0000b' }, 'body_nul_character'],
      [{ clientMessageId: 'x', body: 'a'.repeat(4001) }, 'invalid_message_body'],
      [{ clientMessageId: 'x', body: 'a'.repeat(8001) }],
      [{ clientMessageId: '', body: 'hi' }],
      [{ clientMessageId: 'has space', body: 'hi' }],
      [{ clientMessageId: 'x'.repeat(256), body: 'hi' }],
      [{ clientMessageId: 'x', body: 42 }],
      [{ clientMessageId: 'x' }],
      [{ clientMessageId: 'x', body: 'hi', extra: true }],
    ];
    for (const [payload, code] of cases) {
      expectProblem(await sendRest(t, fan, conversationId, payload), 400, code);
    }
    expectProblem(await sendRest(t, fan, 'not-a-uuid', { clientMessageId: 'x', body: 'hi' }), 400);
    expectProblem(
      await sendRest(t, fan, conversationId, { body: 'hi' }, { 'idempotency-key': 'bad key' }),
      400,
    );
    // 4000 characters (emoji count as one each) is the most.
    const longest = await sendRest(t, fan, conversationId, { clientMessageId: 'y', body: '😀'.repeat(4000) });
    expect(longest.statusCode, longest.body).toBe(201);
    expect(await messageCount(t, conversationId)).toBe(1);
  });
});

describe('settings', () => {
  it('reads the defaults and lets a creator set a price and anyone their read receipts', async () => {
    const [fan, creator] = await Promise.all([signUp(t, 'fan'), signUp(t, 'creator')]);
    const get = (user: TestUser) =>
      t.app.inject({ method: 'GET', url: '/messaging/settings', headers: user.headers });
    const put = (user: TestUser, payload: unknown) =>
      t.app.inject({
        method: 'PUT',
        url: '/messaging/settings',
        headers: user.headers,
        payload: payload as object,
      });
    expect((await get(fan)).json()).toEqual({ messagePrice: 0, readReceipts: true });
    expect((await put(creator, { messagePrice: 30 })).json()).toEqual({
      messagePrice: 30,
      readReceipts: true,
    });
    expect((await put(creator, { readReceipts: false })).json()).toEqual({
      messagePrice: 30,
      readReceipts: false,
    });
    expect((await get(creator)).json()).toEqual({ messagePrice: 30, readReceipts: false });
    expect((await put(fan, { readReceipts: false })).json()).toEqual({
      messagePrice: 0,
      readReceipts: false,
    });
    expectProblem(await put(fan, { messagePrice: 10 }), 403, 'message_price_creators_only');
    for (const payload of [
      {},
      { messagePrice: -1 },
      { messagePrice: 1.5 },
      { messagePrice: 1_000_000_001 },
      { readReceipts: 'yes' },
      { other: 1 },
    ]) {
      expectProblem(await put(creator, payload), 400);
    }
    expectProblem(await get({ ...fan, headers: {} }), 401);
    expectProblem(await get(finance), 403, 'permission_denied');
  });

  it('charges the price in force when the message is sent', async () => {
    const { fan, creator, conversationId } = await pair(t, 10);
    await grant(t, finance, fan, 100);
    await sendRest(t, fan, conversationId, { clientMessageId: randomUUID(), body: 'at 10' });
    await setPrice(t, creator, 25);
    const second = await sendRest(t, fan, conversationId, { clientMessageId: randomUUID(), body: 'at 25' });
    expect(second.json()).toMatchObject({ price: 25 });
    await setPrice(t, creator, 0);
    const third = await sendRest(t, fan, conversationId, { clientMessageId: randomUUID(), body: 'free' });
    expect(third.json()).toMatchObject({ price: 0 });
    expect(await balanceOf(t, fan)).toMatchObject({ spendable: 65 });
  });
});
