// Free messages for subscribers: when a creator says their subscribers write for free
// (subscriber_messages_free), a fan with subscriber access pays nothing per message, a fan without
// it pays the creator's price, and a fan whose subscription lapsed pays again; the price a client
// agreed to (expectedPrice) is checked against the sender's own price.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSubscriptionTestApp,
  makeProfile,
  moveTo,
  runRenewals,
  subscribed,
} from '../subscriptions/support.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { balanceOf, expectProblem, grant, openConversation, sendRest, setPrice } from './support.js';

let t: PairlyTestApp;
let finance: TestUser;

beforeAll(async () => {
  t = await buildSubscriptionTestApp({ graceDays: 1 });
  t.clock.set('2026-01-10T00:00:00.000Z');
  finance = await signUp(t, 'finance');
});
afterAll(() => t?.close());

const message = (expectedPrice?: number) => ({
  clientMessageId: randomUUID(),
  body: 'hello',
  ...(expectedPrice !== undefined && { expectedPrice }),
});

describe('messages to a creator whose subscribers write for free', () => {
  it('cost a subscriber nothing, a non-subscriber the price, and the subscriber again after a lapse', async () => {
    const [creator, subscriber, stranger] = await Promise.all([
      signUp(t, 'creator'),
      signUp(t, 'fan'),
      signUp(t, 'fan'),
    ]);
    await makeProfile(t, creator, 100, true);
    await setPrice(t, creator, 10);
    await grant(t, finance, subscriber, 100);
    await grant(t, finance, stranger, 100);
    await subscribed(t, subscriber, creator.id);
    const subscriberChat = await openConversation(t, subscriber, creator);
    const strangerChat = await openConversation(t, stranger, creator);

    // The conversation tells each sender what they pay: nothing for the subscriber, the price for the stranger.
    const priceShown = async (user: TestUser, conversationId: string) => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/conversations/${conversationId}`,
        headers: user.headers,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().messagePrice;
    };
    expect(await priceShown(subscriber, subscriberChat)).toBe(0);
    expect(await priceShown(stranger, strangerChat)).toBe(10);
    const free = await sendRest(t, subscriber, subscriberChat, message(0));
    expect(free.statusCode, free.body).toBe(201);
    expect(free.json().price).toBe(0);
    // The creator's list price is not what this sender pays now: the agreement refuses it.
    expectProblem(await sendRest(t, subscriber, subscriberChat, message(10)), 409, 'message_price_changed');
    expect((await balanceOf(t, subscriber)).spendable).toBe(0);

    const paid = await sendRest(t, stranger, strangerChat, message(10));
    expect(paid.statusCode, paid.body).toBe(201);
    expect(paid.json().price).toBe(10);
    expect((await balanceOf(t, stranger)).spendable).toBe(90);

    // The renewal fails (no credits): past_due keeps access (still free) until the grace ends.
    await moveTo(t, '2026-02-10T00:00:00.000Z', [subscriber, creator, stranger, finance]);
    await runRenewals(t);
    const inGrace = await sendRest(t, subscriber, subscriberChat, message());
    expect(inGrace.json().price).toBe(0);
    await moveTo(t, '2026-02-11T00:00:00.000Z', [subscriber, creator, stranger, finance]);
    await runRenewals(t);
    await grant(t, finance, subscriber, 50);
    expect(await priceShown(subscriber, subscriberChat)).toBe(10);
    const afterLapse = await sendRest(t, subscriber, subscriberChat, message());
    expect(afterLapse.statusCode, afterLapse.body).toBe(201);
    expect(afterLapse.json().price).toBe(10);
    expect((await balanceOf(t, subscriber)).spendable).toBe(40);
  });

  it('cost a subscriber the price when the creator does not make them free', async () => {
    const [creator, fan] = await Promise.all([signUp(t, 'creator'), signUp(t, 'fan')]);
    await makeProfile(t, creator, 100, false);
    await setPrice(t, creator, 10);
    await grant(t, finance, fan, 200);
    await subscribed(t, fan, creator.id);
    const chat = await openConversation(t, fan, creator);
    const sent = await sendRest(t, fan, chat, message(10));
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().price).toBe(10);
    expect((await balanceOf(t, fan)).spendable).toBe(90);
  });
});
