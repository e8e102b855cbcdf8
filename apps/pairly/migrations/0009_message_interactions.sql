-- Message interactions: unsends numbered per conversation. An unsend changes a stored message the
-- other participant may already show, so its `message.unsent` event is durable: it is the stream
-- `unsent:<conversationId>` with seq = the conversation's unsend_seq, and a client (or the gateway,
-- after a gap or a lost pub/sub subscription) reads the tombstones after a seq back from here.
-- Receipts, delete-for-me and the read-receipts setting use messaging's tables (0006); typing is
-- never stored.

ALTER TABLE conversations ADD COLUMN unsend_seq bigint NOT NULL DEFAULT 0 CHECK (unsend_seq >= 0);

-- Every tombstone has its place in the stream, and only tombstones have one.
ALTER TABLE messages ADD COLUMN unsend_seq bigint CHECK (unsend_seq > 0);
ALTER TABLE messages ADD CONSTRAINT messages_unsend_seq_iff_unsent CHECK ((unsend_seq IS NULL) = (unsent_at IS NULL));
CREATE UNIQUE INDEX messages_unsend_seq_per_conversation ON messages (conversation_id, unsend_seq)
  WHERE unsend_seq IS NOT NULL;
-- What a resync reads: the messages of a user's conversations unsent since a socket opened.
CREATE INDEX messages_unsent_at ON messages (conversation_id, unsent_at) WHERE unsent_at IS NOT NULL;
