-- Who owns an ingested job, who holds a job-postings slot, and when a job expires (issue 11 items
-- 2, 3, 4, 14 and 19).
--
-- Ownership scope: every ingested row belongs to exactly one deduplication scope, and a source only
-- ever matches, updates or closes rows of its own scope:
--   'global'        a global source's postings (admins configure them); no organisation
--   'org:<id>'      postings of an organisation's VERIFIED source; the organisation's jobs
--   'source:<id>'   postings of an organisation's source that is not verified yet: external jobs
--                   with no organisation (no in-app applications), private to that one source
-- Jobs posted in the app have no scope (source = 'employer').

-- Verification of an organisation's own source: a token the owner publishes on the board, or an
-- admin's approval (audited).
alter table hiring_job_sources add column verification_token text;
alter table hiring_job_sources add column verified_at timestamptz;
alter table hiring_job_sources add column verified_by uuid references auth_users (id) on delete set null;
alter table hiring_job_sources add column verification_method text
  check (verification_method in ('token', 'admin'));
alter table hiring_job_sources add constraint hiring_job_sources_verified_consistent
  check ((verified_at is null) = (verification_method is null));
update hiring_job_sources
  set verification_token = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
  where organisation_id is not null;

alter table hiring_jobs add column ingest_scope text;
alter table hiring_jobs add column holds_slot boolean not null default false;
alter table hiring_jobs add column closed_reason text
  check (closed_reason in ('employer', 'vanished', 'expired'));

-- No organisation source was verified before this migration: what they ingested becomes external.
update hiring_jobs j set organisation_id = null, ingest_scope = 'source:' || j.job_source_id::text
  from hiring_job_sources s
  where s.id = j.job_source_id and s.organisation_id is not null and j.source <> 'employer';
update hiring_jobs set organisation_id = null, ingest_scope = 'global'
  where source <> 'employer' and ingest_scope is null;
update hiring_jobs set holds_slot = true
  where source = 'employer' and organisation_id is not null and status = 'published';
update hiring_jobs set closed_reason = case when source = 'employer' then 'employer' else 'vanished' end
  where status = 'closed';
update hiring_organisations o set job_postings_used =
  (select count(*) from hiring_jobs j where j.organisation_id = o.id and j.holds_slot);

-- Deduplication is per scope: one scope's posting never collides with (or updates) another's.
alter table hiring_jobs drop constraint hiring_jobs_source_source_job_id_key;
alter table hiring_jobs add constraint hiring_jobs_scope_source_job unique (ingest_scope, source, source_job_id);
alter table hiring_jobs add constraint hiring_jobs_scope_matches_origin
  check ((ingest_scope is null) = (source = 'employer'));
alter table hiring_jobs add constraint hiring_jobs_scope_matches_organisation
  check (organisation_id is null or ingest_scope is null or ingest_scope = 'org:' || organisation_id::text);
-- An organisation's job is published if and only if it holds a slot of the postings quota.
alter table hiring_jobs add constraint hiring_jobs_published_holds_slot
  check (holds_slot = (organisation_id is not null and status = 'published'));
drop index hiring_jobs_canonical_url;
drop index hiring_jobs_fingerprint;
create index hiring_jobs_job_source_scope on hiring_jobs (job_source_id, ingest_scope);
-- The expiry sweep: published jobs whose validThrough has passed.
create index hiring_jobs_expiry on hiring_jobs (valid_through) where status = 'published';

-- A run of one organisation's verified sources (its owners ask for it); null: every enabled source.
alter table hiring_scrape_runs add column organisation_id uuid references hiring_organisations (id) on delete cascade;
create index hiring_scrape_runs_organisation on hiring_scrape_runs (organisation_id, created_at desc);
-- Postings of a verified source stored as drafts because the organisation had no free slot.
alter table hiring_scrape_run_sources add column waiting integer not null default 0 check (waiting >= 0);
