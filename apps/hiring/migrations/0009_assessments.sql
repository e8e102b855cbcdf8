-- Assessments (issue 12, docs/assessments.md): an organisation's assessment templates and their
-- versions. A template is a settings-free shell (its organisation, optional job, state); what a
-- candidate answers lives in numbered versions. Publishing freezes the newest version (its content
-- hash is set and a trigger refuses any later change); editing a published template writes a new
-- draft version, so an attempt always grades against the exact version it started on.

create table hiring_assessments (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references hiring_organisations (id) on delete cascade,
  job_id uuid references hiring_jobs (id) on delete set null,
  status text not null check (status in ('draft', 'published', 'archived')),
  -- The newest version: a draft being edited, or the published one when no draft follows it.
  latest_version integer not null default 1 check (latest_version >= 1),
  -- The version new attempts start on; null until the first publish.
  published_version integer check (published_version >= 1 and published_version <= latest_version),
  created_by uuid references auth_users (id) on delete set null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  archived_at timestamptz,
  check ((status = 'draft') = (published_version is null) or status = 'archived')
);
create index hiring_assessments_organisation on hiring_assessments (organisation_id, created_at desc, id desc);

create table hiring_assessment_versions (
  assessment_id uuid not null references hiring_assessments (id) on delete cascade,
  version integer not null check (version >= 1),
  title text not null,
  description text not null,
  -- Sections with their questions, grader-only fields included (types.ts Section[]).
  sections jsonb not null,
  time_limit_minutes integer not null check (time_limit_minutes between 1 and 480),
  pass_score_percent integer not null check (pass_score_percent between 0 and 100),
  attempts_limit integer not null check (attempts_limit between 1 and 10),
  shuffle_questions boolean not null,
  shuffle_choices boolean not null,
  question_count integer not null check (question_count >= 0),
  section_count integer not null check (section_count >= 0),
  total_points integer not null check (total_points >= 0),
  -- `deterministic` or a model name when generated; null when written by a person.
  generator text,
  fallback_reason text,
  -- Both set together when the version is published; from then on the row never changes.
  content_hash text,
  published_at timestamptz,
  created_by uuid references auth_users (id) on delete set null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (assessment_id, version),
  check ((content_hash is null) = (published_at is null))
);

-- A published version is frozen: attempts grade against it, so nothing may rewrite it.
create function hiring_assessment_versions_refuse_change() returns trigger language plpgsql as $$
begin
  if old.published_at is not null then
    raise exception 'version % of assessment % is published and cannot change', old.version, old.assessment_id
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;
create trigger hiring_assessment_versions_frozen
  before update on hiring_assessment_versions
  for each row execute function hiring_assessment_versions_refuse_change();
