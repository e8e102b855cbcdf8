-- Billing (issue 13, docs/billing.md): an organisation's subscription as this service knows it, and
-- its usage of the per-period quotas. Tiers and their quotas are declared in code
-- (src/modules/billing/tiers.ts); an organisation without a subscription row is on the free tier.

-- One row per organisation that ever started a checkout or subscribed. `state_at` is Stripe's time
-- of the state last applied: an older state (a late webhook) never overwrites a newer one.
create table hiring_subscriptions (
  organisation_id uuid primary key references hiring_organisations (id) on delete cascade,
  tier text not null check (tier in ('free', 'starter', 'pro', 'enterprise')),
  status text not null check (status in ('trialing', 'active', 'past_due', 'canceled', 'incomplete')),
  stripe_customer_id text unique,
  stripe_subscription_id text unique,
  current_period_start timestamptz not null,
  current_period_end timestamptz not null,
  cancel_at_period_end boolean not null default false,
  trial_end timestamptz,
  state_at timestamptz,
  updated_at timestamptz not null,
  check (current_period_end > current_period_start)
);

-- What an organisation used of a per-period quota, one row per (metric, period): a new period is a
-- new row starting at zero, and the rows of past periods are kept as history.
create table hiring_usage (
  organisation_id uuid not null references hiring_organisations (id) on delete cascade,
  metric text not null check (metric in ('ai_assessments', 'invitations')),
  period_start timestamptz not null,
  used integer not null default 0 check (used >= 0),
  primary key (organisation_id, metric, period_start)
);

-- Organisations that existed before billing are on the free tier: 3 published jobs at once (the
-- free tier's job_postings quota in tiers.ts; jobs already published over it stay published).
update hiring_organisations set job_postings_limit = 3 where job_postings_limit is null;
