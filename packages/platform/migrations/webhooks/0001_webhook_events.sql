-- The incoming-webhook inbox (packages/platform/src/webhooks/inbox.ts, docs/webhooks.md): one row
-- per provider event, keyed by the provider's own event id. A processed or ignored row is written
-- in the same transaction as the handler's effect, so its presence proves the effect happened; a
-- failed row is written after that transaction rolled back and is retried by the next delivery; an
-- unresolved row (an event the handler can never apply: nothing of it was written) is final, kept
-- with its reason in last_error for reconciliation.
-- Times come from the application's clock.

create table webhook_events (
  provider text not null check (length(provider) between 1 and 50),
  event_id text not null check (length(event_id) between 1 and 255),
  type text not null check (length(type) between 1 and 255),
  event_created_at timestamptz not null,
  received_at timestamptz not null,
  status text not null check (status in ('processed', 'ignored', 'unresolved', 'failed')),
  payload jsonb not null,
  attempts integer not null check (attempts >= 1),
  last_error text check (length(last_error) <= 1000),
  processed_at timestamptz,
  primary key (provider, event_id)
);

-- Reconciliation retries the failed events of a provider, fewest attempts first, then oldest.
create index webhook_events_failed on webhook_events (provider, attempts, received_at) where status = 'failed';

-- Reconciliation reports the unresolved events of a provider, newest first.
create index webhook_events_unresolved on webhook_events (provider, processed_at) where status = 'unresolved';
