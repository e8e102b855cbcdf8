-- Employer organisations and their members, candidate profiles, and jobs (posted by an
-- organisation or ingested from a public job board). Every employer-owned row carries its
-- organisation id so queries are scoped by it; times are written by the application's clock.

create table hiring_organisations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  -- Published jobs allowed at once; null means unlimited (until billing sets a tier's quota).
  job_postings_limit integer check (job_postings_limit >= 0),
  job_postings_used integer not null default 0 check (job_postings_used >= 0),
  created_at timestamptz not null
);

create table hiring_organisation_members (
  organisation_id uuid not null references hiring_organisations (id) on delete cascade,
  user_id uuid not null references auth_users (id) on delete cascade,
  role text not null check (role in ('owner', 'recruiter', 'viewer')),
  created_at timestamptz not null,
  primary key (organisation_id, user_id)
);
create index hiring_organisation_members_user on hiring_organisation_members (user_id);

create table hiring_candidates (
  user_id uuid primary key references auth_users (id) on delete cascade,
  headline text not null default '',
  -- [{ "name": canonical skill, "level": 1..5 }]
  skills jsonb not null default '[]',
  years_experience integer not null default 0 check (years_experience between 0 and 70),
  city text,
  region text,
  country text,
  remote_preference text not null default 'any' check (remote_preference in ('remote', 'hybrid', 'on_site', 'any')),
  salary_min bigint check (salary_min >= 0),
  salary_max bigint check (salary_max >= 0),
  salary_currency text,
  salary_interval text check (salary_interval in ('HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR')),
  resume_text text not null default '',
  -- Employers may rank a candidate who applied to their job, or one who opted into discovery.
  discoverable boolean not null default false,
  updated_at timestamptz not null
);

create table hiring_jobs (
  id uuid primary key default gen_random_uuid(),
  -- Null for postings ingested from a global source.
  organisation_id uuid references hiring_organisations (id) on delete cascade,
  status text not null check (status in ('draft', 'published', 'closed')),
  title text not null,
  company text not null,
  description_html text not null default '',
  description_text text not null default '',
  city text,
  region text,
  country text,
  workplace_type text check (workplace_type in ('on_site', 'hybrid', 'remote')),
  employment_type text check (employment_type in
    ('FULL_TIME', 'PART_TIME', 'CONTRACTOR', 'TEMPORARY', 'INTERN', 'VOLUNTEER', 'PER_DIEM', 'OTHER')),
  salary_min bigint check (salary_min >= 0),
  salary_max bigint check (salary_max >= 0),
  salary_currency text,
  salary_interval text check (salary_interval in ('HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR')),
  -- [{ "name": canonical skill, "level": 1..5 | null, "required": boolean }]
  skills jsonb not null default '[]',
  min_years_experience integer check (min_years_experience between 0 and 70),
  posted_at timestamptz,
  valid_through timestamptz,
  url text,
  canonical_url text,
  source text not null default 'employer',
  source_job_id text,
  fingerprint text,
  created_by uuid references auth_users (id) on delete set null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  closed_at timestamptz,
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(company, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(description_text, '')), 'C')
  ) stored,
  unique (source, source_job_id)
);
-- The public listing: newest first with the id as a tie-breaker, which is also the cursor.
create index hiring_jobs_listing on hiring_jobs (status, posted_at desc, id desc);
create index hiring_jobs_organisation on hiring_jobs (organisation_id, created_at desc);
create index hiring_jobs_canonical_url on hiring_jobs (canonical_url);
create index hiring_jobs_fingerprint on hiring_jobs (fingerprint);
create index hiring_jobs_search on hiring_jobs using gin (search);
