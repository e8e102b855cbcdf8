// What a member sees of the organisation's subscription (GET /organisations/:id/billing and the
// spec's GET /subscription-status): tier, effective tier, status, period, features, usage and
// limits; nobody outside the organisation learns anything (404). The local state underneath: an
// older Stripe state never overwrites a newer one, an ended subscription never replaces a live one,
// and the short-lived cache shows a new state as soon as it is invalidated.
import { type Database, withTransaction } from '@app/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HiringSchema } from '../../src/db.js';
import {
  addMember,
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { billingOf, putOnTier, snapshotFor } from './tier-support.js';

let t: HiringTestApp;
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let organisationId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  t.clock.set('2026-11-20T08:00:00.000Z');
  [owner, viewer, outsider] = [
    await signUp(t, 'employer'),
    await signUp(t, 'employer'),
    await signUp(t, 'employer'),
  ];
  organisationId = await createOrganisation(t, owner, 'Status Ltd');
  await addMember(t, owner, organisationId, viewer, 'viewer');
  await createOrganisation(t, outsider, 'Elsewhere Ltd');
});
afterAll(async () => t?.close());

const get = (url: string, user?: TestUser) =>
  t.app.inject({ method: 'GET', url, ...(user && { headers: user.headers }) });
const billing = (id: string, user?: TestUser) => get(`/organisations/${id}/billing`, user);

describe('the subscription status', () => {
  it('shows an organisation that never subscribed as free and active in the calendar month, to any member', async () => {
    for (const member of [owner, viewer]) {
      const response = await billing(organisationId, member);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        organisationId,
        tier: 'free',
        effectiveTier: 'free',
        status: 'active',
        currentPeriodStart: '2026-11-01T00:00:00.000Z',
        currentPeriodEnd: '2026-12-01T00:00:00.000Z',
        cancelAtPeriodEnd: false,
        trialEnd: null,
        features: [
          'ai_assessments',
          'invitations',
          'job_postings',
          'seats',
          'candidate_ranking',
          'job_board_ingestion',
        ],
        usage: {
          ai_assessments: { used: 0, limit: 10 },
          invitations: { used: 0, limit: 25 },
          job_postings: { used: 0, limit: 3 },
          seats: { used: 2, limit: 3 },
        },
      });
    }
  });

  it('shows a trial of a paid tier with its period, trial end, features and limits', async () => {
    const organisationId = await createOrganisation(t, owner, 'Trial Ltd');
    const periodStart = new Date('2026-11-20T08:00:00.000Z');
    const trialEnd = new Date('2026-12-04T08:00:00.000Z');
    await putOnTier(t, organisationId, 'pro', { status: 'trialing', periodStart, trialEnd });
    const body = (await billing(organisationId, owner)).json();
    expect(body).toMatchObject({
      tier: 'pro',
      effectiveTier: 'pro',
      status: 'trialing',
      currentPeriodStart: '2026-11-20T08:00:00.000Z',
      currentPeriodEnd: '2026-12-20T08:00:00.000Z',
      trialEnd: '2026-12-04T08:00:00.000Z',
      usage: { job_postings: { used: 0, limit: 50 }, seats: { used: 1, limit: 25 } },
    });
    expect(body.features).toContain('custom_branding');
    expect(body.features).not.toContain('sso');
  });

  it('keeps the paid tier while past_due, and falls back to free once canceled', async () => {
    const organisationId = await createOrganisation(t, owner, 'Late Payer Ltd');
    await putOnTier(t, organisationId, 'starter', { status: 'past_due' });
    expect((await billing(organisationId, owner)).json()).toMatchObject({
      tier: 'starter',
      effectiveTier: 'starter',
      status: 'past_due',
      usage: { job_postings: { limit: 10 } },
    });
    t.clock.advance(60_000);
    await putOnTier(t, organisationId, 'starter', { status: 'canceled' });
    expect((await billing(organisationId, owner)).json()).toMatchObject({
      tier: 'starter',
      effectiveTier: 'free',
      status: 'canceled',
      currentPeriodStart: '2026-11-01T00:00:00.000Z',
      features: [
        'ai_assessments',
        'invitations',
        'job_postings',
        'seats',
        'candidate_ranking',
        'job_board_ingestion',
      ],
      usage: { job_postings: { limit: 3 }, ai_assessments: { limit: 10 } },
    });
  });

  it("answers 404 for another organisation's billing and for one that does not exist", async () => {
    for (const url of [
      `/organisations/${organisationId}/billing`,
      '/organisations/00000000-0000-4000-8000-000000000000/billing',
      `/subscription-status?organisationId=${organisationId}`,
    ]) {
      const response = await get(url, outsider);
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toMatchObject({ code: 'organisation_not_found' });
    }
  });

  it('answers 401 without a token, 403 to a candidate and 400 for an id that is not one', async () => {
    expect((await billing(organisationId)).statusCode).toBe(401);
    expect((await get('/subscription-status')).statusCode).toBe(401);
    const candidate = await signUp(t, 'candidate');
    expect((await billing(organisationId, candidate)).statusCode).toBe(403);
    const malformed = await billing('42', owner);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: '/params/organisationId' })],
    });
    const query = await get('/subscription-status?organisationId=nope', owner);
    expect(query.statusCode).toBe(400);
    expect(query.json().errors[0]).toMatchObject({ path: '/querystring/organisationId' });
  });
});

describe('GET /subscription-status (the spec path)', () => {
  it("finds the caller's only organisation, or the one named", async () => {
    const response = await get('/subscription-status', viewer);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ organisationId, tier: 'free' });
    const named = await get(`/subscription-status?organisationId=${organisationId}`, owner);
    expect(named.json()).toMatchObject({ organisationId });
  });

  it('asks for organisationId with 400 organisation_required when the caller has several or none', async () => {
    const several = await get('/subscription-status', owner);
    expect(several.statusCode).toBe(400);
    expect(several.json()).toMatchObject({ code: 'organisation_required' });
    expect(several.json().detail).toMatch(/several organisations/);
    const none = await get('/subscription-status', await signUp(t, 'employer'));
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ code: 'organisation_required' });
  });
});

describe('the local subscription state', () => {
  it('ignores a state older than the one stored, and applies the same state again harmlessly', async () => {
    const organisationId = await createOrganisation(t, owner, 'Ordered Ltd');
    const newer = new Date('2026-11-20T09:00:00.000Z');
    const older = new Date('2026-11-20T08:30:00.000Z');
    expect(await putOnTier(t, organisationId, 'pro', { observedAt: newer })).toBe(true);
    expect(await putOnTier(t, organisationId, 'starter', { status: 'past_due', observedAt: older })).toBe(
      false,
    );
    expect(await putOnTier(t, organisationId, 'pro', { observedAt: newer })).toBe(true);
    const { store } = billingOf(t);
    expect(await store.get(organisationId)).toMatchObject({ tier: 'pro', status: 'active', stateAt: newer });
    expect((await billing(organisationId, owner)).json().usage.job_postings.limit).toBe(50);
  });

  it('never lets an ended subscription replace the live one that followed it', async () => {
    const organisationId = await createOrganisation(t, owner, 'Switched Ltd');
    await putOnTier(t, organisationId, 'starter', { subscriptionId: 'sub_old_plan' });
    t.clock.advance(60_000);
    // A second live subscription never replaces the live one (a double charge for a person).
    expect(await putOnTier(t, organisationId, 'pro', { subscriptionId: 'sub_new_plan' })).toBe(false);
    await putOnTier(t, organisationId, 'starter', { subscriptionId: 'sub_old_plan', status: 'canceled' });
    t.clock.advance(60_000);
    expect(await putOnTier(t, organisationId, 'pro', { subscriptionId: 'sub_new_plan' })).toBe(true);
    t.clock.advance(60_000);
    expect(
      await putOnTier(t, organisationId, 'starter', { subscriptionId: 'sub_old_plan', status: 'canceled' }),
    ).toBe(false);
    const { store } = billingOf(t);
    expect(await store.get(organisationId)).toMatchObject({
      tier: 'pro',
      status: 'active',
      stripeSubscriptionId: 'sub_new_plan',
    });
    expect(await store.findByStripeSubscription(null, 'sub_new_plan')).toMatchObject({ organisationId });
    expect(await store.findByStripeSubscription(null, 'sub_old_plan')).toBeNull();
  });

  it('remembers the Stripe customer without changing the tier, and keeps it when a state arrives', async () => {
    const organisationId = await createOrganisation(t, owner, 'Customer Ltd');
    const { store } = billingOf(t);
    await store.setCustomer(null, organisationId, `cus_test_${organisationId}`);
    await store.invalidate(organisationId);
    expect(await store.get(organisationId)).toMatchObject({
      tier: 'free',
      status: 'active',
      stripeCustomerId: `cus_test_${organisationId}`,
      stripeSubscriptionId: null,
      stateAt: null,
    });
    await putOnTier(t, organisationId, 'starter');
    await store.setCustomer(null, organisationId, `cus_test_${organisationId}`);
    expect(await store.findByStripeSubscription(null, `sub_test_${organisationId}`)).toMatchObject({
      tier: 'starter',
      stripeCustomerId: `cus_test_${organisationId}`,
    });
  });

  it('serves the cached state until it is invalidated after a commit', async () => {
    const organisationId = await createOrganisation(t, owner, 'Cached Ltd');
    expect((await billing(organisationId, owner)).json().tier).toBe('free');
    const { store } = billingOf(t);
    await withTransaction(t.db as Database<HiringSchema>, (trx) =>
      store.apply(trx, organisationId, snapshotFor(t, organisationId, 'pro'), t.clock.now()),
    );
    expect((await billing(organisationId, owner)).json().tier).toBe('free');
    await store.invalidate(organisationId);
    expect((await billing(organisationId, owner)).json().tier).toBe('pro');
  });
});
