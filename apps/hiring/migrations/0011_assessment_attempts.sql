-- Assessment attempts (issue 12, docs/assessments.md): a candidate's timed attempt at one frozen
-- version, the answers they saved, the per-question grades and the employer's overrides of them.
-- The clock is the server's: started_at and deadline_at are written from it and never sent by a
-- client. An attempt is scored by whoever wins ONE conditional update of status
-- (in_progress -> scoring): the candidate's submit, a late submit or the expiry job.

create table hiring_assessment_attempts (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references hiring_organisations (id) on delete cascade,
  assessment_id uuid not null,
  version integer not null,
  invitation_id uuid not null references hiring_assessment_invitations (id) on delete cascade,
  application_id uuid references hiring_applications (id) on delete set null,
  candidate_user_id uuid references auth_users (id) on delete set null,
  candidate_email text not null,
  -- SHA-256 (hex) of the 256-bit attempt access token: the token itself is never stored.
  access_token_hash text not null unique,
  shuffle_seed integer not null check (shuffle_seed >= 0),
  status text not null check (status in ('in_progress', 'scoring', 'scored')),
  started_at timestamptz not null,
  deadline_at timestamptz not null check (deadline_at > started_at),
  submitted_at timestamptz,
  ended_by text check (ended_by in ('candidate', 'deadline')),
  scoring_claim uuid,
  scoring_started_at timestamptz,
  scored_at timestamptz,
  score double precision,
  max_score double precision,
  percent double precision check (percent between 0 and 100),
  passed boolean,
  time_taken_seconds integer check (time_taken_seconds >= 0),
  section_scores jsonb,
  foreign key (assessment_id, version) references hiring_assessment_versions (assessment_id, version),
  check ((status = 'scored') = (scored_at is not null)),
  check (status <> 'scored' or (score is not null and max_score is not null and percent is not null and passed is not null)),
  check (status = 'in_progress' or ended_by is not null)
);
-- The expiry sweep: in-progress attempts by deadline (and stuck scorings by when they started).
create index hiring_assessment_attempts_due on hiring_assessment_attempts (deadline_at) where status = 'in_progress';
create index hiring_assessment_attempts_scoring on hiring_assessment_attempts (scoring_started_at) where status = 'scoring';
create index hiring_assessment_attempts_assessment on hiring_assessment_attempts (assessment_id, started_at desc, id desc);
create index hiring_assessment_attempts_candidate on hiring_assessment_attempts (candidate_user_id, started_at desc) where candidate_user_id is not null;
-- The pipeline shows an application's latest scored attempt.
create index hiring_assessment_attempts_application on hiring_assessment_attempts (application_id, scored_at desc, id desc) where status = 'scored';

-- One answer per question, replaced by a later save (idempotent upsert).
create table hiring_assessment_answers (
  attempt_id uuid not null references hiring_assessment_attempts (id) on delete cascade,
  question_id text not null,
  answer jsonb not null,
  saved_at timestamptz not null,
  primary key (attempt_id, question_id)
);

create table hiring_assessment_grades (
  attempt_id uuid not null references hiring_assessment_attempts (id) on delete cascade,
  question_id text not null,
  section_id text not null,
  score double precision not null check (score >= 0 and score <= max_score),
  max_score double precision not null check (max_score >= 0),
  graded_score double precision not null check (graded_score >= 0 and graded_score <= max_score),
  grader text not null,
  rationale text not null,
  graded_at timestamptz not null,
  override_note text,
  overridden_by uuid references auth_users (id) on delete set null,
  overridden_at timestamptz,
  primary key (attempt_id, question_id)
);

-- Every override, oldest first (the audit log has them too, with who and from where).
create table hiring_assessment_grade_overrides (
  id uuid primary key default gen_random_uuid(),
  attempt_id uuid not null,
  question_id text not null,
  previous_score double precision not null,
  score double precision not null,
  note text not null,
  actor_id uuid references auth_users (id) on delete set null,
  created_at timestamptz not null,
  foreign key (attempt_id, question_id) references hiring_assessment_grades (attempt_id, question_id) on delete cascade
);
create index hiring_assessment_grade_overrides_attempt on hiring_assessment_grade_overrides (attempt_id, created_at);
