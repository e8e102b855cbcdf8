// Usage of the per-period quotas: consumption counts up to the tier's limit and is refused past it
// with what is used, the limit and when the period ends; giving back never goes below zero; an
// unlimited tier still counts; a new period starts at zero and keeps the old period's row; a paid
// tier counts in its Stripe period, free in the calendar month.
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

beforeAll(async () => {
  t = await buildHiringTestApp();
  owner = await signUp(t, 'employer');
});
afterAll(async () => t?.close());

/** Moves the clock (forward only) and signs up a new owner, whose token is fresh at that time. */
async function at(instant: string): Promise<void> {
  t.clock.set(instant);
  owner = await signUp(t, 'employer');
}

async function usageRows(organisationId: string) {
  const { rows } = await t.db.executeSql(
    'select metric, period_start, used from hiring_usage where organisation_id = $1 order by period_start, metric',
    [organisationId],
  );
  return rows.map((row) => ({
    metric: row.metric,
    periodStart: (row.period_start as Date).toISOString(),
    used: row.used,
  }));
}

describe('consuming a per-period quota', () => {
  it('counts up to the free limit, then refuses without counting, and says when the period ends', async () => {
    await at('2026-03-10T12:00:00.000Z');
    const organisationId = await createOrganisation(t, owner, 'Assessors Ltd');
    const { usage } = billingOf(t);
    const periodEnd = new Date('2026-04-01T00:00:00.000Z');

    const periodStart = new Date('2026-03-01T00:00:00.000Z');
    const first = await usage.consume(organisationId, 'ai_assessments', 4);
    expect(first).toEqual({ allowed: true, used: 4, limit: 10, periodStart, periodEnd });
    for (let index = 5; index <= 10; index++) {
      expect(await usage.consume(organisationId, 'ai_assessments')).toMatchObject({
        allowed: true,
        used: index,
      });
    }
    expect(await usage.consume(organisationId, 'ai_assessments')).toEqual({
      allowed: false,
      used: 10,
      limit: 10,
      periodStart,
      periodEnd,
    });
    // Taking more than what is left is refused whole, not in part.
    await usage.release(organisationId, 'ai_assessments', first.periodStart, 2);
    expect(await usage.consume(organisationId, 'ai_assessments', 3)).toMatchObject({
      allowed: false,
      used: 8,
    });
    expect(await usage.consume(organisationId, 'ai_assessments', 2)).toMatchObject({
      allowed: true,
      used: 10,
    });
    // More than the whole quota at once, on a fresh metric, is refused and leaves no row behind.
    expect(await usage.consume(organisationId, 'invitations', 26)).toMatchObject({ allowed: false, used: 0 });
    expect(await usageRows(organisationId)).toEqual([
      { metric: 'ai_assessments', periodStart: '2026-03-01T00:00:00.000Z', used: 10 },
    ]);
  });

  it('gives back what a failed action took, never below zero', async () => {
    const organisationId = await createOrganisation(t, owner, 'Refunds Ltd');
    const { usage } = billingOf(t);
    const { periodStart } = await usage.consume(organisationId, 'invitations', 3);
    await usage.release(organisationId, 'invitations', periodStart, 2);
    expect((await usage.usage(organisationId)).invitations).toEqual({ used: 1, limit: 25 });
    await usage.release(organisationId, 'invitations', periodStart, 5);
    expect((await usage.usage(organisationId)).invitations).toEqual({ used: 0, limit: 25 });
    // Nothing taken in this period: nothing to give back, and no row appears.
    await usage.release(organisationId, 'ai_assessments', periodStart);
    expect((await usage.usage(organisationId)).ai_assessments).toEqual({ used: 0, limit: 10 });
  });

  it('refuses an amount that is not a positive whole number', async () => {
    const organisationId = await createOrganisation(t, owner, 'Careful Ltd');
    const { usage } = billingOf(t);
    for (const amount of [0, -1, 1.5, Number.NaN]) {
      await expect(usage.consume(organisationId, 'invitations', amount)).rejects.toThrow(RangeError);
      await expect(usage.release(organisationId, 'invitations', new Date(), amount)).rejects.toThrow(
        RangeError,
      );
    }
    expect(await usageRows(organisationId)).toEqual([]);
  });

  it('always allows an unlimited tier and still counts', async () => {
    const organisationId = await createOrganisation(t, owner, 'Unlimited Ltd');
    await putOnTier(t, organisationId, 'enterprise');
    const { usage } = billingOf(t);
    expect(await usage.consume(organisationId, 'ai_assessments', 5000)).toMatchObject({
      allowed: true,
      used: 5000,
      limit: null,
    });
    expect(await usage.consume(organisationId, 'ai_assessments')).toMatchObject({
      allowed: true,
      used: 5001,
    });
  });
});

describe('billing periods', () => {
  it('starts a new calendar month at zero on free and keeps the old month as history', async () => {
    await at('2026-05-31T23:59:00.000Z');
    const organisationId = await createOrganisation(t, owner, 'Monthly Ltd');
    const { usage } = billingOf(t);
    await usage.consume(organisationId, 'invitations', 25);
    expect(await usage.consume(organisationId, 'invitations')).toMatchObject({ allowed: false });

    t.clock.advance(60_000);
    expect(await usage.consume(organisationId, 'invitations')).toEqual({
      allowed: true,
      used: 1,
      limit: 25,
      periodStart: new Date('2026-06-01T00:00:00.000Z'),
      periodEnd: new Date('2026-07-01T00:00:00.000Z'),
    });
    expect(await usageRows(organisationId)).toEqual([
      { metric: 'invitations', periodStart: '2026-05-01T00:00:00.000Z', used: 25 },
      { metric: 'invitations', periodStart: '2026-06-01T00:00:00.000Z', used: 1 },
    ]);
  });

  it('counts a paid tier in its Stripe period, which the next renewal replaces', async () => {
    await at('2026-08-15T10:00:00.000Z');
    const organisationId = await createOrganisation(t, owner, 'Subscribed Ltd');
    const periodStart = new Date('2026-08-12T09:30:00.000Z');
    const periodEnd = new Date('2026-09-12T09:30:00.000Z');
    await putOnTier(t, organisationId, 'starter', { periodStart, periodEnd });
    const { usage } = billingOf(t);
    expect(await usage.consume(organisationId, 'ai_assessments', 60)).toEqual({
      allowed: true,
      used: 60,
      limit: 100,
      periodStart,
      periodEnd,
    });

    t.clock.set('2026-09-12T09:31:00.000Z');
    await putOnTier(t, organisationId, 'starter', {
      periodStart: periodEnd,
      periodEnd: new Date('2026-10-12T09:30:00.000Z'),
    });
    expect(await usage.consume(organisationId, 'ai_assessments')).toMatchObject({ allowed: true, used: 1 });
    expect(await usageRows(organisationId)).toEqual([
      { metric: 'ai_assessments', periodStart: '2026-08-12T09:30:00.000Z', used: 60 },
      { metric: 'ai_assessments', periodStart: '2026-09-12T09:30:00.000Z', used: 1 },
    ]);
  });

  it('gives back a release in the period it was consumed in, not the one current at release time', async () => {
    await at('2026-05-31T23:59:00.000Z');
    const organisationId = await createOrganisation(t, owner, 'Boundary Ltd');
    const { usage } = billingOf(t);
    const taken = await usage.consume(organisationId, 'invitations', 4);
    t.clock.advance(120_000);
    await usage.consume(organisationId, 'invitations', 2);
    await usage.release(organisationId, 'invitations', taken.periodStart, 4);
    expect(await usageRows(organisationId)).toEqual([
      { metric: 'invitations', periodStart: '2026-05-01T00:00:00.000Z', used: 0 },
      { metric: 'invitations', periodStart: '2026-06-01T00:00:00.000Z', used: 2 },
    ]);
  });

  it('reports every metric with its limit: per period, published jobs and members', async () => {
    await at('2026-10-01T00:00:00.000Z');
    const organisationId = await createOrganisation(t, owner, 'Reported Ltd');
    const { usage } = billingOf(t);
    await usage.consume(organisationId, 'invitations', 7);
    expect(await usage.usage(organisationId)).toEqual({
      ai_assessments: { used: 0, limit: 10 },
      invitations: { used: 7, limit: 25 },
      job_postings: { used: 0, limit: 3 },
      seats: { used: 1, limit: 3 },
    });
  });
});
