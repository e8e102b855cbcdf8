-- Gifts: credits one user gives another, with a note shown to the recipient. A gift is delivered at
-- once ('sent') or, when a fraud rule asks for review, held from the sender ('pending_review') until
-- staff approve it (delivered, 'approved') or reject it (given back, 'rejected'). Money moves only
-- through the ledger (credit_transfers); a gift row points at the transfers that moved it.

CREATE TABLE gifts (
  id uuid PRIMARY KEY,
  sender_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  recipient_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  amount bigint NOT NULL CHECK (amount > 0),
  note text CHECK (note IS NULL OR char_length(note) BETWEEN 1 AND 280),
  status text NOT NULL CHECK (status IN ('sent', 'pending_review', 'approved', 'rejected')),
  -- The rules that sent the gift to review: [{"rule": ..., "outcome": ..., "detail": ...}].
  review_reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
  operation_id uuid NOT NULL REFERENCES credit_operations (id),
  -- Sender spendable -> sender held, for a gift held for review.
  hold_transfer_id bigint REFERENCES credit_transfers (id),
  -- The move to the recipient's spendable account (sent or approved gifts only).
  delivery_transfer_id bigint REFERENCES credit_transfers (id),
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  reviewed_by uuid REFERENCES auth_users (id),
  reviewed_at timestamptz,
  review_note text CHECK (review_note IS NULL OR char_length(review_note) <= 500),
  CHECK (sender_id <> recipient_id),
  CHECK ((status IN ('sent', 'approved')) = (delivery_transfer_id IS NOT NULL AND delivered_at IS NOT NULL)),
  CHECK ((status IN ('pending_review', 'approved', 'rejected')) = (hold_transfer_id IS NOT NULL)),
  CHECK ((status IN ('approved', 'rejected')) = (reviewed_at IS NOT NULL AND reviewed_by IS NOT NULL))
);
CREATE INDEX gifts_by_sender ON gifts (sender_id, created_at, id);
CREATE INDEX gifts_by_recipient ON gifts (recipient_id, created_at, id);
CREATE INDEX gifts_by_status ON gifts (status, created_at, id);

-- One row per sender, locked (INSERT ... ON CONFLICT DO UPDATE) for the length of a gift's
-- transaction: a sender's gifts are judged one at a time, so concurrent gifts cannot together pass a
-- daily limit or a velocity rule that each alone would. Never locked with any account first, so
-- the ledger's id-ordered account locks cannot deadlock against it.
CREATE TABLE gift_senders (
  sender_id uuid PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE
);

-- The linked-accounts rule compares the addresses of two users' sessions; the identity schema only
-- indexes active sessions, and ended ones count too.
CREATE INDEX gift_sessions_by_user_and_ip ON auth_sessions (user_id, ip) WHERE ip IS NOT NULL;
