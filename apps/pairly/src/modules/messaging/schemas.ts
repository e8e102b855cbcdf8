// Owns the schemas of messaging's REST routes and WebSocket frames: what a client sends (no unknown
// properties, every string and number capped) and what it gets back (a conversation, a message, a
// page of either, the settings), with examples for the API documents.
import Type, { type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** A lower-case UUID (frames' record keys cannot use `format`). */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const UUID = new RegExp(UUID_PATTERN);
/** Whether a string from a cursor or a stream id is a lower-case UUID. */
export const isUuid = (value: string): boolean => UUID.test(value);
const EXAMPLE_CONVERSATION = '3c1d9a57-2f4b-4e6a-8d0c-7b5e1f2a9c48';
const EXAMPLE_PEER = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';
const EXAMPLE_SENDER = '5f0c2d7e-1b3a-4e8f-9c6d-0a1b2c3d4e5f';
/** A place in a conversation (0 = before the first message). */
export const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/** The client's key for one message, sent again on every retry (a UUID, say). */
export const ClientMessageId = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[!-~]+$',
  description:
    'Made once per message by the client and sent again on every retry: the same id answers the stored message and charges nothing.',
  examples: ['0f8e1c52-8b7a-4d3e-9f10-2c6b5a4d3e21'],
});

/** The body as sent; trimmed, it must be 1 to `maxLength` characters with no NUL (checked by the service). */
export const messageBodyField = (maxLength: number) =>
  Type.String({
    minLength: 1,
    maxLength: 2 * maxLength,
    description: `The text: 1 to ${maxLength} characters once leading and trailing white space is trimmed; no NUL.`,
  });

export const ConversationParams = Type.Object(
  { conversationId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const OpenConversationBody = Type.Object(
  { userId: Type.String({ format: 'uuid', description: 'The other participant.' }) },
  { additionalProperties: false, examples: [{ userId: EXAMPLE_PEER }] },
);

export const ConversationListQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);

export const MessageBody = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    conversationId: Type.String({ format: 'uuid' }),
    seq: Type.Integer({ description: 'The place of the message in its conversation (1, 2, ...).' }),
    senderId: Type.String({ format: 'uuid' }),
    clientMessageId: Type.String(),
    body: Nullable(Type.String({ description: 'Null once unsent (a tombstone).' })),
    price: Type.Integer({ description: 'Credits the sender paid for it (0 = free).' }),
    createdAt: Type.String({ format: 'date-time' }),
    unsentAt: Nullable(Type.String({ format: 'date-time' })),
  },
  {
    examples: [
      {
        id: '9b2f4c1e-5d6a-4e7b-8c9d-1a2b3c4d5e6f',
        conversationId: EXAMPLE_CONVERSATION,
        seq: 12,
        senderId: EXAMPLE_SENDER,
        clientMessageId: '0f8e1c52-8b7a-4d3e-9f10-2c6b5a4d3e21',
        body: 'Loved your last post!',
        price: 25,
        createdAt: '2026-01-01T12:00:00.000Z',
        unsentAt: null,
      },
    ],
  },
);

export const ConversationBody = Type.Object({
  id: Type.String({ format: 'uuid' }),
  peerId: Type.String({ format: 'uuid', description: 'The other participant.' }),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeq: Type.Integer({ description: 'The seq of the latest message (0 before any).' }),
  lastMessageAt: Nullable(Type.String({ format: 'date-time' })),
  lastMessage: Nullable(MessageBody),
  unreadCount: Type.Integer({
    description:
      'Messages from the other participant after your read marker (not unsent, not deleted by you).',
  }),
  messagePrice: Type.Integer({
    minimum: 0,
    description:
      "What you pay per message you send here now: the other participant's price (0 = free). Send it back as `expectedPrice` so a price change is refused instead of charged.",
  }),
});

export const ConversationPage = Type.Object({
  items: Type.Array(ConversationBody),
  nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' })),
});

export const SendMessageHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[!-~]+$',
      description: 'Used as the clientMessageId when the body has none.',
    }),
  ),
});

const ExpectedPrice = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description:
    "The price per message the client showed (the conversation's `messagePrice`): a different price now is a 409 `message_price_changed`, nothing charged.",
});

export function sendMessageBody(bodyMaxLength: number) {
  return Type.Object(
    {
      clientMessageId: Type.Optional(ClientMessageId),
      body: messageBodyField(bodyMaxLength),
      expectedPrice: Type.Optional(ExpectedPrice),
    },
    {
      additionalProperties: false,
      examples: [{ clientMessageId: '0f8e1c52-8b7a-4d3e-9f10-2c6b5a4d3e21', body: 'Loved your last post!' }],
    },
  );
}

export const HistoryQuery = Type.Object(
  {
    before: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Only messages with a smaller seq.',
      }),
    ),
    after: Type.Optional({ ...Seq, description: 'Only messages with a larger seq.' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

export const HistoryPageBody = Type.Object({
  items: Type.Array(MessageBody, { description: 'Oldest first.' }),
  hasMore: Type.Boolean({
    description:
      'More beyond this page: newer messages when paging with `after` alone, older ones otherwise.',
  }),
});

export const SettingsBody = Type.Object(
  {
    messagePrice: Type.Integer({ description: 'Credits another user pays per message to you (0 = free).' }),
    readReceipts: Type.Boolean({ description: 'Whether the other participant sees when you read.' }),
  },
  { examples: [{ messagePrice: 25, readReceipts: true }] },
);

export function settingsChangeBody(maxAmount: number) {
  return Type.Object(
    {
      messagePrice: Type.Optional(
        Type.Integer({ minimum: 0, maximum: maxAmount, description: 'Creators only.' }),
      ),
      readReceipts: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false, minProperties: 1, examples: [{ messagePrice: 25 }] },
  );
}

/** WebSocket `message.send`: the fields besides `type` and `id`. */
export function sendFrame(bodyMaxLength: number) {
  return Type.Object(
    {
      conversationId: Type.String({ format: 'uuid' }),
      clientMessageId: ClientMessageId,
      body: messageBodyField(bodyMaxLength),
      expectedPrice: Type.Optional(ExpectedPrice),
    },
    { additionalProperties: false },
  );
}

/** WebSocket `resume`: the last seq the client has of each conversation. */
export const ResumeFrame = Type.Object(
  {
    conversations: Type.Record(Type.String({ pattern: UUID_PATTERN }), Seq, {
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 100,
      description:
        'conversationId (lower case, as the API returns it) -> the last seq the client has (0 for none).',
    }),
  },
  { additionalProperties: false },
);

/** The `message.new` event's fields besides type, stream and seq. */
export const MessageNewEvent = Type.Object({
  conversationId: Type.String({ format: 'uuid' }),
  message: MessageBody,
});
