-- Assessment invitations (issue 12, docs/assessments.md "Invitations"): an organisation invites a
-- candidate, by email, to take one of its published assessments through a link carrying a random
-- token. Only the token's SHA-256 is stored. The stored status is pending, started, completed or
-- revoked; "expired" is computed from expires_at when read. A token starts one attempt at most
-- (token_spent_at), and an invitation allows attempts_limit attempts, each from a fresh token.
create table hiring_assessment_invitations (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references hiring_organisations (id) on delete cascade,
  assessment_id uuid not null references hiring_assessments (id) on delete cascade,
  email text not null check (length(email) between 3 and 254),
  name text check (length(name) between 1 and 200),
  application_id uuid references hiring_applications (id) on delete set null,
  candidate_user_id uuid references auth_users (id) on delete set null,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  token_issued_at timestamptz not null,
  token_spent_at timestamptz,
  status text not null default 'pending' check (status in ('pending', 'started', 'completed', 'revoked')),
  valid_hours integer not null check (valid_hours between 1 and 720),
  expires_at timestamptz not null,
  attempts_limit integer not null check (attempts_limit between 1 and 10),
  attempts_used integer not null default 0 check (attempts_used between 0 and attempts_limit),
  invited_by uuid references auth_users (id) on delete set null,
  created_at timestamptz not null,
  last_sent_at timestamptz not null,
  started_at timestamptz,
  completed_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid references auth_users (id) on delete set null,
  check ((status = 'revoked') = (revoked_at is not null))
);

-- The employer's list, newest first (optionally per assessment); the keyset is (created_at, id).
create index hiring_assessment_invitations_organisation_idx
  on hiring_assessment_invitations (organisation_id, created_at desc, id desc);
create index hiring_assessment_invitations_assessment_idx
  on hiring_assessment_invitations (assessment_id, created_at desc, id desc);
-- The candidate's own invitations: by account, or by the account's email.
create index hiring_assessment_invitations_candidate_idx
  on hiring_assessment_invitations (candidate_user_id) where candidate_user_id is not null;
create index hiring_assessment_invitations_email_idx on hiring_assessment_invitations (email);
-- One live invitation per candidate email and assessment: a second is refused (resend the first).
create unique index hiring_assessment_invitations_live_idx
  on hiring_assessment_invitations (assessment_id, email) where status in ('pending', 'started');

-- Every invitation mail, the first and each resend; resends are rate limited from these rows.
create table hiring_assessment_invitation_mails (
  id bigint generated always as identity primary key,
  invitation_id uuid not null references hiring_assessment_invitations (id) on delete cascade,
  kind text not null check (kind in ('invite', 'resend')),
  queued boolean not null,
  created_at timestamptz not null
);
create index hiring_assessment_invitation_mails_invitation_idx
  on hiring_assessment_invitation_mails (invitation_id, created_at);
