-- What candidates do with jobs (save, dismiss, apply) and the employer's application pipeline:
-- per-organisation stages, applications moving between them with a full history, notes and ratings.

create table hiring_saved_jobs (
  candidate_id uuid not null references auth_users (id) on delete cascade,
  job_id uuid not null references hiring_jobs (id) on delete cascade,
  saved_at timestamptz not null,
  primary key (candidate_id, job_id)
);

create table hiring_dismissed_jobs (
  candidate_id uuid not null references auth_users (id) on delete cascade,
  job_id uuid not null references hiring_jobs (id) on delete cascade,
  dismissed_at timestamptz not null,
  primary key (candidate_id, job_id)
);

create table hiring_pipeline_stages (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references hiring_organisations (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  name text not null check (length(name) between 1 and 80),
  position integer not null,
  -- 'open' stages are in progress; an application in a 'hired' or 'rejected' stage is finished.
  outcome text not null check (outcome in ('open', 'hired', 'rejected')),
  unique (organisation_id, key)
);

create table hiring_applications (
  id uuid primary key default gen_random_uuid(),
  job_id uuid not null references hiring_jobs (id) on delete cascade,
  candidate_id uuid not null references auth_users (id) on delete cascade,
  organisation_id uuid not null references hiring_organisations (id) on delete cascade,
  cover_note text check (length(cover_note) <= 5000),
  stage_id uuid not null references hiring_pipeline_stages (id),
  stage_entered_at timestamptz not null,
  rejection_reason text,
  created_at timestamptz not null,
  -- One application per candidate and job, whatever the retries.
  unique (job_id, candidate_id)
);
create index hiring_applications_organisation on hiring_applications (organisation_id, created_at desc);
create index hiring_applications_candidate on hiring_applications (candidate_id, created_at desc);

create table hiring_application_stage_history (
  id bigserial primary key,
  application_id uuid not null references hiring_applications (id) on delete cascade,
  from_stage_id uuid references hiring_pipeline_stages (id),
  to_stage_id uuid not null references hiring_pipeline_stages (id),
  moved_by uuid references auth_users (id) on delete set null,
  reason text,
  moved_at timestamptz not null
);
create index hiring_application_stage_history_application on hiring_application_stage_history (application_id, id);

create table hiring_application_notes (
  id uuid primary key default gen_random_uuid(),
  application_id uuid not null references hiring_applications (id) on delete cascade,
  author_id uuid references auth_users (id) on delete set null,
  body text not null check (length(body) between 1 and 5000),
  rating smallint check (rating between 1 and 5),
  created_at timestamptz not null
);
create index hiring_application_notes_application on hiring_application_notes (application_id, created_at);
