// Owns the request and response schemas of subscriptions: subscribing (an optional price the fan
// agreed to), a fan's view of their subscription (status, period, price and the next one), a
// creator's view of a subscriber (no emails), the list filters, and the examples /docs shows.
import Type, { type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const EXAMPLE_SUBSCRIPTION = '6d1f0e2a-3b4c-4d5e-8f70-8192a3b4c5d6';
const EXAMPLE_FAN = '5f0c2d7e-1b3a-4e8f-9c6d-0a1b2c3d4e5f';
const EXAMPLE_CREATOR = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';

export const CreatorParams = Type.Object(
  { creatorId: Type.String({ format: 'uuid', description: "The creator's user id." }) },
  { additionalProperties: false, examples: [{ creatorId: EXAMPLE_CREATOR }] },
);

export const SubscriptionParams = Type.Object(
  { subscriptionId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false, examples: [{ subscriptionId: EXAMPLE_SUBSCRIPTION }] },
);

export function subscribeBody(maxAmount: number) {
  return Type.Object(
    {
      expectedPrice: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: maxAmount,
          description:
            'The monthly price the client showed: another price now is a 409 `subscription_price_changed`, nothing charged.',
        }),
      ),
    },
    { additionalProperties: false, examples: [{ expectedPrice: 500 }, {}] },
  );
}
export type SubscribeInput = Static<ReturnType<typeof subscribeBody>>;

export const SubscriptionStatus = Type.Union(
  [Type.Literal('active'), Type.Literal('past_due'), Type.Literal('ended'), Type.Literal('lapsed')],
  {
    description:
      'active: paid through currentPeriodEnd; past_due: the renewal failed for lack of credits, retried until graceUntil (access meanwhile); ended: cancelled (or no longer offered) and past its period end; lapsed: not paid within the grace.',
  },
);

const subscriptionProperties = {
  id: Type.String({ format: 'uuid' }),
  creatorId: Type.String({ format: 'uuid' }),
  status: SubscriptionStatus,
  price: Type.Integer({ description: "The current period's price in credits." }),
  nextPrice: Nullable(
    Type.Integer({ description: 'A new price announced by the creator; it applies from nextPriceFrom.' }),
  ),
  nextPriceFrom: Nullable(
    Type.String({
      format: 'date-time',
      description: 'nextPrice applies to the first renewal at or after this instant.',
    }),
  ),
  currentPeriodStart: Type.String({ format: 'date-time' }),
  currentPeriodEnd: Type.String({ format: 'date-time' }),
  cancelAtPeriodEnd: Type.Boolean({ description: 'True when the subscription ends at currentPeriodEnd.' }),
  endReason: Nullable(
    Type.Union(
      [
        Type.Literal('cancelled'),
        Type.Literal('not_offered'),
        Type.Literal('blocked'),
        Type.Literal('lapsed'),
      ],
      {
        description:
          'Why it ends (or ended): you cancelled, the creator stopped offering, a block, or not paid.',
      },
    ),
  ),
  graceUntil: Nullable(
    Type.String({ format: 'date-time', description: 'past_due: access and retries until then.' }),
  ),
  accessUntil: Nullable(
    Type.String({
      format: 'date-time',
      description: 'Until when you see subscriber content (null once over).',
    }),
  ),
  endedAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
};

const exampleSubscription = {
  id: EXAMPLE_SUBSCRIPTION,
  creatorId: EXAMPLE_CREATOR,
  status: 'active',
  price: 500,
  nextPrice: null,
  nextPriceFrom: null,
  currentPeriodStart: '2026-01-31T12:00:00.000Z',
  currentPeriodEnd: '2026-02-28T12:00:00.000Z',
  cancelAtPeriodEnd: false,
  endReason: null,
  graceUntil: null,
  accessUntil: '2026-03-03T12:00:00.000Z',
  endedAt: null,
  createdAt: '2026-01-31T12:00:00.000Z',
};

export const SubscriptionBody = Type.Object(subscriptionProperties, { examples: [exampleSubscription] });
export type SubscriptionView = Static<typeof SubscriptionBody>;

export const SubscribeReceipt = Type.Object(
  {
    ...subscriptionProperties,
    balanceAfter: Type.Integer({
      description: 'Your spendable balance right after the first period was paid.',
    }),
  },
  { examples: [{ ...exampleSubscription, balanceAfter: 1500 }] },
);
export type SubscribeReceipt = Static<typeof SubscribeReceipt>;

export const SubscriberBody = Type.Object(
  {
    subscriptionId: Type.String({ format: 'uuid' }),
    fanId: Type.String({ format: 'uuid' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('past_due')]),
    price: Type.Integer(),
    currentPeriodEnd: Type.String({ format: 'date-time' }),
    cancelAtPeriodEnd: Type.Boolean(),
    since: Type.String({ format: 'date-time', description: 'When this subscription started.' }),
  },
  {
    examples: [
      {
        subscriptionId: EXAMPLE_SUBSCRIPTION,
        fanId: EXAMPLE_FAN,
        status: 'active',
        price: 500,
        currentPeriodEnd: '2026-02-28T12:00:00.000Z',
        cancelAtPeriodEnd: false,
        since: '2026-01-31T12:00:00.000Z',
      },
    ],
  },
);
export type SubscriberView = Static<typeof SubscriberBody>;

const Cursor = Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' }));
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 }));
const NextCursor = Nullable(
  Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' }),
);

export const SubscriptionListQuery = Type.Object(
  {
    status: Type.Union([Type.Literal('live'), Type.Literal('all')], {
      default: 'live',
      description: 'live: active and past_due; all: ended and lapsed ones too.',
    }),
    cursor: Cursor,
    limit: Limit,
  },
  { additionalProperties: false, examples: [{ status: 'live', limit: 20 }] },
);
export type SubscriptionListQuery = Static<typeof SubscriptionListQuery>;

export const SubscriberListQuery = Type.Object(
  { cursor: Cursor, limit: Limit },
  { additionalProperties: false, examples: [{ limit: 20 }] },
);
export type SubscriberListQuery = Static<typeof SubscriberListQuery>;

export const SubscriptionPage = Type.Object(
  { items: Type.Array(SubscriptionBody), nextCursor: NextCursor },
  { examples: [{ items: [exampleSubscription], nextCursor: null }] },
);
export const SubscriberPage = Type.Object({ items: Type.Array(SubscriberBody), nextCursor: NextCursor });
