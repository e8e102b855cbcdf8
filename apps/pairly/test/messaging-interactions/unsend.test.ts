// Unsend and delete-for-me over REST: the sender unsends within the window (a tombstone that keeps
// id and seq in both participants' history, listed by GET .../unsent with its unsend seq), not
// after it (the window is measured on the app clock), not twice, never the other participant's
// message (403) nor a stranger (404); the charge stays unless refundOnUnsend, which gives every
// credit back into the lots it came from (and refuses, changing nothing, when the creator's earnings
// are gone). Hiding is for the caller only and idempotent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyed, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  balanceOf,
  buildInteractionsTestApp,
  expectProblem,
  grant,
  hide,
  history,
  pair,
  sendMessages,
  unsend,
} from './support.js';

const WINDOW_MS = 10 * 60_000;
const PRICE = 30;
/** messageFeeBps 2000 (support.ts): the creator earns 24 of 30. */
const EARNED = 24;

async function historyOf(t: PairlyTestApp, user: TestUser, conversationId: string) {
  const response = await history(t, user, conversationId);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items as Array<{
    id: string;
    seq: number;
    body: string | null;
    unsentAt: string | null;
  }>;
}

describe('unsend (no refunds, the default)', () => {
  let t: PairlyTestApp;

  // Tests here move the app clock past the window: each signs up its users fresh (tokens stay valid).
  beforeAll(async () => {
    t = await buildInteractionsTestApp({ unsendWindowMs: WINDOW_MS });
  });
  afterAll(() => t?.close());

  it('turns the message into a tombstone that keeps its id and seq, for both participants', async () => {
    const { fan, creator, conversationId } = await pair(t);
    const [first, second, third] = await sendMessages(t, fan, conversationId, 3);
    t.clock.advance(WINDOW_MS - 1);
    const response = await unsend(t, fan, conversationId, second?.id as string);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      refunded: 0,
      message: { id: second?.id, seq: 2, body: null, unsentAt: t.clock.now().toISOString() },
    });
    for (const user of [fan, creator]) {
      expect(await historyOf(t, user, conversationId)).toMatchObject([
        { id: first?.id, seq: 1, body: 'message 1', unsentAt: null },
        { id: second?.id, seq: 2, body: null },
        { id: third?.id, seq: 3, body: 'message 3', unsentAt: null },
      ]);
    }
    const unsent = await t.app.inject({
      method: 'GET',
      url: `/conversations/${conversationId}/unsent?after=0`,
      headers: creator.headers,
    });
    expect(unsent.json()).toMatchObject({
      items: [{ unsendSeq: 1, message: { id: second?.id, seq: 2, body: null } }],
      hasMore: false,
      lastUnsendSeq: 1,
    });
  });

  it('refuses once the window has passed, and a second unsend', async () => {
    const { fan, conversationId } = await pair(t);
    const [late, again] = await sendMessages(t, fan, conversationId, 2);
    expect((await unsend(t, fan, conversationId, again?.id as string)).statusCode).toBe(200);
    await expectProblem(
      await unsend(t, fan, conversationId, again?.id as string),
      409,
      'message_already_unsent',
    );
    t.clock.advance(WINDOW_MS + 1);
    await expectProblem(
      await unsend(t, fan, conversationId, late?.id as string),
      403,
      'unsend_window_closed',
    );
    expect((await historyOf(t, fan, conversationId))[0]).toMatchObject({ id: late?.id, body: 'message 1' });
  });

  it("refuses the other participant's message (403) and a stranger (404)", async () => {
    const { fan, creator, conversationId } = await pair(t);
    const [message] = await sendMessages(t, fan, conversationId, 1);
    await expectProblem(
      await unsend(t, creator, conversationId, message?.id as string),
      403,
      'unsend_not_sender',
    );
    const stranger = await signUp(t, 'creator');
    await expectProblem(
      await unsend(t, stranger, conversationId, message?.id as string),
      404,
      'conversation_not_found',
    );
    await expectProblem(await unsend(t, fan, conversationId, crypto.randomUUID()), 404, 'message_not_found');
    expect((await historyOf(t, creator, conversationId))[0]?.body).toBe('message 1');
  });

  it('keeps the charge: the creator keeps what the message earned', async () => {
    const { fan, creator, conversationId } = await pair(t, PRICE);
    await grant(t, await signUp(t, 'finance'), fan, 100);
    const [message] = await sendMessages(t, fan, conversationId, 1);
    expect((await unsend(t, fan, conversationId, message?.id as string)).json().refunded).toBe(0);
    expect((await balanceOf(t, fan)).spendable).toBe(100 - PRICE);
    expect((await balanceOf(t, creator)).earnings).toBe(EARNED);
  });
});

describe('unsend with refundOnUnsend', () => {
  let t: PairlyTestApp;
  let finance: TestUser;

  beforeAll(async () => {
    t = await buildInteractionsTestApp({ unsendWindowMs: WINDOW_MS, refundOnUnsend: true });
    finance = await signUp(t, 'finance');
  });
  afterAll(() => t?.close());

  it('gives the whole price back, into the expiring lot it came from, once', async () => {
    const { fan, creator, conversationId } = await pair(t, PRICE);
    const expiresAt = new Date(t.clock.now().getTime() + 30 * 86_400_000).toISOString();
    await grant(t, finance, fan, 100, { expiresAt });
    const [message] = await sendMessages(t, fan, conversationId, 1);
    const response = await unsend(t, fan, conversationId, message?.id as string);
    expect(response.json()).toMatchObject({ refunded: PRICE, message: { body: null } });
    const fanBalance = await balanceOf(t, fan);
    expect(fanBalance.spendable).toBe(100);
    expect(fanBalance.expiring).toEqual([{ amount: 100, expiresAt }]);
    expect((await balanceOf(t, creator)).earnings).toBe(0);
    await expectProblem(
      await unsend(t, fan, conversationId, message?.id as string),
      409,
      'message_already_unsent',
    );
    expect((await balanceOf(t, fan)).spendable).toBe(100);
  });

  it('refunds once when the same unsend races itself; racing unsends take distinct unsend seqs', async () => {
    const { fan, creator, conversationId } = await pair(t, PRICE);
    await grant(t, finance, fan, 100);
    const messages = await sendMessages(t, fan, conversationId, 3);
    const target = messages[0]?.id as string;
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, () => unsend(t, fan, conversationId, target)),
      unsend(t, fan, conversationId, messages[1]?.id as string),
      unsend(t, fan, conversationId, messages[2]?.id as string),
    ]);
    const forTarget = answers.slice(0, 4).map((response) => response.statusCode);
    expect(forTarget.sort()).toEqual([200, 409, 409, 409]);
    expect(answers.slice(4).map((response) => response.statusCode)).toEqual([200, 200]);
    expect((await balanceOf(t, fan)).spendable).toBe(100);
    expect((await balanceOf(t, creator)).earnings).toBe(0);
    const unsent = await t.app.inject({
      method: 'GET',
      url: `/conversations/${conversationId}/unsent`,
      headers: fan.headers,
    });
    const seqs = (unsent.json().items as Array<{ unsendSeq: number }>).map((item) => item.unsendSeq);
    expect(seqs).toEqual([1, 2, 3]);
  });

  it("refuses, changing nothing, when the creator's earnings are already gone", async () => {
    const { fan, creator, conversationId } = await pair(t, PRICE);
    await grant(t, finance, fan, 100);
    const [message] = await sendMessages(t, fan, conversationId, 1);
    const drained = await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/deductions',
      payload: { userId: creator.id, amount: EARNED, account: 'earnings', reason: 'paid out' },
    });
    expect(drained.statusCode, drained.body).toBe(200);
    await expectProblem(
      await unsend(t, fan, conversationId, message?.id as string),
      409,
      'unsend_refund_unavailable',
    );
    expect((await historyOf(t, fan, conversationId))[0]?.body).toBe('message 1');
    expect((await balanceOf(t, fan)).spendable).toBe(100 - PRICE);
  });

  it('gives nothing back for a free message', async () => {
    const { fan, conversationId } = await pair(t);
    const [message] = await sendMessages(t, fan, conversationId, 1);
    expect((await unsend(t, fan, conversationId, message?.id as string)).json().refunded).toBe(0);
  });
});

describe('delete for me', () => {
  let t: PairlyTestApp;

  beforeAll(async () => {
    t = await buildInteractionsTestApp();
  });
  afterAll(() => t?.close());

  it('hides the message for the caller only, again without effect', async () => {
    const { fan, creator, conversationId } = await pair(t);
    const [mine, theirs] = [
      ...(await sendMessages(t, fan, conversationId, 1)),
      ...(await sendMessages(t, creator, conversationId, 1)),
    ];
    expect((await hide(t, fan, conversationId, theirs?.id as string)).statusCode).toBe(204);
    expect((await hide(t, fan, conversationId, theirs?.id as string)).statusCode).toBe(204);
    expect((await hide(t, fan, conversationId, mine?.id as string)).statusCode).toBe(204);
    expect(await historyOf(t, fan, conversationId)).toEqual([]);
    expect((await historyOf(t, creator, conversationId)).map((message) => message.id)).toEqual([
      mine?.id,
      theirs?.id,
    ]);
  });

  it('answers a stranger and an unknown message with a 404', async () => {
    const { fan, conversationId } = await pair(t);
    const [message] = await sendMessages(t, fan, conversationId, 1);
    const stranger = await signUp(t, 'fan');
    await expectProblem(
      await hide(t, stranger, conversationId, message?.id as string),
      404,
      'conversation_not_found',
    );
    await expectProblem(await hide(t, fan, conversationId, crypto.randomUUID()), 404, 'message_not_found');
  });
});
