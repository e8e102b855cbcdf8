-- Fan subscriptions to creators, paid in credits one calendar month (UTC) at a time and renewed by
-- a scheduled job (modules/subscriptions). States: active -> past_due (a renewal failed; access
-- until grace_until) -> active again (paid within grace) or lapsed; active/past_due -> ended (cancelled
-- or no longer offered, at period end). Every change is a conditional update on (id, status,
-- period_index); a period is charged at most once (subscription_charges' key, and the credits key
-- `subscription:<id>:<period>` of the same transaction). Also: the message price a subscriber pays
-- a creator who made subscribers' messages free (messaging_price_for), read by messaging_send.

CREATE TABLE fan_subscriptions (
  id uuid PRIMARY KEY,
  fan_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  creator_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('active', 'past_due', 'ended', 'lapsed')),
  -- The current period's price in credits; next_price applies from the first renewal at or after
  -- next_price_from (a price increase gives notice, see the subscriptions docs).
  price integer NOT NULL CHECK (price > 0),
  next_price integer CHECK (next_price > 0),
  next_price_from timestamptz,
  -- Period n runs from anchor_at + n months to anchor_at + (n + 1) months (UTC, the day clamped to
  -- the month's last: an anchor on the 31st renews on Feb 28/29, then on Mar 31).
  anchor_at timestamptz NOT NULL,
  period_index integer NOT NULL DEFAULT 0 CHECK (period_index >= 0),
  current_period_start timestamptz NOT NULL,
  current_period_end timestamptz NOT NULL,
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  -- Why it ends at period end: the fan cancelled, the creator stopped offering subscriptions, or a
  -- block between the two.
  end_reason text CHECK (end_reason IN ('cancelled', 'not_offered', 'blocked', 'lapsed')),
  -- Set by the first failed renewal of a period (period end + grace), cleared by a successful one.
  grace_until timestamptz,
  -- Until when the fan sees subscriber content (with a live status): period end, plus the grace a
  -- failed renewal would give while a renewal is still to come (so access never drops between period
  -- end and the job's run); grace_until once past_due.
  access_until timestamptz NOT NULL,
  ended_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (fan_id <> creator_id),
  CHECK ((next_price IS NULL) = (next_price_from IS NULL)),
  CHECK (status <> 'past_due' OR grace_until IS NOT NULL),
  CHECK ((status IN ('ended', 'lapsed')) = (ended_at IS NOT NULL)),
  CHECK (current_period_end > current_period_start)
);
-- At most one live subscription per fan and creator; also the access lookup (fan, creator).
CREATE UNIQUE INDEX fan_subscriptions_one_live ON fan_subscriptions (fan_id, creator_id)
  WHERE status IN ('active', 'past_due');
-- The renewal job's scan: live subscriptions by period end.
CREATE INDEX fan_subscriptions_due ON fan_subscriptions (current_period_end, id)
  WHERE status IN ('active', 'past_due');
-- A fan's own list and a creator's subscribers, newest first.
CREATE INDEX fan_subscriptions_by_fan ON fan_subscriptions (fan_id, created_at DESC, id DESC);
CREATE INDEX fan_subscriptions_by_creator ON fan_subscriptions (creator_id, created_at DESC, id DESC)
  WHERE status IN ('active', 'past_due');

-- One row per paid period: the key that makes a period's charge happen once, whoever runs it.
CREATE TABLE subscription_charges (
  subscription_id uuid NOT NULL REFERENCES fan_subscriptions (id) ON DELETE CASCADE,
  period_index integer NOT NULL CHECK (period_index >= 0),
  amount integer NOT NULL CHECK (amount > 0),
  operation_id uuid NOT NULL REFERENCES credit_operations (id),
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL,
  charged_at timestamptz NOT NULL,
  PRIMARY KEY (subscription_id, period_index)
);

-- What p_sender pays per message to p_recipient at p_at: 0 when the recipient is a creator whose
-- subscribers write for free and the sender has subscriber access (a live subscription with
-- access_until after p_at), else the recipient's message price (0 without a settings row).
CREATE FUNCTION messaging_price_for(p_sender uuid, p_recipient uuid, p_at timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN EXISTS (
      SELECT 1 FROM creator_profiles cp
        JOIN fan_subscriptions s ON s.creator_id = cp.user_id
       WHERE cp.user_id = p_recipient AND cp.subscriber_messages_free
         AND s.fan_id = p_sender AND s.status IN ('active', 'past_due') AND s.access_until > p_at)
    THEN 0
    ELSE coalesce((SELECT message_price FROM messaging_settings WHERE user_id = p_recipient), 0)
  END
$$;

-- messaging_send (0006) as it was, but the price is messaging_price_for's (the sender's, at p_at).
CREATE OR REPLACE FUNCTION messaging_send(p_message_id uuid, p_conversation_id uuid, p_sender_id uuid,
                               p_client_message_id text, p_body text, p_price bigint,
                               p_charge jsonb, p_at timestamptz) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  v_conversation record;
  v_recipient uuid;
  v_stored messages;
  v_price bigint;
  v_run jsonb;
  v_operation_id uuid;
  v_seq bigint;
  v_message messages;
BEGIN
  SELECT user_a, user_b INTO v_conversation FROM conversations WHERE id = p_conversation_id FOR UPDATE;
  IF NOT FOUND OR p_sender_id NOT IN (v_conversation.user_a, v_conversation.user_b) THEN
    RAISE EXCEPTION 'messaging_send: no such conversation' USING errcode = 'PM404';
  END IF;
  v_recipient := CASE WHEN p_sender_id = v_conversation.user_a THEN v_conversation.user_b ELSE v_conversation.user_a END;

  IF EXISTS (SELECT 1 FROM messaging_restrictions WHERE user_id = p_sender_id AND lifted_at IS NULL) THEN
    RAISE EXCEPTION 'messaging_send: sender restricted' USING errcode = 'PMR03';
  END IF;
  IF EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = p_sender_id AND blocked_id = v_recipient) THEN
    RAISE EXCEPTION 'messaging_send: sender blocked the recipient' USING errcode = 'PMB03';
  END IF;
  IF EXISTS (SELECT 1 FROM user_blocks WHERE blocker_id = v_recipient AND blocked_id = p_sender_id) THEN
    RAISE EXCEPTION 'messaging_send: recipient blocked the sender' USING errcode = 'PMU03';
  END IF;

  SELECT * INTO v_stored FROM messages
    WHERE sender_id = p_sender_id AND client_message_id = p_client_message_id;
  IF FOUND THEN
    IF v_stored.conversation_id <> p_conversation_id OR v_stored.body <> p_body THEN
      RAISE EXCEPTION 'messaging_send: client message id reused' USING errcode = 'PM409';
    END IF;
    RETURN jsonb_build_object('replayed', true, 'message', to_jsonb(v_stored));
  END IF;

  v_price := messaging_price_for(p_sender_id, v_recipient, p_at);
  IF v_price <> p_price OR (v_price > 0) <> (p_charge IS NOT NULL) THEN
    RAISE EXCEPTION 'messaging_send: price changed' USING errcode = 'PM412';
  END IF;

  IF p_charge IS NOT NULL THEN
    v_run := credits_run(gen_random_uuid(), p_charge ->> 'scope', p_charge ->> 'key', 'message_charge',
                         p_charge ->> 'hash', p_charge -> 'legs', p_at, 201);
    -- The credits key is the client id: taken already means the same id raced into another conversation.
    IF (v_run ->> 'replayed')::boolean THEN
      RAISE EXCEPTION 'messaging_send: client message id reused' USING errcode = 'PM409';
    END IF;
    IF (v_run ->> 'status')::integer = 402 THEN
      RAISE EXCEPTION 'messaging_send: insufficient credits' USING errcode = 'PM402';
    END IF;
    v_operation_id := (v_run ->> 'operationId')::uuid;
  END IF;

  UPDATE conversations SET last_seq = last_seq + 1, last_message_at = p_at
    WHERE id = p_conversation_id RETURNING last_seq INTO v_seq;
  INSERT INTO messages (id, conversation_id, seq, sender_id, client_message_id, body, price,
                        charge_operation_id, created_at)
    VALUES (p_message_id, p_conversation_id, v_seq, p_sender_id, p_client_message_id, p_body, p_price,
            v_operation_id, p_at)
    RETURNING * INTO v_message;
  RETURN jsonb_build_object('replayed', false, 'message', to_jsonb(v_message));
END
$$;
