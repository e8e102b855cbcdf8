// Creator profiles through HTTP on real PGlite: creating one records the 18+ confirmation and the
// accepted terms (refused without them), only creator accounts have one (a fan meets 403), handles are
// unique ignoring case (409) and reserved or malformed ones are refused (400), prices out of bounds or
// of the wrong type are a 400 naming the field with nothing stored, PATCH changes only what is sent,
// nobody changes another's profile, the message price is messaging's one price (shown in its settings
// and charged on a message), a subscription price change is told to the listeners, avatars must be the
// creator's own images, and no answer carries an email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERMS_VERSION } from '../../src/modules/creators/rules.js';
import { balanceOf, expectProblem, grant } from '../credits/http-support.js';
import { keyed, type PairlyTestApp, signUp } from '../support/pairly-client.js';
import {
  buildCreatorsTestApp,
  call,
  creatorWithProfile,
  expectNoEmail,
  freshHandle,
  page,
  profileBody,
  putProfile,
  uploadImage,
} from './support.js';

let t: PairlyTestApp;

beforeAll(async () => {
  t = await buildCreatorsTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('creating a creator profile', () => {
  it('records the age confirmation and the accepted terms with the time', async () => {
    const creator = await signUp(t, 'creator');
    const body = profileBody();
    const response = await putProfile(t, creator, body);
    expect(response.statusCode, response.body).toBe(201);
    const profile = response.json();
    const now = t.clock.now().toISOString();
    expect(profile).toMatchObject({
      id: creator.id,
      handle: body.handle,
      displayName: 'Test Creator',
      prices: { message: 10, callMinute: 30, subscription: 200 },
      ageConfirmedAt: now,
      termsAcceptedAt: now,
      termsVersion: TERMS_VERSION,
      followerCount: 0,
    });
    expectNoEmail(response);

    const own = await call(t, creator, 'GET', '/creators/me');
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual(profile);
    expectNoEmail(own);
  });

  it('is refused without the 18+ confirmation or the current terms, nothing stored', async () => {
    const creator = await signUp(t, 'creator');
    const { confirmAge: _age, ...noAge } = profileBody();
    expectProblem(await putProfile(t, creator, noAge), 400, 'age_confirmation_required', '/body/confirmAge');
    expectProblem(
      await putProfile(t, creator, profileBody({ confirmAge: false })),
      400,
      'age_confirmation_required',
    );
    expectProblem(
      await putProfile(t, creator, profileBody({ acceptTerms: '1999-01' })),
      400,
      'terms_not_accepted',
      '/body/acceptTerms',
    );
    const { acceptTerms: _terms, ...noTerms } = profileBody();
    expectProblem(await putProfile(t, creator, noTerms), 400, 'terms_not_accepted');
    expectProblem(await call(t, creator, 'GET', '/creators/me'), 404, 'creator_profile_not_found');
  });

  it('is for creator accounts only: a fan meets 403', async () => {
    const fan = await signUp(t, 'fan');
    expectProblem(await putProfile(t, fan, profileBody()), 403);
    expectProblem(await call(t, fan, 'GET', '/creators/me'), 403);
    expectProblem(await call(t, fan, 'PATCH', '/creators/me', { bio: 'x' }), 403);
  });
});

describe('handles', () => {
  it('are unique ignoring case, kept as typed: the second is a 409 handle_taken', async () => {
    const handle = freshHandle('Mia.');
    const first = await creatorWithProfile(t, { handle });
    const other = await signUp(t, 'creator');
    expectProblem(
      await putProfile(t, other, profileBody({ handle: handle.toLowerCase() })),
      409,
      'handle_taken',
      '/body/handle',
    );
    expectProblem(
      await putProfile(t, other, profileBody({ handle: handle.toUpperCase() })),
      409,
      'handle_taken',
    );
    const shown = await page(t, other, handle.toLowerCase());
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ id: first.id, handle });
    // Renaming into a taken handle is refused the same way, the old one kept.
    const mine = await creatorWithProfile(t);
    expectProblem(
      await call(t, mine, 'PATCH', '/creators/me', { handle: handle.toUpperCase() }),
      409,
      'handle_taken',
    );
    expect((await call(t, mine, 'GET', '/creators/me')).json().handle).toBe(mine.handle);
  });

  it('refuses reserved and malformed handles with a 400 on the handle', async () => {
    const creator = await signUp(t, 'creator');
    for (const handle of ['admin', 'Support', 'ROOT', 'pairly']) {
      expectProblem(
        await putProfile(t, creator, profileBody({ handle })),
        400,
        'handle_reserved',
        '/body/handle',
      );
    }
    for (const handle of ['ab', 'a'.repeat(31), 'has space', 'émile', 'semi;colon', 'dash-ed', '']) {
      expectProblem(await putProfile(t, creator, profileBody({ handle })), 400, undefined, '/body/handle');
    }
    expectProblem(await call(t, creator, 'GET', '/creators/me'), 404, 'creator_profile_not_found');
  });
});

describe('prices', () => {
  it('refuses negative, fractional, absurd and non-number prices, naming the field, nothing stored', async () => {
    const creator = await signUp(t, 'creator');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ message: -1, callMinute: 0, subscription: null }, '/body/prices/message'],
      [{ message: 1.5, callMinute: 0, subscription: null }, '/body/prices/message'],
      [{ message: 10_001, callMinute: 0, subscription: null }, '/body/prices/message'],
      [{ message: '25', callMinute: 0, subscription: null }, '/body/prices/message'],
      [{ message: 0, callMinute: -5, subscription: null }, '/body/prices/callMinute'],
      [{ message: 0, callMinute: 1e12, subscription: null }, '/body/prices/callMinute'],
      [{ message: 0, callMinute: 0, subscription: 0 }, '/body/prices/subscription'],
      [{ message: 0, callMinute: 0, subscription: 100_001 }, '/body/prices/subscription'],
      [{ message: 0, callMinute: 0, subscription: 9.99 }, '/body/prices/subscription'],
    ];
    for (const [prices, path] of cases) {
      expectProblem(await putProfile(t, creator, profileBody({ prices })), 400, undefined, path);
    }
    expectProblem(await call(t, creator, 'GET', '/creators/me'), 404);
    const settings = await call(t, creator, 'GET', '/messaging/settings');
    expect(settings.json().messagePrice).toBe(0);

    const made = await creatorWithProfile(t);
    expectProblem(
      await call(t, made, 'PATCH', '/creators/me', { prices: { subscription: -3 } }),
      400,
      undefined,
      '/body/prices/subscription',
    );
    expect((await call(t, made, 'GET', '/creators/me')).json().prices.subscription).toBe(200);
  });

  it('keeps one message price: the profile writes messaging settings, messaging charges it, and reads back', async () => {
    const creator = await creatorWithProfile(t, {
      prices: { message: 7, callMinute: 0, subscription: null },
    });
    expect((await call(t, creator, 'GET', '/messaging/settings')).json().messagePrice).toBe(7);

    // A message from a funded fan is charged the profile's price.
    const [fan, finance] = await Promise.all([signUp(t, 'fan'), signUp(t, 'finance')]);
    await grant(t, finance, fan, 100);
    const conversation = await call(t, fan, 'POST', '/conversations', { userId: creator.id });
    expect(conversation.statusCode, conversation.body).toBe(201);
    const sent = await keyed(t, fan, {
      method: 'POST',
      url: `/conversations/${conversation.json().id}/messages`,
      payload: { clientMessageId: 'hello-1', body: 'hi!' },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json().price).toBe(7);
    expect((await balanceOf(t, fan)).spendable).toBe(93);

    // Changed in messaging, the profile shows it; changed in the profile, messaging shows it.
    await call(t, creator, 'PUT', '/messaging/settings', { messagePrice: 12 });
    expect((await call(t, creator, 'GET', '/creators/me')).json().prices.message).toBe(12);
    expect((await page(t, fan, creator.handle)).json().prices.message).toBe(12);
    const patched = await call(t, creator, 'PATCH', '/creators/me', { prices: { message: 3 } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().prices).toEqual({ message: 3, callMinute: 0, subscription: null });
    expect((await call(t, creator, 'GET', '/messaging/settings')).json().messagePrice).toBe(3);
  });
});

describe('changing a profile', () => {
  it('PATCH changes only the fields sent; PUT replaces all without asking the confirmations again', async () => {
    const creator = await creatorWithProfile(t, { categories: ['music', 'art'], languages: ['en', 'fr'] });
    const before = (await call(t, creator, 'GET', '/creators/me')).json();
    t.clock.advance(60_000);
    const patched = await call(t, creator, 'PATCH', '/creators/me', {
      bio: 'New bio',
      availableForCalls: false,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toEqual({
      ...before,
      bio: 'New bio',
      availableForCalls: false,
      updatedAt: t.clock.now().toISOString(),
    });

    const replaced = await putProfile(t, creator, {
      handle: creator.handle,
      displayName: 'Renamed',
      prices: { message: 0, callMinute: 0, subscription: null },
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({
      displayName: 'Renamed',
      bio: '',
      categories: [],
      languages: [],
      availableForCalls: false,
      ageConfirmedAt: before.ageConfirmedAt,
      termsVersion: TERMS_VERSION,
    });
  });

  it('refuses unknown languages and categories, naming each', async () => {
    const creator = await creatorWithProfile(t);
    expectProblem(
      await call(t, creator, 'PATCH', '/creators/me', { languages: ['en', 'xx', 'zz'] }),
      400,
      'language_invalid',
      '/body/languages/2',
    );
    expectProblem(
      await call(t, creator, 'PATCH', '/creators/me', { categories: ['crypto'] }),
      400,
      undefined,
      '/body/categories/0',
    );
    expectProblem(await call(t, creator, 'PATCH', '/creators/me', { languages: ['EN'] }), 400);
  });

  it("is only ever your own: another creator's PATCH changes theirs (or is a 404), never yours", async () => {
    const owner = await creatorWithProfile(t);
    const other = await signUp(t, 'creator');
    expectProblem(
      await call(t, other, 'PATCH', '/creators/me', { bio: 'hijacked' }),
      404,
      'creator_profile_not_found',
    );
    const unknownField = await call(t, other, 'PATCH', '/creators/me', { userId: owner.id, bio: 'hijacked' });
    expectProblem(unknownField, 400);
    expect((await page(t, other, owner.handle)).json().bio).toBe('Weekly routines and live sessions.');
  });

  it("takes only the creator's own images as avatar and banner, shown as signed URLs", async () => {
    const creator = await signUp(t, 'creator');
    const stranger = await signUp(t, 'creator');
    const theirs = await uploadImage(t, stranger);
    expectProblem(await putProfile(t, creator, profileBody({ avatarMediaId: theirs })), 400);
    expectProblem(await call(t, creator, 'GET', '/creators/me'), 404);

    const avatar = await uploadImage(t, creator);
    const banner = await uploadImage(t, creator);
    const made = await putProfile(t, creator, profileBody({ avatarMediaId: avatar, bannerMediaId: banner }));
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ avatarMediaId: avatar, bannerMediaId: banner });
    expect(made.json().avatarUrl).toContain(`/media/${avatar}/content`);
    const image = await t.app.inject({ method: 'GET', url: made.json().avatarUrl });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toMatch(/^image\//);
  });
});

describe('fan profiles and user cards', () => {
  it('a fan sets a display name and avatar; others see the card, never the email', async () => {
    const fan = await signUp(t, 'fan');
    expectProblem(await call(t, fan, 'GET', '/fans/me'), 404, 'fan_profile_not_found');
    const avatar = await uploadImage(t, fan);
    const created = await call(t, fan, 'PUT', '/fans/me', { displayName: 'Sam', avatarMediaId: avatar });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ id: fan.id, displayName: 'Sam', avatarMediaId: avatar });
    const again = await call(t, fan, 'PUT', '/fans/me', { displayName: 'Sammy' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ displayName: 'Sammy', avatarMediaId: null, avatarUrl: null });

    const creator = await creatorWithProfile(t);
    const card = await call(t, creator, 'GET', `/users/${fan.id}/profile`);
    expect(card.statusCode, card.body).toBe(200);
    expect(card.json()).toEqual({
      kind: 'fan',
      id: fan.id,
      handle: null,
      displayName: 'Sammy',
      avatarUrl: null,
    });
    expectNoEmail(card);
    const creatorCard = await call(t, fan, 'GET', `/users/${creator.id}/profile`);
    expect(creatorCard.json()).toMatchObject({ kind: 'creator', id: creator.id, handle: creator.handle });
    expectNoEmail(creatorCard);

    const nobody = await signUp(t, 'fan');
    expectProblem(await call(t, fan, 'GET', `/users/${nobody.id}/profile`), 404, 'user_profile_not_found');
  });

  it("a blank display name or another user's image is refused", async () => {
    const fan = await signUp(t, 'fan');
    expectProblem(
      await call(t, fan, 'PUT', '/fans/me', { displayName: '   ' }),
      400,
      undefined,
      '/body/displayName',
    );
    const other = await signUp(t, 'fan');
    const theirs = await uploadImage(t, other);
    expectProblem(await call(t, fan, 'PUT', '/fans/me', { displayName: 'Sam', avatarMediaId: theirs }), 400);
    expectProblem(await call(t, fan, 'GET', '/fans/me'), 404);
  });
});
