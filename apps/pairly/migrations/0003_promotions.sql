-- Promo codes: credits granted from the promotions account when a user redeems a code. Every cap is
-- held by the database: a redemption takes a slot with a conditional UPDATE of the code's counter
-- (never past max_redemptions), the user's own count with a conditional upsert (never past
-- per_user_limit), and the user's first code of each campaign is one row per (campaign, user), which
-- is what "new users only" checks. The grant itself is a ledger transfer (kind 'promotion').

CREATE TABLE promo_codes (
  id uuid PRIMARY KEY,
  -- Stored upper-case; codes are matched case-insensitively by upper-casing what users type.
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9-]{4,32}$'),
  campaign text NOT NULL CHECK (length(campaign) BETWEEN 1 AND 100),
  amount bigint NOT NULL CHECK (amount > 0),
  -- Redeemable from starts_at (inclusive) until ends_at (exclusive).
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  max_redemptions integer NOT NULL CHECK (max_redemptions >= 1),
  per_user_limit integer NOT NULL DEFAULT 1 CHECK (per_user_limit >= 1),
  new_users_only boolean NOT NULL DEFAULT false,
  -- Credits granted by the code expire this many days after each redemption (a lot); NULL: never.
  credit_expiry_days integer CHECK (credit_expiry_days >= 1),
  redeemed integer NOT NULL DEFAULT 0,
  disabled_at timestamptz,
  disabled_by uuid REFERENCES auth_users (id),
  created_by uuid NOT NULL REFERENCES auth_users (id),
  created_at timestamptz NOT NULL,
  CHECK (ends_at > starts_at),
  CHECK (redeemed >= 0 AND redeemed <= max_redemptions),
  CHECK ((disabled_at IS NULL) = (disabled_by IS NULL))
);
CREATE INDEX promo_codes_listing ON promo_codes (created_at DESC, id DESC);
CREATE INDEX promo_codes_by_campaign ON promo_codes (campaign, created_at DESC, id DESC);

-- How many times each user redeemed each code.
CREATE TABLE promo_code_redeemers (
  code_id uuid NOT NULL REFERENCES promo_codes (id),
  user_id uuid NOT NULL REFERENCES auth_users (id),
  redeemed integer NOT NULL CHECK (redeemed >= 1),
  last_redeemed_at timestamptz NOT NULL,
  PRIMARY KEY (code_id, user_id)
);
CREATE INDEX promo_code_redeemers_by_user ON promo_code_redeemers (user_id);

-- The first code each user redeemed in each campaign: a new-users-only code refuses a user whose
-- first code of its campaign was another one.
CREATE TABLE promo_campaign_redeemers (
  campaign text NOT NULL,
  user_id uuid NOT NULL REFERENCES auth_users (id),
  first_code_id uuid NOT NULL REFERENCES promo_codes (id),
  first_redeemed_at timestamptz NOT NULL,
  PRIMARY KEY (campaign, user_id)
);
