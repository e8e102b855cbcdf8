-- Presence settings a user chooses, one row per user who changed one (no row: visible). The live
-- presence itself (leases, last activity) is in the key-value store; `hidden` is mirrored there so a
-- bulk lookup stays one key-value round trip, and this table is the truth when the mirror is gone.
CREATE TABLE presence_settings (
  user_id uuid PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE,
  -- Hidden users read as offline to everyone else, and their status changes are pushed to nobody.
  hidden boolean NOT NULL,
  updated_at timestamptz NOT NULL
);
