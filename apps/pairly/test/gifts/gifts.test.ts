// Gifts (issue 14): a user gives credits to another with a note; the gift moves exactly its amount
// once per Idempotency-Key, is audited, tells the recipient through the mail outbox, and is listed
// only to its sender and (once delivered) its recipient. Refused requests (bad input, self, unknown
// recipient, not enough credits, frozen accounts) move nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { keyed, newKey, type PairlyTestApp, type TestUser } from '../support/pairly-client.js';
import {
  auditActions,
  balances,
  buildGiftTestApp,
  count,
  fund,
  type Member,
  member,
  sendGift,
  staff,
} from './support.js';

let t: PairlyTestApp;

beforeAll(async () => {
  t = await buildGiftTestApp();
});
afterAll(async () => t?.close());

const giftTransfers = (giftId: string) =>
  count(t, "select count(*)::int as n from credit_transfers where memo ->> 'giftId' = $1", [giftId]);
const giftsSentBy = (user: Member) =>
  count(t, 'select count(*)::int as n from gifts where sender_id = $1', [user.id]);
const mailsTo = async (user: Member) =>
  (
    await t.db.executeSql('select subject, body from mail_outbox where recipient = $1 order by id', [
      user.email,
    ])
  ).rows as Array<{ subject: string; body: string }>;

describe('sending a gift', () => {
  it('moves exactly the amount once; a replay with the same key returns the first answer and moves nothing', async () => {
    const [alice, bob] = [await member(t), await member(t, 'creator')];
    await fund(t, alice, 1_000);
    const key = newKey();
    const payload = { recipientId: bob.id, amount: 150, note: 'Thanks for the stream!' };

    const first = await sendGift(t, alice, payload, key);
    expect(first.statusCode, first.body).toBe(201);
    const gift = first.json();
    expect(gift).toMatchObject({
      senderId: alice.id,
      recipientId: bob.id,
      amount: 150,
      note: 'Thanks for the stream!',
      status: 'sent',
      balanceAfter: 850,
    });
    expect(gift.deliveredAt).toBe(gift.createdAt);

    const replay = await sendGift(t, alice, payload, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toEqual(gift);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await balances(t, alice)).toEqual({ spendable: 850, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 150, held: 0 });
    expect(await giftTransfers(gift.id)).toBe(1);

    const reused = await sendGift(t, alice, { ...payload, amount: 151 }, key);
    expectProblem(reused, 409, 'idempotency_key_reused');
    expect(await balances(t, alice)).toEqual({ spendable: 850, held: 0 });
    expect(await giftsSentBy(alice)).toBe(1);
  });

  it('lets opposing gifts between two users race without a deadlock, ending where they started', async () => {
    const [alice, bob] = [await member(t), await member(t)];
    await fund(t, alice, 100);
    await fund(t, bob, 100);
    const answers = await Promise.all(
      Array.from({ length: 15 }, () => [
        sendGift(t, alice, { recipientId: bob.id, amount: 3 }),
        sendGift(t, bob, { recipientId: alice.id, amount: 3 }),
      ]).flat(),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(30).fill(201));
    expect(await balances(t, alice)).toEqual({ spendable: 100, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 100, held: 0 });
  });

  it('tells the recipient once through the mail outbox, with the note, and audits the gift', async () => {
    const [alice, bob] = [await member(t), await member(t)];
    await fund(t, alice, 100);
    const key = newKey();
    const sent = await sendGift(t, alice, { recipientId: bob.id, amount: 40, note: 'For the song' }, key);
    expect(sent.statusCode, sent.body).toBe(201);
    await sendGift(t, alice, { recipientId: bob.id, amount: 40, note: 'For the song' }, key);

    const mails = await mailsTo(bob);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toBe('You received a gift of 40 credits');
    expect(mails[0]?.body).toContain('For the song');
    expect(await mailsTo(alice)).toEqual([]);

    const audit = await auditActions(t, alice.id);
    expect(audit).toEqual([
      {
        action: 'gift.sent',
        target_type: 'gift',
        target_id: sent.json().id,
        after: { recipientId: bob.id, amount: 40, status: 'sent', findings: [] },
      },
    ]);
  });

  it('refuses a gift to oneself (400) and to an unknown user (404), moving nothing', async () => {
    const alice = await member(t);
    await fund(t, alice, 100);
    expectProblem(
      await sendGift(t, alice, { recipientId: alice.id, amount: 5 }),
      400,
      'gift_to_self',
      '/body/recipientId',
    );
    expectProblem(
      await sendGift(t, alice, { recipientId: '00000000-0000-4000-8000-00000000abcd', amount: 5 }),
      404,
      'recipient_not_found',
    );
    expect(await balances(t, alice)).toEqual({ spendable: 100, held: 0 });
    expect(await giftsSentBy(alice)).toBe(0);
  });

  it('refuses a gift larger than the balance (402, repeated on replay), a frozen sender (423) and, without saying why, a frozen recipient', async () => {
    const [alice, bob, carol] = [await member(t), await member(t), await member(t)];
    await fund(t, alice, 30);
    const key = newKey();
    expectProblem(
      await sendGift(t, alice, { recipientId: bob.id, amount: 31 }, key),
      402,
      'insufficient_credits',
    );
    await fund(t, alice, 100);
    expectProblem(
      await sendGift(t, alice, { recipientId: bob.id, amount: 31 }, key),
      402,
      'insufficient_credits',
    );

    await fund(t, carol, 1);
    await t.db.executeSql('update credit_accounts set frozen = true where owner_id = $1', [carol.id]);
    // A frozen recipient is not disclosed to the sender: the answer is the generic refusal.
    expectProblem(await sendGift(t, alice, { recipientId: carol.id, amount: 5 }), 403, 'gift_refused');
    await t.db.executeSql('update credit_accounts set frozen = true where owner_id = $1', [alice.id]);
    expectProblem(await sendGift(t, alice, { recipientId: bob.id, amount: 5 }), 423, 'account_frozen');

    expect(await balances(t, alice)).toEqual({ spendable: 130, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 0, held: 0 });
    expect(await balances(t, carol)).toEqual({ spendable: 1, held: 0 });
    expect(await giftsSentBy(alice)).toBe(0);
    expect(await mailsTo(bob)).toEqual([]);
  });

  it('answers bad input with a 400 naming the field, and moves nothing', async () => {
    const [alice, bob] = [await member(t), await member(t)];
    await fund(t, alice, 1_000);
    const valid = { recipientId: bob.id, amount: 5 };
    const cases: Array<[string, Record<string, unknown> | string, string]> = [
      ['zero', { ...valid, amount: 0 }, '/body/amount'],
      ['negative', { ...valid, amount: -1 }, '/body/amount'],
      ['fraction', { ...valid, amount: 1.5 }, '/body/amount'],
      ['string', { ...valid, amount: '5' }, '/body/amount'],
      ['over the maximum', { ...valid, amount: 1_000_000_001 }, '/body/amount'],
      ['1e309', `{"recipientId":"${bob.id}","amount":1e309}`, '/body/amount'],
      ['note too long', { ...valid, note: 'x'.repeat(281) }, '/body/note'],
      ['empty note', { ...valid, note: '' }, '/body/note'],
      ['bad uuid', { ...valid, recipientId: 'not-a-uuid' }, '/body/recipientId'],
      ['missing recipient', { amount: 5 }, '/body/recipientId'],
      ['unknown field', { ...valid, currency: 'EUR' }, '/body/currency'],
    ];
    for (const [what, payload, path] of cases) {
      const response = await keyed(t, alice, {
        method: 'POST',
        url: '/gifts',
        headers: { 'content-type': 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
      expect(response.statusCode, `${what}: ${response.body}`).toBe(400);
      const paths = response.json().errors.map((error: { path: string }) => error.path);
      expect(
        paths.some((p: string) => p.startsWith(path)),
        `${what}: ${response.body}`,
      ).toBe(true);
    }
    const unkeyed = await t.app.inject({
      method: 'POST',
      url: '/gifts',
      headers: alice.headers,
      payload: valid,
    });
    expectProblem(unkeyed, 400, undefined, '/headers/idempotency-key');

    expect(await balances(t, alice)).toEqual({ spendable: 1_000, held: 0 });
    expect(await balances(t, bob)).toEqual({ spendable: 0, held: 0 });
    expect(await giftsSentBy(alice)).toBe(0);
  });
});

describe('listing gifts', () => {
  const list = (user: Member, query: string) =>
    t.app.inject({ method: 'GET', url: `/gifts?${query}`, headers: user.headers });

  it('shows the sender every gift they sent and the recipient those delivered to them, nobody else', async () => {
    const [alice, bob, eve] = [await member(t), await member(t), await member(t)];
    await fund(t, alice, 100);
    const ids: string[] = [];
    for (const amount of [1, 2, 3]) {
      const sent = await sendGift(t, alice, { recipientId: bob.id, amount, note: `gift ${amount}` });
      ids.push(sent.json().id);
      t.clock.advance(1_000);
    }

    const firstPage = (await list(alice, 'direction=sent&limit=2')).json();
    expect(firstPage.items.map((g: { id: string }) => g.id)).toEqual([ids[2], ids[1]]);
    const secondPage = (await list(alice, `direction=sent&limit=2&cursor=${firstPage.nextCursor}`)).json();
    expect(secondPage).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });

    const received = (await list(bob, 'direction=received')).json();
    expect(received.items.map((g: { note: string }) => g.note)).toEqual(['gift 3', 'gift 2', 'gift 1']);
    expect((await list(bob, 'direction=sent')).json().items).toEqual([]);
    expect((await list(alice, 'direction=received')).json().items).toEqual([]);
    for (const direction of ['sent', 'received'])
      expect((await list(eve, `direction=${direction}`)).json().items).toEqual([]);

    expectProblem(await list(alice, 'direction=sent&cursor=bm90LWEtY3Vyc29y'), 400, 'cursor_invalid');
    expectProblem(await list(alice, 'direction=everyone'), 400, undefined, '/querystring/direction');
  });
});

describe('listing cursors', () => {
  const cursorAt = (at: string) =>
    Buffer.from(JSON.stringify([at, '00000000-0000-4000-8000-00000000beef'])).toString('base64url');

  it('answers a cursor whose date lies outside the years 1970-9999 (UTC) with a 400 naming the cursor, on both listings', async () => {
    const alice = await member(t);
    const finance = await staff(t, 'finance');
    const listings: Array<[TestUser, string]> = [
      [alice, '/gifts?direction=sent&cursor='],
      [alice, '/gifts?direction=received&cursor='],
      [finance, '/admin/gifts?status=pending_review&cursor='],
    ];
    const outOfRange = [
      '-200000-01-01T00:00:00Z',
      '+275760-09-13T00:00:00.000Z',
      '0000-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '9999-12-31T23:59:59-23:59', // year 10000 in UTC
    ];
    for (const [user, url] of listings) {
      for (const at of outOfRange) {
        const response = await t.app.inject({
          method: 'GET',
          url: url + cursorAt(at),
          headers: user.headers,
        });
        expectProblem(response, 400, 'cursor_invalid', '/querystring/cursor');
      }
      const inRange = await t.app.inject({
        method: 'GET',
        url: url + cursorAt('9999-12-31T23:59:59Z'),
        headers: user.headers,
      });
      expect(inRange.statusCode, inRange.body).toBe(200);
    }
  });
});

describe('documentation', () => {
  it('documents every gift route with a summary, examples, its statuses and the permission that guards it', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    const send = document.paths['/gifts'].post;
    expect(send.summary).toBeTruthy();
    expect(send.description).toContain('gifts:send');
    expect(JSON.stringify(send.requestBody)).toContain('Thanks for the great stream!');
    expect(Object.keys(send.responses)).toEqual(
      expect.arrayContaining(['201', '202', '400', '401', '402', '403', '404', '409', '423', '429']),
    );
    expect(send.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'header', name: 'idempotency-key', required: true }),
      ]),
    );
    expect(document.paths['/gifts'].get.description).toContain('gifts:send');
    for (const [path, method] of [
      ['/admin/gifts', 'get'],
      ['/admin/gifts/{giftId}/approve', 'post'],
      ['/admin/gifts/{giftId}/reject', 'post'],
    ] as const) {
      const operation = document.paths[path][method];
      expect(operation.summary, path).toBeTruthy();
      expect(operation.description, path).toContain('gifts:review');
      expect(JSON.stringify(operation.responses['200']), path).toContain('"example');
    }
    expect(Object.keys(document.paths['/admin/gifts/{giftId}/approve'].post.responses)).toEqual(
      expect.arrayContaining(['200', '403', '404', '409']),
    );
  });
});
