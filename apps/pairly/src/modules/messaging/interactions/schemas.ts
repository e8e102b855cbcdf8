// Owns the schemas of receipts, unsend, delete-for-me and typing: REST bodies, params and answers,
// the WebSocket frames a client sends and the events it gets. Inputs allow no unknown properties;
// a marker is a seq (0 up to the conversation's latest message, checked by the service).
import Type from 'typebox';
import { MessageBody, Seq, UUID_PATTERN } from '../schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const ConversationId = Type.String({ format: 'uuid' });
const EXAMPLE_CONVERSATION = '3c1d9a57-2f4b-4e6a-8d0c-7b5e1f2a9c48';
const EXAMPLE_PEER = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';

export const MessageParams = Type.Object(
  { conversationId: ConversationId, messageId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const markerFields = {
  delivered: Type.Optional({
    ...Seq,
    description: 'You have received every message up to this seq.',
  }),
  read: Type.Optional({ ...Seq, description: 'You have read every message up to this seq (delivered too).' }),
};

export const ReceiptChangeBody = Type.Object(markerFields, {
  additionalProperties: false,
  minProperties: 1,
  examples: [{ delivered: 14, read: 12 }],
});

/** WebSocket `receipts.update`. */
export const ReceiptsFrame = Type.Object(
  { conversationId: ConversationId, ...markerFields },
  { additionalProperties: false, minProperties: 2 },
);

export const OwnMarkersBody = Type.Object(
  { conversationId: ConversationId, delivered: Type.Integer(), read: Type.Integer() },
  { examples: [{ conversationId: EXAMPLE_CONVERSATION, delivered: 14, read: 12 }] },
);

export const ConversationReceiptsBody = Type.Object(
  {
    conversationId: ConversationId,
    lastSeq: Type.Integer({ description: "The conversation's latest message seq." }),
    own: Type.Object({ delivered: Type.Integer(), read: Type.Integer() }),
    peer: Type.Object({
      userId: Type.String({ format: 'uuid' }),
      delivered: Type.Integer(),
      read: Nullable(Type.Integer({ description: 'Null when they turned read receipts off.' })),
    }),
  },
  {
    examples: [
      {
        conversationId: EXAMPLE_CONVERSATION,
        lastSeq: 14,
        own: { delivered: 14, read: 14 },
        peer: { userId: EXAMPLE_PEER, delivered: 14, read: null },
      },
    ],
  },
);

/** The `receipt` event. */
export const ReceiptEvent = Type.Object({
  conversationId: ConversationId,
  userId: Type.String({
    format: 'uuid',
    description: 'Whose markers these are (you, or the other participant).',
  }),
  delivered: Type.Integer(),
  read: Nullable(
    Type.Integer({ description: 'Null for the other participant when they keep it to themselves.' }),
  ),
});

export const UnsendReply = Type.Object({
  message: MessageBody,
  refunded: Type.Integer({
    description: 'Credits given back to you (0 unless the platform refunds unsent messages).',
  }),
});

/** WebSocket `message.unsend`. */
export const UnsendFrame = Type.Object(
  { conversationId: ConversationId, messageId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

/** The `message.unsent` event (stream `unsent:<conversationId>`, seq = the unsend seq). */
export const UnsentEvent = Type.Object({ conversationId: ConversationId, message: MessageBody });

export const UnsentQuery = Type.Object(
  {
    after: Type.Optional({ ...Seq, description: 'Only unsends with a larger unsend seq (default 0).' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);

export const UnsentPageBody = Type.Object({
  items: Type.Array(Type.Object({ unsendSeq: Type.Integer(), message: MessageBody }), {
    description: 'Oldest first.',
  }),
  hasMore: Type.Boolean(),
  lastUnsendSeq: Type.Integer({ description: "The conversation's latest unsend seq (0 before any)." }),
});

/** WebSocket `unsent.resume`: the last unsend seq the client has of each conversation. */
export const UnsentResumeFrame = Type.Object(
  {
    conversations: Type.Record(Type.String({ pattern: UUID_PATTERN }), Seq, {
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 100,
      description: 'conversationId -> the last unsend seq the client has (0 for none).',
    }),
  },
  { additionalProperties: false },
);

/** WebSocket `typing`. */
export const TypingFrame = Type.Object(
  { conversationId: ConversationId, active: Type.Boolean() },
  { additionalProperties: false },
);

/** The `typing` event. */
export const TypingEvent = Type.Object({
  conversationId: ConversationId,
  userId: Type.String({ format: 'uuid', description: 'Who is typing.' }),
  active: Type.Boolean(),
  ttlMs: Type.Optional(
    Type.Integer({ description: 'With active: true; drop the indicator if not renewed within it.' }),
  ),
});
