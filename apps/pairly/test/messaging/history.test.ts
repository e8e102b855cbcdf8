// History over REST: pages by seq (the latest by default, `before` going back, `after` going
// forward, both for a range), oldest first within a page with `hasMore`; messages the caller
// deleted for themselves left out (for them only); unsent messages as tombstones; bad queries 400.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { buildMessagingTestApp, expectProblem, history, openConversation, sendRest } from './support.js';

let t: PairlyTestApp;
let fan: TestUser;
let creator: TestUser;
let conversationId: string;
const ids: string[] = [];

beforeAll(async () => {
  t = await buildMessagingTestApp();
  [fan, creator] = await Promise.all([signUp(t, 'fan'), signUp(t, 'creator')]);
  conversationId = await openConversation(t, fan, creator);
  for (let n = 1; n <= 10; n++) {
    const sender = n % 2 ? fan : creator;
    const response = await sendRest(t, sender, conversationId, {
      clientMessageId: randomUUID(),
      body: `m${n}`,
    });
    expect(response.statusCode, response.body).toBe(201);
    ids.push(response.json().id);
  }
});
afterAll(() => t?.close());

const seqs = (body: { items: Array<{ seq: number }> }) => body.items.map((item) => item.seq);

async function page(user: TestUser, query: string) {
  const response = await history(t, user, conversationId, query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('history', () => {
  it('pages by seq, oldest first within a page', async () => {
    const latest = await page(fan, '?limit=3');
    expect(seqs(latest)).toEqual([8, 9, 10]);
    expect(latest.hasMore).toBe(true);
    expect(latest.items[2]).toMatchObject({ body: 'm10', senderId: creator.id, conversationId });
    expect(seqs(await page(fan, '?before=8&limit=3'))).toEqual([5, 6, 7]);
    const oldest = await page(fan, '?before=3&limit=3');
    expect(seqs(oldest)).toEqual([1, 2]);
    expect(oldest.hasMore).toBe(false);
    const forward = await page(fan, '?after=6&limit=3');
    expect(seqs(forward)).toEqual([7, 8, 9]);
    expect(forward.hasMore).toBe(true);
    const end = await page(fan, '?after=8&limit=3');
    expect(seqs(end)).toEqual([9, 10]);
    expect(end.hasMore).toBe(false);
    expect(seqs(await page(fan, '?after=2&before=6'))).toEqual([3, 4, 5]);
    expect(seqs(await page(fan, ''))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seqs(await page(fan, '?after=10'))).toEqual([]);
  });

  it('leaves out what the caller deleted for themselves, and shows unsent messages as tombstones', async () => {
    await t.db.executeSql(
      'insert into message_hidden (message_id, user_id, created_at) values ($1, $2, now())',
      [ids[1], fan.id],
    );
    await t.db.executeSql(
      `update messages set body = null, unsent_at = now(), unsend_seq = 1 where id = $1`,
      [ids[2]],
    );
    const mine = await page(fan, '?before=5');
    expect(seqs(mine)).toEqual([1, 3, 4]);
    expect(mine.items[1]).toMatchObject({ id: ids[2], seq: 3, senderId: fan.id, body: null });
    expect(mine.items[1].unsentAt).toEqual(expect.any(String));
    // Hidden for the fan only.
    expect(seqs(await page(creator, '?before=5'))).toEqual([1, 2, 3, 4]);
  });

  it('refuses bad queries with 400', async () => {
    for (const query of [
      '?limit=0',
      '?limit=101',
      '?before=0',
      '?after=-1',
      '?before=x',
      '?after=1.5',
      '?other=1',
    ]) {
      expectProblem(await history(t, fan, conversationId, query), 400);
    }
  });
});
