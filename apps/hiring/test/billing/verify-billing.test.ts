// "May we use this feature now?" (POST /organisations/:id/billing/verify and the spec's POST
// /verify-billing): a feature the tier does not grant is refused; a metered one answers with usage,
// limit and period end and is refused once its quota is used up; asking never consumes anything.
// Bad input is a 400 naming the field, no token a 401, another organisation a 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { billingOf, putOnTier } from './tier-support.js';

let t: HiringTestApp;
let owner: TestUser;
let outsider: TestUser;
let organisationId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  t.clock.set('2026-11-20T08:00:00.000Z');
  [owner, outsider] = [await signUp(t, 'employer'), await signUp(t, 'employer')];
  organisationId = await createOrganisation(t, owner, 'Verify Ltd');
  await createOrganisation(t, outsider, 'Other Ltd');
});
afterAll(async () => t?.close());

/** As `user` (the owner by default; null: without a token). */
const verify = (id: string, payload: unknown, user: TestUser | null = owner) =>
  t.app.inject({
    method: 'POST',
    url: `/organisations/${id}/billing/verify`,
    ...(user && { headers: user.headers }),
    payload: payload as Record<string, unknown>,
  });
const verifyAlias = (payload: unknown, user: TestUser = owner) =>
  t.app.inject({ method: 'POST', url: '/verify-billing', headers: user.headers, payload: payload as object });

describe('verifying a feature', () => {
  it('answers a metered feature with usage, limit and period end, and consumes nothing', async () => {
    for (let ask = 0; ask < 2; ask++) {
      const response = await verify(organisationId, { feature: 'ai_assessments' });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toEqual({
        feature: 'ai_assessments',
        allowed: true,
        tier: 'free',
        used: 0,
        limit: 10,
        periodEnd: '2026-12-01T00:00:00.000Z',
      });
    }
  });

  it('refuses a metered feature once its quota is used up', async () => {
    await billingOf(t).usage.consume(organisationId, 'invitations', 25);
    expect((await verify(organisationId, { feature: 'invitations' })).json()).toEqual({
      feature: 'invitations',
      allowed: false,
      tier: 'free',
      used: 25,
      limit: 25,
      periodEnd: '2026-12-01T00:00:00.000Z',
    });
  });

  it('answers a plain feature by the tier, with no usage', async () => {
    expect((await verify(organisationId, { feature: 'candidate_ranking' })).json()).toEqual({
      feature: 'candidate_ranking',
      allowed: true,
      tier: 'free',
    });
    expect((await verify(organisationId, { feature: 'custom_branding' })).json()).toEqual({
      feature: 'custom_branding',
      allowed: false,
      tier: 'free',
    });
    const upgraded = await createOrganisation(t, owner, 'Upgraded Ltd');
    await putOnTier(t, upgraded, 'pro');
    expect((await verify(upgraded, { feature: 'custom_branding' })).json()).toEqual({
      feature: 'custom_branding',
      allowed: true,
      tier: 'pro',
    });
    expect((await verify(upgraded, { feature: 'sso' })).json()).toMatchObject({ allowed: false });
  });

  it('answers an unlimited quota with a null limit', async () => {
    const unlimited = await createOrganisation(t, owner, 'Enterprise Ltd');
    await putOnTier(t, unlimited, 'enterprise');
    expect((await verify(unlimited, { feature: 'job_postings' })).json()).toEqual({
      feature: 'job_postings',
      allowed: true,
      tier: 'enterprise',
      used: 0,
      limit: null,
      periodEnd: '2026-12-20T08:00:00.000Z',
    });
  });
});

describe('bad requests', () => {
  it('answers 400 naming the field for a missing, unknown or malformed feature, or an extra field', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, '/body/feature'],
      [{ feature: 'time_travel' }, '/body/feature'],
      [{ feature: 42 }, '/body/feature'],
      [{ feature: 'sso', plan: 'pro' }, '/body/plan'],
    ];
    for (const [payload, path] of cases) {
      for (const response of [await verify(organisationId, payload), await verifyAlias(payload)]) {
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json()).toMatchObject({
          code: 'validation_failed',
          errors: expect.arrayContaining([expect.objectContaining({ path })]),
        });
      }
    }
    const noBody = await t.app.inject({ method: 'POST', url: '/verify-billing', headers: owner.headers });
    expect(noBody.statusCode).toBe(400);
    const badId = await verifyAlias({ feature: 'sso', organisationId: 'acme' });
    expect(badId.json().errors[0]).toMatchObject({ path: '/body/organisationId' });
  });

  it('answers 401 without a token and 403 to a candidate', async () => {
    expect((await verify(organisationId, { feature: 'sso' }, null)).statusCode).toBe(401);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/verify-billing',
      payload: { feature: 'sso' },
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await verify(organisationId, { feature: 'sso' }, await signUp(t, 'candidate'))).statusCode).toBe(
      403,
    );
  });

  it('answers 404 for another organisation, however it is named', async () => {
    const responses = [
      await verify(organisationId, { feature: 'sso' }, outsider),
      await verifyAlias({ feature: 'sso', organisationId }, outsider),
      await verify('00000000-0000-4000-8000-000000000000', { feature: 'sso' }),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'organisation_not_found' });
    }
  });
});

describe('POST /verify-billing (the spec path)', () => {
  it("checks the caller's only organisation, or the one named", async () => {
    const only = await verifyAlias({ feature: 'job_postings' }, outsider);
    expect(only.statusCode, only.body).toBe(200);
    expect(only.json()).toMatchObject({ feature: 'job_postings', allowed: true, used: 0, limit: 3 });
    const named = await verifyAlias({ feature: 'invitations', organisationId });
    expect(named.json()).toMatchObject({ allowed: false, used: 25 });
  });

  it('asks for organisationId with 400 organisation_required when the caller has several', async () => {
    const response = await verifyAlias({ feature: 'sso' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'organisation_required' });
  });
});
