// Owns how stored messaging rows are shown to a client (REST bodies, WebSocket events and replies):
// one mapping per kind of row, so every transport shows the same fields. An unsent message is a
// tombstone: id, seq and sender stay, the body is null and unsentAt says when.
import type { OutgoingEvent } from '@app/platform';

export interface StoredMessage {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_message_id: string;
  body: string | null;
  price: number;
  created_at: Date | string;
  unsent_at: Date | string | null;
}

export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  clientMessageId: string;
  body: string | null;
  price: number;
  createdAt: string;
  unsentAt: string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** Rows come from kysely (Dates) or from messaging_send's jsonb (ISO strings, numbers). */
export function toMessageView(row: StoredMessage): MessageView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    clientMessageId: row.client_message_id,
    body: row.body,
    price: Number(row.price),
    createdAt: iso(row.created_at),
    unsentAt: row.unsent_at === null ? null : iso(row.unsent_at),
  };
}

/** The stream of a conversation's durable events (message seq = stream seq). */
export const streamOf = (conversationId: string) => `conv:${conversationId}`;

export const CONVERSATION_STREAM_PREFIX = 'conv:';

/** The `message.new` event of a stored message (a tombstone when it was unsent since). */
export function messageEvent(message: MessageView): OutgoingEvent {
  return {
    type: 'message.new',
    delivery: 'durable',
    stream: { id: streamOf(message.conversationId), seq: message.seq },
    payload: { conversationId: message.conversationId, message },
  };
}
