-- Messaging: conversations between two users, their messages numbered per conversation (seq, the
-- realtime stream offset of `conv:<id>`), how far each participant has received and read, messages
-- a user deleted for themselves, and each user's messaging settings (the price others pay to write
-- to them, read receipts on or off). A paid message is charged through the credits ledger
-- (credits_run) in the same statement that stores it (messaging_send, below).

CREATE TABLE conversations (
  id uuid PRIMARY KEY,
  -- The two participants, the smaller id first, so a pair has one conversation.
  user_a uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  user_b uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  created_at timestamptz NOT NULL,
  -- The seq of the latest message (0 before any); messages take last_seq + 1 under the row's lock.
  last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
  last_message_at timestamptz,
  CHECK (user_a < user_b),
  CONSTRAINT conversations_one_per_pair UNIQUE (user_a, user_b)
);
-- A user's conversations, most recently active first (user_a's side is covered by the unique index's
-- prefix only for lookups, so both sides get an activity index).
CREATE INDEX conversations_by_user_a ON conversations (user_a, (coalesce(last_message_at, created_at)) DESC, id DESC);
CREATE INDEX conversations_by_user_b ON conversations (user_b, (coalesce(last_message_at, created_at)) DESC, id DESC);

CREATE TABLE messages (
  id uuid PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE RESTRICT,
  seq bigint NOT NULL CHECK (seq > 0),
  sender_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE RESTRICT,
  -- The sender's key for this message (sent again on every retry): one message per key.
  client_message_id text NOT NULL CHECK (length(client_message_id) BETWEEN 1 AND 255),
  -- NULL once unsent: the tombstone keeps id, seq and sender.
  body text CHECK (body IS NULL OR char_length(body) BETWEEN 1 AND 4000),
  -- What the sender paid (the recipient's price when it was sent); 0 when free.
  price bigint NOT NULL DEFAULT 0 CHECK (price >= 0),
  charge_operation_id uuid REFERENCES credit_operations (id),
  created_at timestamptz NOT NULL,
  unsent_at timestamptz,
  CONSTRAINT messages_seq_per_conversation UNIQUE (conversation_id, seq),
  CONSTRAINT messages_one_per_client_id UNIQUE (sender_id, client_message_id),
  CHECK ((body IS NULL) = (unsent_at IS NOT NULL)),
  CHECK ((price > 0) = (charge_operation_id IS NOT NULL))
);

-- "Up to seq" markers per participant; they only move forward (GREATEST on every update).
CREATE TABLE conversation_receipts (
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  delivered_seq bigint NOT NULL DEFAULT 0 CHECK (delivered_seq >= 0),
  read_seq bigint NOT NULL DEFAULT 0 CHECK (read_seq >= 0),
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);

-- "Delete for me": the message stays for the other participant.
CREATE TABLE message_hidden (
  message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (message_id, user_id)
);

-- A missing row means the defaults: free to write to, read receipts on.
CREATE TABLE messaging_settings (
  user_id uuid PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE,
  -- What another user pays per message to this user (only creators may set it above 0).
  message_price bigint NOT NULL DEFAULT 0 CHECK (message_price >= 0),
  read_receipts boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL
);

-- Sends one message in ONE statement (autocommit, so one round trip per send): locks the
-- conversation row, refuses a sender who may not write to the other participant (the safety rules of
-- migration 0007, read here so that a block or a restriction takes effect at once), answers the
-- stored message when the sender already used this client id in this conversation (a retry: nothing
-- charged), otherwise charges the recipient's price through credits_run (p_charge: {"scope", "key",
-- "hash", "legs"} built by the credits rules; NULL when the price is 0), takes the next seq and
-- stores the message. Returns {"replayed": bool, "message": <messages row>}.
-- Raises, so that nothing at all is kept (no message, no charge, not even the credits key, and a
-- retry after a top-up goes through):
--   PM404 no such conversation or the sender is not in it;
--   PMR03 the sender is restricted from messaging (an active messaging_restrictions row);
--   PMB03 the sender blocked the recipient; PMU03 the recipient blocked the sender;
--   PM409 the client id was used for another conversation or another body;
--   PM412 the recipient's price is no longer p_price (the caller reads it again and retries);
--   PM402 insufficient credits; PF423 (from credits_run) a frozen account.
CREATE FUNCTION messaging_send(p_message_id uuid, p_conversation_id uuid, p_sender_id uuid,
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

  SELECT coalesce((SELECT message_price FROM messaging_settings WHERE user_id = v_recipient), 0) INTO v_price;
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
