// Owns the request and response schemas of the finance review queue: the listing filters, a review
// item (the reversal that opened it and what the user still owes), the resolution body, and the
// sibling list of orders purchases sent to review. Inputs allow no unknown properties.
import Type from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const EXAMPLE_REVIEW = '3f6c1a2b-8d4e-4f7a-9b1c-2d3e4f5a6b7c';
const EXAMPLE_USER = '5f0c2d7e-1b3a-4e8f-9c6d-0a1b2c3d4e5f';
const EXAMPLE_ORDER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const EXAMPLE_REVERSAL = '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';
export const NOTE_MAX_LENGTH = 1000;

export const ReviewParams = Type.Object(
  { reviewId: Type.String({ format: 'uuid', description: 'The review item.' }) },
  { additionalProperties: false },
);

export const ReviewListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('resolved')], { description: 'Default open.' }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Default 50.' })),
  },
  { additionalProperties: false, examples: [{ status: 'open', limit: 20 }] },
);

export const ResolveReviewBody = Type.Object(
  {
    action: Type.Union([Type.Literal('unfreeze'), Type.Literal('keep_frozen')], {
      description:
        "unfreeze: lift the freeze of every account of the user (409 reviews_still_open while another of the user's reviews is open; 409 frozen_by_finance when finance froze the account for another reason); keep_frozen: leave it.",
    }),
    note: Type.String({
      minLength: 1,
      maxLength: NOTE_MAX_LENGTH,
      description: 'Why; kept with the item and in the audit log.',
    }),
  },
  {
    additionalProperties: false,
    examples: [{ action: 'unfreeze', note: 'User bought the credits back; owed amount written off.' }],
  },
);

const exampleItem = {
  id: EXAMPLE_REVIEW,
  userId: EXAMPLE_USER,
  orderId: EXAMPLE_ORDER,
  reason: 'refund_after_spend',
  creditsOwed: 400,
  status: 'open',
  userFrozen: true,
  reversal: {
    id: EXAMPLE_REVERSAL,
    provider: 'stripe',
    providerReversalId: 'ch_3Pq1@1000',
    kind: 'refund',
    amount: 1000,
    currency: 'USD',
    creditsReversed: 600,
    creditsShort: 400,
    status: 'reversed',
    disputeStatus: null,
  },
  action: null,
  note: null,
  resolvedBy: null,
  resolvedAt: null,
  createdAt: '2026-01-01T12:00:00.000Z',
};

export const ReviewItemBody = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    userId: Type.String({ format: 'uuid' }),
    orderId: Type.String({ format: 'uuid' }),
    reason: Type.Union([Type.Literal('refund_after_spend'), Type.Literal('dispute_after_spend')]),
    creditsOwed: Type.Integer({
      description: 'Credits the reversal could not take back (0 once a dispute is won).',
    }),
    status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
    userFrozen: Type.Boolean({ description: "Whether the user's accounts are frozen now." }),
    reversal: Type.Object({
      id: Type.String({ format: 'uuid' }),
      provider: Type.String(),
      providerReversalId: Type.String({
        description: 'Razorpay refund id, Stripe `<charge>@<running refunded total>`, or the dispute id.',
      }),
      kind: Type.Union([Type.Literal('refund'), Type.Literal('dispute')]),
      amount: Type.Integer({ description: 'Minor units refunded or disputed.' }),
      currency: Type.String(),
      creditsReversed: Type.Integer(),
      creditsShort: Type.Integer(),
      status: Type.Union([Type.Literal('reversed'), Type.Literal('reinstated')]),
      disputeStatus: Nullable(Type.String()),
    }),
    action: Nullable(Type.Union([Type.Literal('unfreeze'), Type.Literal('keep_frozen')])),
    note: Nullable(Type.String()),
    resolvedBy: Nullable(Type.String({ format: 'uuid' })),
    resolvedAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { examples: [exampleItem] },
);

export const ReviewPage = Type.Object(
  { items: Type.Array(ReviewItemBody), nextCursor: Nullable(Type.String()) },
  { examples: [{ items: [exampleItem], nextCursor: null }] },
);

export const OrdersInReviewQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Default 50.' })) },
  { additionalProperties: false, examples: [{ limit: 20 }] },
);

const exampleOrder = {
  orderId: EXAMPLE_ORDER,
  userId: EXAMPLE_USER,
  provider: 'razorpay',
  providerPaymentId: 'pay_29QQoUBi66xm2f',
  amount: 49_900,
  currency: 'INR',
  credits: 500,
  reviewReason: 'amount_mismatch',
  updatedAt: '2026-01-01T12:00:00.000Z',
};

export const OrdersInReviewPage = Type.Object(
  {
    items: Type.Array(
      Type.Object({
        orderId: Type.String({ format: 'uuid' }),
        userId: Type.String({ format: 'uuid' }),
        provider: Type.String(),
        providerPaymentId: Nullable(Type.String()),
        amount: Type.Integer({ description: 'Minor units the order asked for.' }),
        currency: Type.String(),
        credits: Type.Integer(),
        reviewReason: Nullable(Type.String()),
        updatedAt: Type.String({ format: 'date-time' }),
      }),
    ),
  },
  { examples: [{ items: [exampleOrder] }] },
);
