// Posts (issue 17): pay-per-view unlocks. The price moves once from the fan to the author (less the
// platform fee) through the ledger, whatever the retries: the same key replays the first answer,
// other keys (also concurrent) find the post unlocked and charge nothing. An unlock is permanent,
// also after the author changes the price; not enough credits is a 402 with nothing stored; the
// author cannot unlock their own post.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CREDITS_OPTIONS } from '../../src/modules/credits/service.js';
import { expectProblem } from '../credits/http-support.js';
import { keyed, newKey, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  balances,
  buildPostsTestApp,
  createPost,
  creator,
  expectNoLeak,
  fan,
  fund,
  get,
  type TestPost,
} from './support.js';

let t: PairlyTestApp;
beforeAll(async () => {
  t = await buildPostsTestApp();
});
afterAll(async () => t?.close());

const unlock = (user: TestUser, post: TestPost, key?: string) =>
  keyed(t, user, { method: 'POST', url: `/posts/${post.id}/unlock`, ...(key && { key }) });
const earnings = async (user: TestUser) => {
  const { rows } = await t.db.executeSql(
    "select coalesce(sum(balance), 0)::int as n from credit_accounts where owner_id = $1 and kind = 'earnings'",
    [user.id],
  );
  return (rows[0] as { n: number }).n;
};
const unlockRows = async (post: TestPost) =>
  (await t.db.executeSql('select user_id, price from post_unlocks where post_id = $1', [post.id])).rows;
const fee = (price: number) => Math.floor((price * DEFAULT_CREDITS_OPTIONS.messageFeeBps) / 10_000);

describe('unlocking a pay-per-view post', () => {
  it('is for fans and creators: staff may read posts but never pay for one', async () => {
    const author = await creator(t);
    const post = await createPost(t, author, { visibility: 'pay_per_view', unlockPrice: 50 });
    for (const role of ['moderator', 'readonly', 'admin'] as const) {
      const staff = await signUp(t, role);
      expectProblem(await unlock(staff, post), 403);
    }
    expect(await unlockRows(post)).toEqual([]);
  });

  it('charges the price once: a replay returns the first answer, another key charges nothing', async () => {
    const author = await creator(t);
    const member = await fan(t);
    const post = await createPost(t, author, { visibility: 'pay_per_view', unlockPrice: 300 });
    await fund(t, member, 1_000);
    const key = newKey();

    const first = await unlock(member, post, key);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().unlock).toEqual({
      postId: post.id,
      price: 300,
      unlockedAt: t.clock.now().toISOString(),
      charged: true,
      balanceAfter: 700,
    });
    expect(first.json().post).toMatchObject({ locked: false, body: post.body, viewer: { unlocked: true } });

    const replay = await unlock(member, post, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().unlock).toEqual(first.json().unlock);

    const again = await unlock(member, post);
    expect(again.statusCode).toBe(200);
    expect(again.json().unlock).toMatchObject({ charged: false, price: 300, balanceAfter: null });

    expect((await balances(t, member)).spendable).toBe(700);
    expect(await earnings(author)).toBe(300 - fee(300));
    expect(await unlockRows(post)).toHaveLength(1);
  });

  it('charges once when unlocks race under different keys', async () => {
    const author = await creator(t);
    const member = await fan(t);
    const post = await createPost(t, author, { visibility: 'pay_per_view', unlockPrice: 120 });
    await fund(t, member, 500);
    const answers = await Promise.all(Array.from({ length: 6 }, () => unlock(member, post)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect((await balances(t, member)).spendable).toBe(380);
    expect(await earnings(author)).toBe(120 - fee(120));
    expect(await unlockRows(post)).toHaveLength(1);
  });

  it('is permanent: a price change keeps the unlock and charges nobody again', async () => {
    const author = await creator(t);
    const member = await fan(t);
    const post = await createPost(t, author, { visibility: 'pay_per_view', unlockPrice: 50 });
    await fund(t, member, 200);
    expect((await unlock(member, post)).statusCode).toBe(201);
    const repriced = await t.app.inject({
      method: 'PATCH',
      url: `/posts/${post.id}`,
      headers: author.headers,
      payload: { unlockPrice: 90 },
    });
    expect(repriced.statusCode, repriced.body).toBe(200);
    const view = (await get(t, member, `/posts/${post.id}`)).json();
    expect(view).toMatchObject({
      locked: false,
      body: post.body,
      unlockPrice: 90,
      viewer: { unlocked: true },
    });
    expect((await unlock(member, post)).json().unlock).toMatchObject({ charged: false, price: 50 });
    expect((await balances(t, member)).spendable).toBe(150);
  });

  it('charges only the price the fan agreed to: a price raised since is a 409 and nothing moves', async () => {
    const author = await creator(t);
    const member = await fan(t);
    const post = await createPost(t, author, { visibility: 'pay_per_view', unlockPrice: 40 });
    await fund(t, member, 500);
    const shown = (await get(t, member, `/posts/${post.id}`)).json().unlockPrice;
    expect(shown).toBe(40);
    const repriced = await t.app.inject({
      method: 'PATCH',
      url: `/posts/${post.id}`,
      headers: author.headers,
      payload: { unlockPrice: 400 },
    });
    expect(repriced.statusCode, repriced.body).toBe(200);
    const agreed = (price: number) =>
      keyed(t, member, { method: 'POST', url: `/posts/${post.id}/unlock?expectedPrice=${price}` });
    expectProblem(await agreed(shown), 409, 'unlock_price_changed');
    expect(await unlockRows(post)).toEqual([]);
    expect((await balances(t, member)).spendable).toBe(500);
    const accepted = await agreed(400);
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect((await balances(t, member)).spendable).toBe(100);
  });

  it('without enough credits is a 402 that stores nothing; the post stays locked', async () => {
    const author = await creator(t);
    const member = await fan(t);
    const post = await createPost(t, author, { visibility: 'pay_per_view', unlockPrice: 300 });
    await fund(t, member, 10);
    const refused = await unlock(member, post);
    expectProblem(refused, 402, 'insufficient_credits');
    expectNoLeak(refused.body, post);
    expect(await unlockRows(post)).toHaveLength(0);
    expect((await balances(t, member)).spendable).toBe(10);
    expect(await earnings(author)).toBe(0);
    const view = await get(t, member, `/posts/${post.id}`);
    expect(view.json().locked).toBe(true);
    expectNoLeak(view.body, post);
    // After buying credits, a new attempt (a new key) goes through.
    await fund(t, member, 290);
    expect((await unlock(member, post)).statusCode).toBe(201);
    expect((await balances(t, member)).spendable).toBe(0);
  });

  it('refuses the author’s own post, a post that is not pay-per-view, and a post that does not exist for the fan', async () => {
    const author = await creator(t);
    const member = await fan(t);
    await fund(t, member, 100);
    const paid = await createPost(t, author, { visibility: 'pay_per_view', unlockPrice: 10 });
    const open = await createPost(t, author, { visibility: 'public' });
    const draft = await createPost(t, author, {
      visibility: 'pay_per_view',
      unlockPrice: 10,
      publish: 'draft',
    });
    expectProblem(await unlock(author, paid), 400, 'unlock_own_post');
    expectProblem(await unlock(member, open), 400, 'post_not_pay_per_view');
    const hidden = await unlock(member, draft);
    expectProblem(hidden, 404, 'post_not_found');
    expectNoLeak(hidden.body, draft);
    expect((await balances(t, member)).spendable).toBe(100);
  });
});
