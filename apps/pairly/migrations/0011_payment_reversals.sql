-- Refunds and chargebacks of credit purchases, the finance review queue of accounts frozen because a
-- reversal found the credits already spent, and reconciliation with the providers (runs and their
-- findings). Money moves only through the ledger (credit_transfers): a reversal row points at the
-- transfer that took the credits back and, for a dispute the platform won, the one that gave them back.

-- One row per provider refund or dispute, applied once: a redelivered event or a reconciliation
-- repair finds the row and does nothing. credits_reversed were taken back from the user's spendable
-- balance; credits_short could not be (already spent): the account was frozen and a review opened.
CREATE TABLE payment_reversals (
  id uuid PRIMARY KEY,
  provider text NOT NULL CHECK (provider IN ('stripe', 'razorpay')),
  -- Razorpay refund id (rfnd_), Stripe `<charge id>@<cumulative amount_refunded>` (charge.refunded
  -- reports the running total, not the refund), or the dispute id (dp_ / disp_).
  provider_reversal_id text NOT NULL CHECK (length(provider_reversal_id) BETWEEN 1 AND 255),
  kind text NOT NULL CHECK (kind IN ('refund', 'dispute')),
  order_id uuid NOT NULL REFERENCES payment_orders (id),
  user_id uuid NOT NULL REFERENCES auth_users (id),
  -- Minor units of currency: what the provider refunded or disputed.
  amount bigint NOT NULL CHECK (amount >= 0),
  currency text NOT NULL,
  credits_reversed bigint NOT NULL CHECK (credits_reversed >= 0),
  credits_short bigint NOT NULL CHECK (credits_short >= 0),
  -- A dispute the platform won: the credits given back. At most credits_reversed, and never what a
  -- refund recorded meanwhile already paid back in money (docs/payments.md).
  credits_reinstated bigint NOT NULL DEFAULT 0
    CHECK (credits_reinstated >= 0 AND credits_reinstated <= credits_reversed),
  -- reversed: in force; reinstated: a dispute the platform won, credits given back (once).
  status text NOT NULL DEFAULT 'reversed' CHECK (status IN ('reversed', 'reinstated')),
  -- Disputes only: the provider's last known dispute status (needs_response, won, lost, ...).
  dispute_status text,
  reversal_transfer_id bigint REFERENCES credit_transfers (id),
  reinstate_transfer_id bigint REFERENCES credit_transfers (id),
  -- Where it came from: the webhook event id, or `reconciliation:<run id>`.
  source text NOT NULL,
  created_at timestamptz NOT NULL,
  reinstated_at timestamptz,
  CONSTRAINT payment_reversals_once UNIQUE (provider, provider_reversal_id),
  CHECK ((status = 'reinstated') = (reinstated_at IS NOT NULL)),
  CHECK (status = 'reversed' OR kind = 'dispute')
);
CREATE INDEX payment_reversals_by_order ON payment_reversals (order_id, created_at);

-- A user whose reversal found the credits spent: the account is frozen and finance decides
-- (unfreeze, or keep it frozen). Resolved once (a conditional update from open).
CREATE TABLE payment_reviews (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES auth_users (id),
  order_id uuid NOT NULL REFERENCES payment_orders (id),
  reversal_id uuid NOT NULL UNIQUE REFERENCES payment_reversals (id),
  reason text NOT NULL CHECK (reason IN ('refund_after_spend', 'dispute_after_spend')),
  -- Credits the user still owes (0 once a dispute is won).
  credits_owed bigint NOT NULL CHECK (credits_owed >= 0),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  action text CHECK (action IN ('unfreeze', 'keep_frozen')),
  note text CHECK (note IS NULL OR char_length(note) <= 1000),
  resolved_by uuid REFERENCES auth_users (id),
  resolved_at timestamptz,
  created_at timestamptz NOT NULL,
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL AND resolved_by IS NOT NULL AND action IS NOT NULL))
);
CREATE INDEX payment_reviews_by_status ON payment_reviews (status, created_at, id);
CREATE INDEX payment_reviews_open_by_user ON payment_reviews (user_id) WHERE status = 'open';

-- One reconciliation pass over a period, scheduled or asked for by finance, with its counts.
CREATE TABLE payment_reconciliation_runs (
  id uuid PRIMARY KEY,
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'finance')),
  requested_by uuid REFERENCES auth_users (id),
  period_from timestamptz NOT NULL,
  period_to timestamptz NOT NULL,
  providers jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
  matched integer NOT NULL DEFAULT 0,
  repaired integer NOT NULL DEFAULT 0,
  open integer NOT NULL DEFAULT 0,
  error text CHECK (error IS NULL OR char_length(error) <= 1000),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  CHECK (period_from < period_to)
);
CREATE INDEX payment_reconciliation_runs_recent ON payment_reconciliation_runs (started_at DESC);

-- Something the provider and the ledger disagree about. One row per (provider, kind, provider
-- object), so reruns update it instead of adding another. repaired: fixed by the run itself;
-- open: finance looks and resolves it (audited).
CREATE TABLE payment_reconciliation_findings (
  id uuid PRIMARY KEY,
  provider text NOT NULL CHECK (provider IN ('stripe', 'razorpay')),
  kind text NOT NULL CHECK (kind IN ('missing_grant', 'missing_reversal', 'unknown_to_provider', 'amount_mismatch')),
  provider_object_id text NOT NULL CHECK (length(provider_object_id) BETWEEN 1 AND 255),
  order_id uuid REFERENCES payment_orders (id),
  status text NOT NULL CHECK (status IN ('open', 'repaired', 'resolved')),
  detail jsonb NOT NULL,
  first_run_id uuid NOT NULL REFERENCES payment_reconciliation_runs (id),
  last_run_id uuid NOT NULL REFERENCES payment_reconciliation_runs (id),
  resolution text CHECK (resolution IN ('fixed_manually', 'provider_error', 'accepted', 'false_positive')),
  note text CHECK (note IS NULL OR char_length(note) <= 1000),
  resolved_by uuid REFERENCES auth_users (id),
  resolved_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CONSTRAINT payment_reconciliation_findings_once UNIQUE (provider, kind, provider_object_id),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL AND resolved_by IS NOT NULL AND resolution IS NOT NULL))
);
CREATE INDEX payment_reconciliation_findings_by_status ON payment_reconciliation_findings (status, created_at, id);
