-- Safety: blocks between users, messaging restrictions (a sender restricted from messaging pending
-- review), and reports of messages into the moderation queue, each with a snapshot of the message
-- and the messages before it as they were when reported.

-- A block is one-way in storage and two-way in effect: neither user can message the other.
CREATE TABLE user_blocks (
  blocker_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  blocked_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id),
  CHECK (blocker_id <> blocked_id)
);
-- "Who blocked me": the other direction of the either-way check.
CREATE INDEX user_blocks_by_blocked ON user_blocks (blocked_id, blocker_id);
-- A user's own list, newest first, with a (created_at, blocked_id) cursor.
CREATE INDEX user_blocks_by_blocker_time ON user_blocks (blocker_id, created_at DESC, blocked_id DESC);

-- At most one row per user: active while lifted_at is NULL. A later restriction after a lift reuses
-- the row (the audit log keeps the history), so two concurrent restrictions cannot both happen.
CREATE TABLE messaging_restrictions (
  user_id uuid PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE,
  reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
  created_at timestamptz NOT NULL,
  lifted_at timestamptz,
  lifted_by uuid REFERENCES auth_users (id),
  lift_note text CHECK (lift_note IS NULL OR char_length(lift_note) <= 500),
  CHECK ((lifted_at IS NULL) = (lifted_by IS NULL)),
  CHECK (lift_note IS NULL OR lifted_at IS NOT NULL)
);
CREATE INDEX messaging_restrictions_by_time ON messaging_restrictions ((lifted_at IS NULL), created_at, user_id);

CREATE TABLE message_reports (
  id uuid PRIMARY KEY,
  message_id uuid NOT NULL REFERENCES messages (id) ON DELETE RESTRICT,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE RESTRICT,
  reporter_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  -- The reported message's sender, kept here so reports against one sender are counted by index.
  sender_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  reason text NOT NULL CHECK (reason IN ('spam', 'harassment', 'sexual_content', 'scam', 'other')),
  note text CHECK (note IS NULL OR char_length(note) BETWEEN 1 AND 500),
  -- The message and the few before it as they were when reported (later unsends do not change it).
  snapshot jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  outcome text CHECK (outcome IN ('dismissed', 'upheld')),
  resolved_by uuid REFERENCES auth_users (id),
  resolved_at timestamptz,
  resolution_note text CHECK (resolution_note IS NULL OR char_length(resolution_note) <= 500),
  created_at timestamptz NOT NULL,
  CONSTRAINT message_reports_one_per_reporter UNIQUE (message_id, reporter_id),
  CHECK (reporter_id <> sender_id),
  CHECK ((status = 'resolved') = (outcome IS NOT NULL AND resolved_by IS NOT NULL AND resolved_at IS NOT NULL))
);
-- Reports against a sender within the window (the auto-restrict count).
CREATE INDEX message_reports_by_sender ON message_reports (sender_id, created_at);
-- The moderation queue by status, oldest first, with a (created_at, id) cursor.
CREATE INDEX message_reports_by_status ON message_reports (status, created_at, id);
