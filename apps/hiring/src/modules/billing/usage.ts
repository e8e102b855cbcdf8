// Owns quota usage (docs/billing.md). Per-period metrics (AI assessments, invitations) are counted in
// hiring_usage, one row per (organisation, metric, period start), taken by ONE conditional statement
// so concurrent consumption on any number of instances never passes the limit; a new period is a new
// row starting at zero and the old rows stay as history. Concurrent metrics are what is held at
// once: published jobs (hiring_organisations.job_postings_used, taken by jobs/slots.ts) and members.
import type { Clock, Database } from '@app/platform';
import { hiringDb } from '../../db.js';
import { effectiveTier, METRICS, quotaOf, usagePeriod } from './tiers.js';
import type { ConsumeResult, Metric, PeriodMetric, SubscriptionStore, UsageMeter } from './types.js';

function checkAmount(amount: number): void {
  if (!Number.isSafeInteger(amount) || amount < 1) {
    throw new RangeError(`amount must be a positive whole number, got ${amount}`);
  }
}

// Inserts the period's row or adds to it, only while the sum stays within the limit ($5; null =
// unlimited). No row comes back when the limit refuses, whether the row existed or not.
const CONSUME = `
  insert into hiring_usage (organisation_id, metric, period_start, used)
  select $1::uuid, $2::text, $3::timestamptz, $4::integer
  where $5::integer is null or $4::integer <= $5::integer
  on conflict (organisation_id, metric, period_start) do update
    set used = hiring_usage.used + excluded.used
    where $5::integer is null or hiring_usage.used + excluded.used <= $5::integer
  returning used`;

export function createUsageMeter({
  db,
  clock,
  store,
}: {
  db: Database;
  clock: Clock;
  store: SubscriptionStore;
}): UsageMeter {
  const kysely = hiringDb(db);

  async function current(organisationId: string) {
    const subscription = await store.get(organisationId);
    return { tier: effectiveTier(subscription), period: usagePeriod(subscription, clock.now()) };
  }

  async function usedIn(organisationId: string, metric: PeriodMetric, periodStart: Date): Promise<number> {
    const row = await kysely
      .selectFrom('hiring_usage')
      .select('used')
      .where('organisation_id', '=', organisationId)
      .where('metric', '=', metric)
      .where('period_start', '=', periodStart)
      .executeTakeFirst();
    return row?.used ?? 0;
  }

  return {
    async consume(organisationId, metric, amount = 1): Promise<ConsumeResult> {
      checkAmount(amount);
      const { tier, period } = await current(organisationId);
      const limit = quotaOf(tier, metric);
      const { rows } = await db.executeSql(CONSUME, [organisationId, metric, period.start, amount, limit]);
      const taken = rows[0];
      if (taken) {
        return {
          allowed: true,
          used: Number(taken.used),
          limit,
          periodStart: period.start,
          periodEnd: period.end,
        };
      }
      return {
        allowed: false,
        used: await usedIn(organisationId, metric, period.start),
        limit,
        periodStart: period.start,
        periodEnd: period.end,
      };
    },

    async release(organisationId, metric, periodStart, amount = 1) {
      checkAmount(amount);
      await kysely
        .updateTable('hiring_usage')
        .set((eb) => ({ used: eb.fn('greatest', [eb('used', '-', amount), eb.lit(0)]) }))
        .where('organisation_id', '=', organisationId)
        .where('metric', '=', metric)
        .where('period_start', '=', periodStart)
        .execute();
    },

    async usage(organisationId) {
      const { tier, period } = await current(organisationId);
      const [periodRows, organisation, members] = await Promise.all([
        kysely
          .selectFrom('hiring_usage')
          .select(['metric', 'used'])
          .where('organisation_id', '=', organisationId)
          .where('period_start', '=', period.start)
          .execute(),
        kysely
          .selectFrom('hiring_organisations')
          .select(['job_postings_used', 'job_postings_limit'])
          .where('id', '=', organisationId)
          .executeTakeFirst(),
        kysely
          .selectFrom('hiring_organisation_members')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('organisation_id', '=', organisationId)
          .executeTakeFirstOrThrow(),
      ]);
      const used: Record<Metric, number> = {
        ai_assessments: 0,
        invitations: 0,
        job_postings: organisation?.job_postings_used ?? 0,
        seats: Number(members.count),
      };
      for (const row of periodRows) used[row.metric] = row.used;
      const usage = {} as Record<Metric, { used: number; limit: number | null }>;
      for (const metric of METRICS) usage[metric] = { used: used[metric], limit: quotaOf(tier, metric) };
      // The published-jobs limit enforced is the organisation's own (kept equal to the tier's by apply()).
      if (organisation) usage.job_postings.limit = organisation.job_postings_limit;
      return usage;
    },
  };
}
