// The tier catalogue and what it means for an organisation: every tier declares every feature's
// quota, paid tiers only add, a subscription's status decides which tier applies (canceled and
// incomplete fall back to free, past_due keeps the paid tier), new and pre-existing organisations
// start on free, and the seats quota bounds the members an owner can add.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calendarMonth,
  effectiveTier,
  FEATURES,
  METRICS,
  quotaOf,
  TIERS,
} from '../../src/modules/billing/tiers.js';
import { TIER_NAMES } from '../../src/modules/billing/types.js';
import {
  addMember,
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { putOnTier } from './tier-support.js';

describe('the tier catalogue', () => {
  it('declares every tier with known features and a quota for every metric', () => {
    expect(Object.keys(TIERS).sort()).toEqual([...TIER_NAMES].sort());
    for (const tier of TIER_NAMES) {
      for (const feature of TIERS[tier].features) expect(FEATURES).toContain(feature);
      expect(Object.keys(TIERS[tier].quotas).sort()).toEqual([...METRICS].sort());
    }
  });

  it('gives each higher tier every feature of the one below and at least its quotas', () => {
    for (let index = 1; index < TIER_NAMES.length; index++) {
      const lower = TIERS[TIER_NAMES[index - 1] as keyof typeof TIERS];
      const higher = TIERS[TIER_NAMES[index] as keyof typeof TIERS];
      expect(higher.features).toEqual(expect.arrayContaining([...lower.features]));
      for (const metric of METRICS) {
        const [low, high] = [lower.quotas[metric], higher.quotas[metric]];
        if (high !== null) expect(high).toBeGreaterThanOrEqual(low ?? Number.POSITIVE_INFINITY);
      }
    }
  });

  it('keeps free small but usable, and enterprise unlimited with every feature', () => {
    expect(TIERS.free.quotas).toEqual({ ai_assessments: 10, invitations: 25, job_postings: 3, seats: 3 });
    expect(TIERS.free.features).not.toContain('sso');
    expect(TIERS.enterprise.features).toEqual(FEATURES);
    for (const metric of METRICS) expect(quotaOf('enterprise', metric)).toBeNull();
  });

  it('applies the paid tier while trialing, active or past_due, and free once canceled or incomplete', () => {
    expect(effectiveTier({ tier: 'pro', status: 'trialing' })).toBe('pro');
    expect(effectiveTier({ tier: 'pro', status: 'active' })).toBe('pro');
    expect(effectiveTier({ tier: 'pro', status: 'past_due' })).toBe('pro');
    expect(effectiveTier({ tier: 'pro', status: 'canceled' })).toBe('free');
    expect(effectiveTier({ tier: 'starter', status: 'incomplete' })).toBe('free');
  });

  it("counts the free tier's period in UTC calendar months", () => {
    expect(calendarMonth(new Date('2026-12-31T23:59:59.999Z'))).toEqual({
      start: new Date('2026-12-01T00:00:00.000Z'),
      end: new Date('2027-01-01T00:00:00.000Z'),
    });
  });

  it("puts organisations that existed before billing on the free tier's job-postings limit", () => {
    const migration = readFileSync(new URL('../../migrations/0008_billing.sql', import.meta.url), 'utf8');
    expect(migration).toContain(
      `set job_postings_limit = ${TIERS.free.quotas.job_postings} where job_postings_limit is null`,
    );
  });
});

describe('an organisation on a tier', () => {
  let t: HiringTestApp;
  let owner: TestUser;

  beforeAll(async () => {
    t = await buildHiringTestApp();
    owner = await signUp(t, 'employer');
  });
  afterAll(async () => t?.close());

  const members = async (organisationId: string) =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/organisations/${organisationId}/members`,
        headers: owner.headers,
      })
    ).json().items as unknown[];

  it('starts on free: three published jobs at once', async () => {
    const organisationId = await createOrganisation(t, owner, 'Fresh Ltd');
    const listed = await t.app.inject({ method: 'GET', url: '/organisations', headers: owner.headers });
    expect(listed.json().items).toContainEqual(
      expect.objectContaining({ id: organisationId, jobPostingsLimit: 3, jobPostingsUsed: 0 }),
    );
  });

  it('refuses a member beyond the seats with 409 seat_quota_reached, and takes one once a seat is free', async () => {
    const organisationId = await createOrganisation(t, owner, 'Seats Ltd');
    const [first, second, third] = [
      await signUp(t, 'employer'),
      await signUp(t, 'employer'),
      await signUp(t, 'employer'),
    ] as TestUser[];
    await addMember(t, owner, organisationId, first as TestUser, 'recruiter');
    await addMember(t, owner, organisationId, second as TestUser, 'viewer');

    const refused = await t.app.inject({
      method: 'PUT',
      url: `/organisations/${organisationId}/members`,
      headers: owner.headers,
      payload: { email: third?.email, role: 'viewer' },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'seat_quota_reached' });
    expect(refused.json().detail).toMatch(/allows 3 members/);
    expect(await members(organisationId)).toHaveLength(3);

    // Changing the role of a member takes no new seat.
    await addMember(t, owner, organisationId, second as TestUser, 'recruiter');

    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/organisations/${organisationId}/members/${first?.id}`,
      headers: owner.headers,
    });
    expect(removed.statusCode).toBe(204);
    await addMember(t, owner, organisationId, third as TestUser, 'viewer');
    expect(await members(organisationId)).toHaveLength(3);
  });

  it('gives a paid tier its seats, and enterprise any number', async () => {
    const organisationId = await createOrganisation(t, owner, 'Growing Ltd');
    await putOnTier(t, organisationId, 'starter');
    for (let index = 0; index < 4; index++) {
      await addMember(t, owner, organisationId, await signUp(t, 'employer'), 'viewer');
    }
    const sixth = await signUp(t, 'employer');
    const refused = await t.app.inject({
      method: 'PUT',
      url: `/organisations/${organisationId}/members`,
      headers: owner.headers,
      payload: { email: sixth.email, role: 'viewer' },
    });
    expect(refused.json()).toMatchObject({ status: 409, code: 'seat_quota_reached' });

    expect(await putOnTier(t, organisationId, 'enterprise')).toBe(true);
    await addMember(t, owner, organisationId, sixth, 'viewer');
    expect(await members(organisationId)).toHaveLength(6);
  });
});
