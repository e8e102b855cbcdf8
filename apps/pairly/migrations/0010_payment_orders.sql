-- Payment orders: a user buying a credit pack through Stripe (USD, EUR, GBP) or Razorpay (INR).
-- The row is written before the provider is called; the provider's order (a Checkout Session or a
-- Razorpay order) is recorded on it once made. Credits are granted only from a verified provider
-- event (or reconciliation's repair), once per provider payment: the grant is the ledger operation
-- keyed `grant:<provider>:<paymentId>` in scope `payments`, posted in the same transaction that
-- marks the order paid. States (docs/payments.md): created -> paid | failed | expired | review;
-- failed | expired -> paid (a late success still grants); paid -> partially_refunded | refunded |
-- disputed (reversals); anything that cannot be granted as it is goes to review.

CREATE TABLE payment_orders (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  pack_id text NOT NULL CHECK (char_length(pack_id) BETWEEN 1 AND 40),
  credits bigint NOT NULL CHECK (credits > 0),
  -- Minor units of currency (paise, cents, pence).
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL CHECK (currency IN ('INR', 'USD', 'EUR', 'GBP')),
  provider text NOT NULL CHECK (provider IN ('stripe', 'razorpay')),
  status text NOT NULL CHECK (status IN ('created', 'paid', 'partially_refunded', 'refunded', 'disputed',
                                         'failed', 'expired', 'review')),
  -- Stripe Checkout Session id / Razorpay order id, once the provider made it.
  provider_order_id text CHECK (char_length(provider_order_id) <= 255),
  -- Stripe PaymentIntent id / Razorpay payment id of the payment that paid the order.
  provider_payment_id text CHECK (char_length(provider_payment_id) <= 255),
  -- Stripe's hosted Checkout page (null for Razorpay, whose checkout is a widget).
  checkout_url text CHECK (char_length(checkout_url) <= 5000),
  success_url text CHECK (char_length(success_url) <= 2048),
  cancel_url text CHECK (char_length(cancel_url) <= 2048),
  -- The client's Idempotency-Key and a hash of the request it came with (same key, other body: 409).
  idempotency_key text NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
  request_hash text NOT NULL,
  credits_granted bigint NOT NULL DEFAULT 0 CHECK (credits_granted >= 0),
  -- Why the order went to review (amount_mismatch, currency_mismatch, second_payment, account_frozen, ...).
  review_reason text CHECK (char_length(review_reason) <= 500),
  -- The Razorpay checkout callback's signature was verified (informative only: it never grants).
  callback_verified_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  paid_at timestamptz,
  CONSTRAINT payment_orders_one_per_key UNIQUE (user_id, idempotency_key),
  CHECK ((status IN ('paid', 'partially_refunded', 'refunded', 'disputed'))
         = (paid_at IS NOT NULL AND provider_payment_id IS NOT NULL AND credits_granted > 0)
         OR status = 'review'
         -- An order finance settled from review by refunding at the provider: nothing was granted.
         OR (status = 'refunded' AND credits_granted = 0 AND review_reason IS NOT NULL)),
  CHECK (status <> 'review' OR review_reason IS NOT NULL)
);
CREATE UNIQUE INDEX payment_orders_by_provider_order ON payment_orders (provider, provider_order_id)
  WHERE provider_order_id IS NOT NULL;
CREATE UNIQUE INDEX payment_orders_by_provider_payment ON payment_orders (provider, provider_payment_id)
  WHERE provider_payment_id IS NOT NULL;
CREATE INDEX payment_orders_by_user ON payment_orders (user_id, created_at, id);
CREATE INDEX payment_orders_by_status ON payment_orders (status, created_at, id);
