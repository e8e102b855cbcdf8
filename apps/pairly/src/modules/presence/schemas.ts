// Owns the request, response and event schemas of presence: a heartbeat (REST and the socket frame),
// a bulk lookup of up to LOOKUP_MAX users, the hidden-presence setting, and the `presence` event
// peers receive (the same shape as a lookup's entry). Inputs allow no unknown properties.
import Type from 'typebox';

export const LOOKUP_MAX = 500;

const EXAMPLE_USER = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';

export const HeartbeatBody = Type.Object(
  {
    active: Type.Optional(
      Type.Boolean({
        description:
          'true when the user did something since the last heartbeat (typed, scrolled, opened a screen); it keeps them online rather than away. A heartbeat without it only keeps the connection present.',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ active: true }] },
);

export const HeartbeatReply = Type.Object({
  heartbeatMs: Type.Integer({ description: 'Send the next heartbeat within this many ms.' }),
  leaseTtlMs: Type.Integer({ description: 'Without a heartbeat for this long, you read as offline.' }),
});

export const PresenceStateSchema = Type.Union(
  [Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')],
  {
    description:
      'online: connected and active recently; away: connected but idle; offline: not connected (or hidden, or blocked either way).',
  },
);

/** A user's presence as one viewer may see it: a lookup's entry, and the `presence` event's fields. */
export const PresenceView = Type.Object({
  userId: Type.String({ format: 'uuid' }),
  state: PresenceStateSchema,
  lastActiveAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Last user activity, to the minute; null when unknown or not shown (hidden, blocked).',
  }),
});

export const LookupBody = Type.Object(
  {
    userIds: Type.Array(Type.String({ format: 'uuid' }), {
      minItems: 1,
      maxItems: LOOKUP_MAX,
      description: `Up to ${LOOKUP_MAX} user ids; repeats are answered once.`,
    }),
  },
  { additionalProperties: false, examples: [{ userIds: [EXAMPLE_USER] }] },
);

export const LookupReply = Type.Object(
  { users: Type.Array(PresenceView, { description: 'One per distinct id, in the order asked.' }) },
  {
    examples: [
      { users: [{ userId: EXAMPLE_USER, state: 'away', lastActiveAt: '2026-01-01T12:34:00.000Z' }] },
    ],
  },
);

export const VisibilityBody = Type.Object(
  {
    hidden: Type.Boolean({
      description:
        'true: you read as offline to everyone else and your status changes are sent to nobody; you still see others.',
    }),
  },
  { additionalProperties: false, examples: [{ hidden: true }] },
);
