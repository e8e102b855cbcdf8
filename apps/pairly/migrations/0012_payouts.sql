-- Creator payouts: where a creator's payouts go (one destination per provider), and payout requests.
-- A request holds its credits in the ledger (credit_holds, placed by 'payouts' from the creator's
-- earnings account); the hold is captured to the payouts system account when the payout is paid and
-- released back to earnings when it fails, is rejected or canceled. Status changes are conditional
-- updates (UPDATE ... WHERE status IN (...)): requested -> approved -> processing -> paid | failed;
-- requested -> rejected | canceled; approved -> paid | failed (a provider answering at once).

CREATE TABLE payout_destinations (
  creator_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  provider text NOT NULL CHECK (provider IN ('stripe', 'razorpay')),
  -- A Stripe connected account (acct_...) or a RazorpayX fund account (fa_...).
  account_id text NOT NULL CHECK (account_id ~ '^(acct|fa)_[A-Za-z0-9]{6,64}$'),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (creator_id, provider)
);

CREATE TABLE payouts (
  id uuid PRIMARY KEY,
  creator_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  credits bigint NOT NULL CHECK (credits > 0),
  -- Minor units of currency: credits x rate (PAYOUT_RATES when requested).
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  rate bigint NOT NULL CHECK (rate > 0),
  -- PAYOUT_PROVIDER when requested: a payout is always sent through the provider it was requested for.
  provider text NOT NULL CHECK (provider IN ('manual', 'stripe', 'razorpay')),
  destination_account_id text,
  hold_id uuid NOT NULL UNIQUE REFERENCES credit_holds (id),
  status text NOT NULL CHECK (status IN ('requested', 'approved', 'processing', 'paid', 'failed', 'rejected', 'canceled')),
  provider_payout_id text,
  failure_reason text CHECK (failure_reason IS NULL OR char_length(failure_reason) <= 500),
  decided_by uuid REFERENCES auth_users (id),
  decided_at timestamptz,
  decision_reason text CHECK (decision_reason IS NULL OR char_length(decision_reason) <= 500),
  -- Who settled it: 'provider' (a webhook or the provider's answer) or a finance member's id (confirm).
  settled_by text,
  reference text CHECK (reference IS NULL OR char_length(reference) <= 200),
  note text CHECK (note IS NULL OR char_length(note) <= 500),
  send_attempts integer NOT NULL DEFAULT 0,
  last_send_error text CHECK (last_send_error IS NULL OR char_length(last_send_error) <= 500),
  -- An answer that arrived after the payout was settled the other way (e.g. reversed after paid):
  -- nothing moves, finance reviews it.
  late_outcome text CHECK (late_outcome IS NULL OR late_outcome IN ('paid', 'failed')),
  late_reason text CHECK (late_reason IS NULL OR char_length(late_reason) <= 500),
  requested_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  settled_at timestamptz,
  CHECK ((status IN ('paid', 'failed', 'rejected', 'canceled')) = (settled_at IS NOT NULL)),
  CHECK ((status = 'requested') = (decided_at IS NULL) OR status = 'canceled')
);
CREATE UNIQUE INDEX payouts_by_provider_payout ON payouts (provider, provider_payout_id)
  WHERE provider_payout_id IS NOT NULL;
CREATE INDEX payouts_by_creator ON payouts (creator_id, requested_at, id);
CREATE INDEX payouts_by_status ON payouts (status, requested_at, id);
