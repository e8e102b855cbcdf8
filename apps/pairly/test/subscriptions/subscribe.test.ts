// Subscribing over HTTP: the first month is charged once per Idempotency-Key (a retry and two
// concurrent requests alike), from the fan's spendable credits to the creator's earnings less the
// platform fee; refusals store nothing; blocks, unknown and non-offering creators are one 404; the
// fan lists, cancels and resumes only their own subscriptions; the creator lists subscribers.
import { operationsWithoutExamples } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey, type PairlyTestApp, signUp } from '../support/pairly-client.js';
import {
  act,
  balanceOf,
  buildSubscriptionTestApp,
  cast,
  chargesOf,
  expectProblem,
  makeProfile,
  mySubscriptions,
  newId,
  subscribe,
  subscribed,
  topUp,
} from './support.js';

let t: PairlyTestApp;
beforeAll(async () => {
  t = await buildSubscriptionTestApp();
  t.clock.set('2026-01-31T12:00:00.000Z');
});
afterAll(() => t.close());

describe('subscribing', () => {
  it('charges the first month once, the creator earning it less the fee, with a period of one calendar month', async () => {
    const { fan, creator } = await cast(t, 100);
    const key = newKey();
    const first = await subscribe(t, fan, creator.id, { key, payload: { expectedPrice: 100 } });
    expect(first.statusCode, first.body).toBe(201);
    const body = first.json();
    expect(body).toMatchObject({
      creatorId: creator.id,
      status: 'active',
      price: 100,
      nextPrice: null,
      cancelAtPeriodEnd: false,
      currentPeriodStart: '2026-01-31T12:00:00.000Z',
      // January 31st renews on the last day of February.
      currentPeriodEnd: '2026-02-28T12:00:00.000Z',
      balanceAfter: 900,
    });
    const again = await subscribe(t, fan, creator.id, { key, payload: { expectedPrice: 100 } });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(body.id);
    expect((await balanceOf(t, fan)).spendable).toBe(900);
    expect((await balanceOf(t, creator)).earnings).toBe(80);
    expect(await chargesOf(t, body.id)).toEqual([0]);
  });

  it('charges once when the same key arrives twice at the same time', async () => {
    const { fan, creator } = await cast(t, 100);
    const key = newKey();
    const answers = await Promise.all([
      subscribe(t, fan, creator.id, { key }),
      subscribe(t, fan, creator.id, { key }),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([201, 201]);
    expect(new Set(answers.map((r) => r.json().id)).size).toBe(1);
    expect((await balanceOf(t, fan)).spendable).toBe(900);
    expect(await mySubscriptions(t, fan)).toHaveLength(1);
  });

  it('refuses a second live subscription to the same creator (another key): 409, nothing charged', async () => {
    const { fan, creator } = await cast(t, 100);
    await subscribed(t, fan, creator.id);
    expectProblem(await subscribe(t, fan, creator.id), 409, 'already_subscribed');
    expect((await balanceOf(t, fan)).spendable).toBe(900);
  });

  it('answers 402 with too few credits and stores no subscription; a top-up then goes through with a new key', async () => {
    const { fan, creator, finance } = await cast(t, 500, 100);
    expectProblem(await subscribe(t, fan, creator.id), 402, 'insufficient_credits');
    expect(await mySubscriptions(t, fan)).toEqual([]);
    expect((await balanceOf(t, fan)).spendable).toBe(100);
    await topUp(t, finance, fan, 400);
    const ok = await subscribe(t, fan, creator.id);
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await balanceOf(t, fan)).spendable).toBe(0);
  });

  it('answers 409 subscription_price_changed when the price shown is no longer the price', async () => {
    const { fan, creator } = await cast(t, 100);
    expectProblem(
      await subscribe(t, fan, creator.id, { payload: { expectedPrice: 90 } }),
      409,
      'subscription_price_changed',
    );
    expect((await balanceOf(t, fan)).spendable).toBe(1_000);
  });

  it('answers the same 404 for an unknown user, a creator offering no subscriptions, and a member without a profile', async () => {
    const { fan } = await cast(t, 100);
    const notOffering = await signUp(t, 'creator');
    await makeProfile(t, notOffering, null);
    const noProfile = await signUp(t, 'creator');
    for (const id of [newId(), notOffering.id, noProfile.id])
      expectProblem(await subscribe(t, fan, id), 404, 'creator_not_found');
    expect((await balanceOf(t, fan)).spendable).toBe(1_000);
  });

  it('refuses a subscription across a block in either direction (404)', async () => {
    const { fan, creator } = await cast(t, 100);
    const block = (by: typeof fan, userId: string) =>
      t.app.inject({ method: 'POST', url: '/blocks', headers: by.headers, payload: { userId } });
    expect((await block(creator, fan.id)).statusCode).toBeLessThan(300);
    expectProblem(await subscribe(t, fan, creator.id), 404, 'creator_not_found');

    const other = await cast(t, 100);
    expect((await block(other.fan, other.creator.id)).statusCode).toBeLessThan(300);
    expectProblem(await subscribe(t, other.fan, other.creator.id), 404, 'creator_not_found');
    expect((await balanceOf(t, fan)).spendable).toBe(1_000);
    expect((await balanceOf(t, other.fan)).spendable).toBe(1_000);
  });

  it('answers 400 for yourself, a malformed id, an unknown field, a bad price and a missing key', async () => {
    const { fan, creator } = await cast(t, 100);
    expectProblem(await subscribe(t, fan, fan.id), 400, 'subscribe_to_self', '/params/creatorId');
    expectProblem(await subscribe(t, fan, 'not-a-uuid'), 400);
    expectProblem(await subscribe(t, fan, creator.id, { payload: { surprise: 1 } }), 400);
    expectProblem(await subscribe(t, fan, creator.id, { payload: { expectedPrice: -5 } }), 400);
    const keyless = await t.app.inject({
      method: 'POST',
      url: `/creators/${creator.id}/subscription`,
      headers: fan.headers,
    });
    expectProblem(keyless, 400);
    expect((await balanceOf(t, fan)).spendable).toBe(1_000);
  });

  it('is for fans: a creator without `subscriptions:own` is refused (403)', async () => {
    const { creator } = await cast(t, 100);
    const another = await signUp(t, 'creator');
    await makeProfile(t, another, 100);
    expectProblem(await subscribe(t, creator, another.id), 403);
  });
});

describe('owning a subscription', () => {
  it('lists the fan their own subscriptions and the creator their subscribers without emails', async () => {
    const { fan, creator } = await cast(t, 100);
    const sub = await subscribed(t, fan, creator.id);
    const mine = await t.app.inject({ method: 'GET', url: '/subscriptions', headers: fan.headers });
    expect(mine.json().items).toEqual([
      expect.objectContaining({ id: sub.id, status: 'active', price: 100 }),
    ]);
    const subscribers = await t.app.inject({
      method: 'GET',
      url: '/creators/me/subscribers',
      headers: creator.headers,
    });
    expect(subscribers.statusCode).toBe(200);
    expect(subscribers.json().items).toEqual([
      expect.objectContaining({ subscriptionId: sub.id, fanId: fan.id, status: 'active', price: 100 }),
    ]);
    expect(subscribers.body).not.toContain(fan.email);
    const stranger = await signUp(t, 'fan');
    const theirs = await t.app.inject({ method: 'GET', url: '/subscriptions', headers: stranger.headers });
    expect(theirs.json().items).toEqual([]);
  });

  it('pages with a cursor and refuses a cursor it did not issue', async () => {
    const { fan } = await cast(t, 100, 10_000);
    const creators = await Promise.all([signUp(t, 'creator'), signUp(t, 'creator'), signUp(t, 'creator')]);
    for (const c of creators) {
      await makeProfile(t, c, 100);
      await subscribed(t, fan, c.id);
      t.clock.advance(1_000);
    }
    const first = await t.app.inject({ method: 'GET', url: '/subscriptions?limit=2', headers: fan.headers });
    expect(first.json().items.map((s: { creatorId: string }) => s.creatorId)).toEqual([
      creators[2]?.id,
      creators[1]?.id,
    ]);
    const next = await t.app.inject({
      method: 'GET',
      url: `/subscriptions?limit=2&cursor=${first.json().nextCursor}`,
      headers: fan.headers,
    });
    expect(next.json()).toEqual({
      items: [expect.objectContaining({ creatorId: creators[0]?.id })],
      nextCursor: null,
    });
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/subscriptions?cursor=bogus', headers: fan.headers }),
      400,
      'cursor_invalid',
    );
  });

  it('lets nobody else cancel or resume a subscription (404), and the owner cancel and resume it', async () => {
    const { fan, creator } = await cast(t, 100);
    const sub = await subscribed(t, fan, creator.id);
    const stranger = await signUp(t, 'fan');
    expectProblem(await act(t, stranger, sub.id, 'cancel'), 404, 'subscription_not_found');
    expectProblem(await act(t, stranger, sub.id, 'resume'), 404, 'subscription_not_found');
    expectProblem(await act(t, fan, newId(), 'cancel'), 404, 'subscription_not_found');
    expectProblem(await act(t, fan, 'nope', 'cancel'), 400);

    const cancelled = await act(t, fan, sub.id, 'cancel');
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({
      status: 'active',
      cancelAtPeriodEnd: true,
      endReason: 'cancelled',
      accessUntil: sub.currentPeriodEnd,
    });
    expect((await act(t, fan, sub.id, 'cancel')).json().cancelAtPeriodEnd).toBe(true);
    const resumed = await act(t, fan, sub.id, 'resume');
    expect(resumed.json()).toMatchObject({ status: 'active', cancelAtPeriodEnd: false, endReason: null });
    expect((await balanceOf(t, fan)).spendable).toBe(900);
  });
});

describe('/docs', () => {
  it('lists every subscriptions route with examples for its bodies and answers', () => {
    const document = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const routes = [
      ['post', '/creators/{creatorId}/subscription'],
      ['get', '/subscriptions'],
      ['post', '/subscriptions/{subscriptionId}/cancel'],
      ['post', '/subscriptions/{subscriptionId}/resume'],
      ['get', '/creators/me/subscribers'],
    ] as const;
    for (const [method, path] of routes)
      expect(document.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(
      operationsWithoutExamples(document, [
        '/subscriptions',
        '/creators/{creatorId}/subscription',
        '/creators/me/subscribers',
      ]),
    ).toEqual([]);
  });
});
