// Who may touch an organisation's billing: its owners change it; its recruiters and viewers may read
// it but not buy, open the portal, cancel or resume (403); another organisation's owner learns
// nothing, not even that it exists (404), and nothing reaches Stripe for them; candidates have no
// billing (403); only admins reconcile (employers 403).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, signUp, signUpAdmin, type TestUser } from '../support/hiring-client.js';
import {
  type BillingTestApp,
  billingPost,
  buildBillingTestApp,
  checkoutBody,
  RETURN_ORIGIN,
  storedSubscription,
  subscribedOrganisation,
} from './support.js';

let context: BillingTestApp;
let victim: Awaited<ReturnType<typeof subscribedOrganisation>>;
let recruiter: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let candidate: TestUser;

beforeAll(async () => {
  context = await buildBillingTestApp();
  const { t } = context;
  victim = await subscribedOrganisation(context, 'pro');
  recruiter = await signUp(t, 'employer');
  viewer = await signUp(t, 'employer');
  await addMember(t, victim.owner, victim.organisationId, recruiter, 'recruiter');
  await addMember(t, victim.owner, victim.organisationId, viewer, 'viewer');
  // An owner of another organisation, with a subscription of their own.
  outsider = (await subscribedOrganisation(context, 'starter')).owner;
  candidate = await signUp(t, 'candidate');
});
afterAll(async () => {
  await context?.close();
});

const writes = (organisationId: string): Array<[string, string, Record<string, unknown>]> => [
  ['checkout', `/organisations/${organisationId}/billing/checkout`, checkoutBody('enterprise')],
  ['portal', `/organisations/${organisationId}/billing/portal`, { returnUrl: `${RETURN_ORIGIN}/billing` }],
  ['cancel', `/organisations/${organisationId}/billing/cancel`, { atPeriodEnd: false }],
  ['resume', `/organisations/${organisationId}/billing/resume`, {}],
  ['cancel-subscription', '/cancel-subscription', { organisationId, atPeriodEnd: false }],
];

describe('another organisation', () => {
  it('cannot read the billing (404)', async () => {
    const response = await context.t.app.inject({
      method: 'GET',
      url: `/organisations/${victim.organisationId}/billing`,
      headers: outsider.headers,
    });
    expect(response.statusCode).toBe(404);
  });

  it('cannot change it (404), and nothing reaches Stripe', async () => {
    const { t, stripe } = context;
    const before = await storedSubscription(t, victim.organisationId);
    const reached = stripe.requests.length;
    for (const [name, url, body] of writes(victim.organisationId)) {
      const response = await billingPost(t, outsider, url, body);
      expect(response.statusCode, name).toBe(404);
      expect(response.json().code, name).toBe('organisation_not_found');
    }
    expect(stripe.requests.length).toBe(reached);
    expect(await storedSubscription(t, victim.organisationId)).toEqual(before);
  });
});

describe('members without the owner role', () => {
  it.each([
    ['recruiter', () => recruiter],
    ['viewer', () => viewer],
  ])('a %s may read but not change billing (403)', async (_role, who) => {
    const { t } = context;
    const read = await t.app.inject({
      method: 'GET',
      url: `/organisations/${victim.organisationId}/billing`,
      headers: who().headers,
    });
    expect(read.statusCode).toBe(200);
    for (const [name, url, body] of writes(victim.organisationId)) {
      const response = await billingPost(t, who(), url, body);
      expect(response.statusCode, name).toBe(403);
      expect(response.json().code, name).toBe('organisation_role_insufficient');
    }
    expect(await storedSubscription(t, victim.organisationId)).toMatchObject({
      status: 'active',
      tier: 'pro',
    });
  });
});

describe('callers without billing', () => {
  it('candidates are refused (403), anonymous callers asked to sign in (401)', async () => {
    const { t } = context;
    for (const [name, url, body] of writes(victim.organisationId)) {
      expect((await billingPost(t, candidate, url, body)).statusCode, name).toBe(403);
      const anonymous = await t.app.inject({ method: 'POST', url, payload: body });
      expect(anonymous.statusCode, name).toBe(401);
    }
  });
});

describe('reconciliation', () => {
  it('only admins run it: employers and candidates 403, admins 200', async () => {
    const { t } = context;
    const url = '/admin/billing/reconcile';
    expect((await billingPost(t, victim.owner, url)).statusCode).toBe(403);
    expect((await billingPost(t, candidate, url)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url })).statusCode).toBe(401);
    const admin = await signUpAdmin(t);
    expect((await billingPost(t, admin, url)).statusCode).toBe(200);
  });
});
