// A tier change never deletes or hides anything: after a downgrade, jobs published over the new limit
// stay published and readable, members over the seats stay members, usage history stays; what is new
// is refused with a clear code (job_postings_quota_reached, seat_quota_reached, allowed: false) until
// usage fits the new tier again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  buildHiringTestApp,
  createJob,
  createOrganisation,
  type HiringTestApp,
  publishJob,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { billingOf, putOnTier } from './tier-support.js';

let t: HiringTestApp;
let owner: TestUser;
let organisationId: string;
/** The paid period the downgrade happens in (Stripe keeps the period when the price changes). */
let periodStart: Date;
const published: string[] = [];
const members: TestUser[] = [];

beforeAll(async () => {
  t = await buildHiringTestApp();
  t.clock.set('2026-01-12T09:30:00.000Z');
  owner = await signUp(t, 'employer');
  organisationId = await createOrganisation(t, owner, 'Shrinking Ltd');
  periodStart = t.clock.now();
  await putOnTier(t, organisationId, 'pro', { periodStart });
  for (let index = 0; index < 5; index++) {
    const job = await createJob(t, owner, organisationId, { title: `Role ${index + 1}` });
    await publishJob(t, owner, job.id as string);
    published.push(job.id as string);
  }
  for (let index = 0; index < 4; index++) {
    const member = await signUp(t, 'employer');
    await addMember(t, owner, organisationId, member, 'recruiter');
    members.push(member);
  }
  expect((await billingOf(t).usage.consume(organisationId, 'ai_assessments', 150)).allowed).toBe(true);
});
afterAll(async () => t?.close());

const status = async () =>
  (
    await t.app.inject({
      method: 'GET',
      url: `/organisations/${organisationId}/billing`,
      headers: owner.headers,
    })
  ).json();
const publish = (jobId: string) =>
  t.app.inject({ method: 'POST', url: `/jobs/${jobId}/publish`, headers: owner.headers });
const addRecruiter = (member: TestUser) =>
  t.app.inject({
    method: 'PUT',
    url: `/organisations/${organisationId}/members`,
    headers: owner.headers,
    payload: { email: member.email, role: 'recruiter' },
  });

describe('a downgrade', () => {
  it('to a smaller paid tier refuses period consumption over the new limit, keeping what was used', async () => {
    t.clock.advance(60_000);
    await putOnTier(t, organisationId, 'starter', { periodStart });
    expect(await billingOf(t).usage.consume(organisationId, 'ai_assessments')).toMatchObject({
      allowed: false,
      used: 150,
      limit: 100,
    });
    const verify = await t.app.inject({
      method: 'POST',
      url: `/organisations/${organisationId}/billing/verify`,
      headers: owner.headers,
      payload: { feature: 'ai_assessments' },
    });
    expect(verify.json()).toMatchObject({ allowed: false, tier: 'starter', used: 150, limit: 100 });
  });

  it('to free keeps every published job published and readable, and refuses a new one with the code', async () => {
    t.clock.advance(60_000);
    await putOnTier(t, organisationId, 'starter', { periodStart, status: 'canceled' });
    expect((await status()).usage.job_postings).toEqual({ used: 5, limit: 3 });
    for (const jobId of published) {
      const job = await t.app.inject({ method: 'GET', url: `/jobs/${jobId}` });
      expect(job.statusCode).toBe(200);
      expect(job.json()).toMatchObject({ status: 'published' });
    }
    const listing = await t.app.inject({ method: 'GET', url: '/jobs?limit=100' });
    const listed = listing.json().items.map((job: { id: string }) => job.id);
    expect(listed).toEqual(expect.arrayContaining(published));

    const draft = (await createJob(t, owner, organisationId, { title: 'Waiting Role' })).id as string;
    const refused = await publish(draft);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'job_postings_quota_reached' });
    expect(refused.json().detail).toMatch(/close one or upgrade/);

    // Closing down to two published jobs makes room for one more.
    for (const jobId of published.slice(0, 3)) {
      const closed = await t.app.inject({
        method: 'POST',
        url: `/jobs/${jobId}/close`,
        headers: owner.headers,
      });
      expect(closed.statusCode).toBe(200);
    }
    expect((await publish(draft)).statusCode).toBe(200);
    expect((await status()).usage.job_postings).toEqual({ used: 3, limit: 3 });
  });

  it('to free keeps every member, and refuses a new one until the members fit the seats', async () => {
    expect((await status()).usage.seats).toEqual({ used: 5, limit: 3 });
    const newcomer = await signUp(t, 'employer');
    const refused = await addRecruiter(newcomer);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'seat_quota_reached' });
    // A member already in may still change role.
    expect((await addRecruiter(members[0] as TestUser)).statusCode).toBe(200);

    for (const member of members.slice(0, 3)) {
      const removed = await t.app.inject({
        method: 'DELETE',
        url: `/organisations/${organisationId}/members/${member.id}`,
        headers: owner.headers,
      });
      expect(removed.statusCode).toBe(204);
    }
    expect((await addRecruiter(newcomer)).statusCode).toBe(200);
    expect((await status()).usage.seats).toEqual({ used: 3, limit: 3 });
  });

  it('keeps the usage history of the paid period', async () => {
    const { rows } = await t.db.executeSql(
      'select metric, used from hiring_usage where organisation_id = $1 order by period_start',
      [organisationId],
    );
    expect(rows).toEqual([{ metric: 'ai_assessments', used: 150 }]);
    // Free counts in the calendar month: a fresh start, within free's limit.
    expect((await status()).usage.ai_assessments).toEqual({ used: 0, limit: 10 });
  });

  it('and an upgrade again lifts the limits at once', async () => {
    t.clock.advance(60_000);
    await putOnTier(t, organisationId, 'pro', { subscriptionId: `sub_again_${organisationId}` });
    expect((await status()).usage).toMatchObject({
      job_postings: { used: 3, limit: 50 },
      seats: { used: 3, limit: 25 },
    });
    const job = (await createJob(t, owner, organisationId)).id as string;
    expect((await publish(job)).statusCode).toBe(200);
  });
});
