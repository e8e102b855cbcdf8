-- Job-board ingestion: the configured sources (global, or one organisation's), each scrape run and
-- its outcome per source, and which source a posting came from so postings that disappeared from
-- it can be closed.

create table hiring_job_sources (
  id uuid primary key default gen_random_uuid(),
  -- Null: a global source whose postings belong to no organisation.
  organisation_id uuid references hiring_organisations (id) on delete cascade,
  kind text not null check (kind in ('greenhouse', 'lever', 'ashby', 'smartrecruiters', 'jsonld')),
  -- Board token, site, job board name, company identifier or careers page URL, by kind.
  identifier text not null check (length(identifier) between 1 and 2000),
  enabled boolean not null default true,
  created_at timestamptz not null,
  unique nulls not distinct (organisation_id, kind, identifier)
);

create table hiring_scrape_runs (
  id uuid primary key default gen_random_uuid(),
  requested_by uuid references auth_users (id) on delete set null,
  trigger text not null check (trigger in ('manual', 'schedule')),
  status text not null check (status in ('queued', 'running', 'finished')),
  created_at timestamptz not null,
  started_at timestamptz,
  finished_at timestamptz
);
create index hiring_scrape_runs_created on hiring_scrape_runs (created_at desc);

create table hiring_scrape_run_sources (
  run_id uuid not null references hiring_scrape_runs (id) on delete cascade,
  source_id uuid not null references hiring_job_sources (id) on delete cascade,
  status text not null check (status in ('ok', 'empty', 'not_found', 'error', 'timeout')),
  message text,
  fetched integer not null check (fetched >= 0),
  inserted integer not null check (inserted >= 0),
  updated integer not null check (updated >= 0),
  closed integer not null check (closed >= 0),
  duration_ms integer not null check (duration_ms >= 0),
  primary key (run_id, source_id)
);

alter table hiring_jobs add column job_source_id uuid references hiring_job_sources (id) on delete set null;
create index hiring_jobs_job_source on hiring_jobs (job_source_id) where status = 'published';
