-- Hard constraints for matching (issue 18): a recruiter will not consider a candidate who may not
-- work where the job is done, so both sides now say where. A remote job names the countries or
-- region codes (EU, DACH, ...) it may be done from (empty: anywhere); an on-site or hybrid job may
-- give how far from its location a candidate may live. A candidate names the countries they may
-- work in (empty: not said) and whether they would relocate (null: not said). Codes are validated
-- and upper-cased by the application (the list of region codes lives in code, not in a check).
-- Every column has a default, so existing rows and ingested jobs read as "no constraint given".
alter table hiring_jobs add column remote_regions text[] not null default '{}'
  check (cardinality(remote_regions) <= 50);
alter table hiring_jobs add column commute_radius_km integer
  check (commute_radius_km between 1 and 500);

alter table hiring_candidates add column work_authorisation text[] not null default '{}'
  check (cardinality(work_authorisation) <= 250);
alter table hiring_candidates add column willing_to_relocate boolean;
