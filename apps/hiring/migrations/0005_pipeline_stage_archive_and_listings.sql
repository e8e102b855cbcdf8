-- Pipeline stages are archived rather than deleted when an organisation removes them from its list:
-- the stage history of past applications keeps pointing at them (with their names), while new
-- applications and moves only see the active list. A stage re-added under the same key comes back.
alter table hiring_pipeline_stages add column archived_at timestamptz;

-- Keyset listings: a job's applications and a candidate's saved jobs, newest first with the id as
-- the tie-breaker (also the cursor); and "is any application in this stage?" before archiving it.
create index hiring_applications_job_listing on hiring_applications (job_id, created_at desc, id desc);
create index hiring_applications_stage on hiring_applications (stage_id);
create index hiring_saved_jobs_listing on hiring_saved_jobs (candidate_id, saved_at desc, job_id desc);
