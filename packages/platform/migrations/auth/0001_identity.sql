-- Identity: accounts, sessions with rotating refresh tokens, the second factor, password resets,
-- CSRF synchronizer tokens, the append-only audit log and the outgoing mail outbox. Every token is
-- stored as a SHA-256 hash; times are written by the application's clock so expiry is testable.

create table auth_users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique check (length(email) between 3 and 254),
  password_hash text not null,
  role text not null,
  created_at timestamptz not null,
  password_changed_at timestamptz not null,
  -- AES-256-GCM sealed base32 secret; enabled only once a code confirmed it.
  totp_secret_sealed text,
  totp_enabled_at timestamptz,
  -- Last accepted 30-second step: a code from this step or earlier is refused (replay).
  totp_last_step bigint
);

create table auth_sessions (
  id uuid primary key,
  user_id uuid not null references auth_users (id) on delete cascade,
  created_at timestamptz not null,
  last_used_at timestamptz not null,
  -- Hard maximum lifetime; the idle timeout is measured from last_used_at.
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text,
  ip text,
  user_agent text
);
create index auth_sessions_active_by_user on auth_sessions (user_id) where revoked_at is null;

create table auth_refresh_tokens (
  token_hash text primary key,
  session_id uuid not null references auth_sessions (id) on delete cascade,
  created_at timestamptz not null,
  -- Set when this token was exchanged for its successor; presenting it again is reuse.
  rotated_at timestamptz
);
create index auth_refresh_tokens_by_session on auth_refresh_tokens (session_id);

create table auth_recovery_codes (
  user_id uuid not null references auth_users (id) on delete cascade,
  code_hash text not null,
  used_at timestamptz,
  primary key (user_id, code_hash)
);

create table auth_password_resets (
  token_hash text primary key,
  user_id uuid not null references auth_users (id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);

create table auth_csrf_tokens (
  token_hash text primary key,
  user_id uuid not null references auth_users (id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  consumed_at timestamptz
);
create index auth_csrf_tokens_by_expiry on auth_csrf_tokens (expires_at);

create table audit_log (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null,
  actor_id uuid,
  action text not null,
  target_type text,
  target_id text,
  before jsonb,
  after jsonb,
  ip text,
  user_agent text,
  request_id text
);
create index audit_log_by_actor on audit_log (actor_id, occurred_at);
create index audit_log_by_action on audit_log (action, occurred_at);

create function audit_log_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_refuse_change();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_refuse_change();

create table mail_outbox (
  id bigint generated always as identity primary key,
  recipient text not null,
  subject text not null,
  body text not null,
  created_at timestamptz not null
);
