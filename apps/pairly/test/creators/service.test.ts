// The creators service as other modules call it, over the test app's real database: subscription
// price listeners hear (creatorId, old, new) once per committed change (not at creation, not when the
// price stays, not for a refused change) and a failing listener neither fails the change nor keeps
// the others from hearing it; the price and profile readers; author cards for post views; and a block
// stored through the blocks it listens to removes the follows between the two users, both ways.
import { createLogger } from '@app/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairlyDb } from '../../src/db.js';
import type { ProfileReplacement } from '../../src/modules/creators/profiles.js';
import { createCreators } from '../../src/modules/creators/service.js';
import { createSettings } from '../../src/modules/messaging/settings.js';
import { createBlocks } from '../../src/modules/safety/blocks.js';
import { safetyDb } from '../../src/modules/safety/tables.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { buildCreatorsTestApp, profileBody } from './support.js';

let t: PairlyTestApp;
let blocks: ReturnType<typeof createBlocks>;
let creators: ReturnType<typeof createCreators>;

beforeAll(async () => {
  t = await buildCreatorsTestApp();
  blocks = createBlocks(safetyDb(t.db), t.clock);
  const settings = createSettings(pairlyDb(t.db), t.clock);
  creators = createCreators({
    db: t.db,
    clock: t.clock,
    logger: createLogger({ level: 'info', service: 'creators-test', destination: t.logs.stream }).logger,
    safety: { blocks },
    messaging: { settings, settingsOf: (userId) => settings.of(userId) },
    media: { ownedBy: async () => [], signedUrl: (id) => `/media/${id}/content?signed` },
  });
});
afterAll(async () => {
  await t.close();
});

const asCreator = (user: TestUser) => ({ userId: user.id, role: 'creator' });
const create = (user: TestUser, subscription: number | null) =>
  creators.profiles.replace(
    asCreator(user),
    profileBody({ prices: { message: 5, callMinute: 0, subscription } }) as ProfileReplacement,
  );

describe('subscription price listeners', () => {
  it('hear each committed change once with the old and new price, and nothing else', async () => {
    const heard: Array<[string, number | null, number | null]> = [];
    creators.onSubscriptionPriceChanged((creatorId, oldPrice, newPrice) => {
      heard.push([creatorId, oldPrice, newPrice]);
    });
    const creator = await signUp(t, 'creator');
    await create(creator, 300);
    expect(heard).toEqual([]);

    await creators.profiles.update(asCreator(creator), { bio: 'same price' });
    expect(heard).toEqual([]);
    await creators.profiles.update(asCreator(creator), { prices: { subscription: 450 } });
    await creators.profiles.update(asCreator(creator), { prices: { subscription: null } });
    await expect(
      creators.profiles.update(asCreator(creator), { handle: 'admin', prices: { subscription: 9 } }),
    ).rejects.toMatchObject({ code: 'handle_reserved' });
    expect(heard).toEqual([
      [creator.id, 300, 450],
      [creator.id, 450, null],
    ]);
    expect(await creators.subscriptionPriceOf(creator.id)).toBeNull();
  });

  it('a failing listener is logged; the change stands and the other listeners still hear it', async () => {
    const heard: number[] = [];
    creators.onSubscriptionPriceChanged(() => {
      throw new Error('listener down');
    });
    creators.onSubscriptionPriceChanged((_creatorId, _oldPrice, newPrice) => {
      if (newPrice !== null) heard.push(newPrice);
    });
    const creator = await signUp(t, 'creator');
    await create(creator, 100);
    const profile = await creators.profiles.update(asCreator(creator), { prices: { subscription: 120 } });
    expect(profile.prices.subscription).toBe(120);
    expect(heard).toContain(120);
    expect(await creators.subscriptionPriceOf(creator.id)).toBe(120);
    expect(t.logs.text()).toContain('subscription price listener failed');
  });
});

describe('readers for other modules', () => {
  it('profileOf and subscriptionPriceOf answer null for a user without a profile', async () => {
    const fan = await signUp(t, 'fan');
    expect(await creators.profileOf(fan.id)).toBeNull();
    expect(await creators.subscriptionPriceOf(fan.id)).toBeNull();
    const creator = await signUp(t, 'creator');
    await create(creator, 250);
    expect(await creators.profileOf(creator.id)).toMatchObject({
      user_id: creator.id,
      subscription_price: 250,
    });
    expect(await creators.subscriptionPriceOf(creator.id)).toBe(250);
  });

  it('authorCards maps each creator id to its card; other ids are absent', async () => {
    const [one, two, fan] = await Promise.all([signUp(t, 'creator'), signUp(t, 'creator'), signUp(t, 'fan')]);
    const first = await create(one, null);
    await create(two, null);
    const cards = await creators.authorCards([one.id, two.id, one.id, fan.id]);
    expect([...cards.keys()].sort()).toEqual([one.id, two.id].sort());
    expect(cards.get(one.id)).toEqual({
      id: one.id,
      handle: first.profile.handle,
      displayName: 'Test Creator',
      avatarUrl: null,
    });
    expect(await creators.authorCards([])).toEqual(new Map());
  });
});

describe('the block listener', () => {
  it('removes the follows between the two users, both ways, and their counts', async () => {
    const [a, b] = await Promise.all([signUp(t, 'creator'), signUp(t, 'creator')]);
    const profileA = (await create(a, null)).profile;
    const profileB = (await create(b, null)).profile;
    await creators.follows.follow(a.id, profileB.handle);
    await creators.follows.follow(b.id, profileA.handle);
    expect((await creators.profileOf(a.id))?.follower_count).toBe(1);

    await blocks.block(b.id, a.id);
    await expect.poll(async () => (await creators.profileOf(a.id))?.follower_count).toBe(0);
    expect((await creators.profileOf(b.id))?.follower_count).toBe(0);
    const { rows } = await t.db.executeSql(
      'select count(*)::int as n from follows where follower_id in ($1, $2) and creator_id in ($1, $2)',
      [a.id, b.id],
    );
    expect(rows).toEqual([{ n: 0 }]);
  });
});
