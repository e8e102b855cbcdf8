-- Who applied, for the employer (issue 11 item 19): the e-mail the candidate applied with is kept on
-- the application (taken from their account at apply time, so the employer's record and the stage
-- mails do not depend on a later account change), candidates may give their name on their profile,
-- and a candidate may withdraw an application (kept, shown as withdrawn, frozen in its stage).
alter table hiring_applications add column applicant_email text
  check (length(applicant_email) between 3 and 254);
update hiring_applications a set applicant_email = u.email from auth_users u where u.id = a.candidate_id;
alter table hiring_applications alter column applicant_email set not null;

alter table hiring_applications add column withdrawn_at timestamptz;

alter table hiring_candidates add column name text not null default '' check (length(name) <= 200);
