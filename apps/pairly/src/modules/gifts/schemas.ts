// Owns the request and response schemas of gifts: what a sender sends, what sender and recipient see
// of a gift, what staff see of one awaiting review, and the listing filters. Inputs allow no unknown
// properties and cap every string and number; amounts are whole credits up to the configured maximum.
import Type, { type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const NOTE_MAX_LENGTH = 280;
const EXAMPLE_GIFT_ID = '0b9e3c1a-7d4f-4c1e-9a55-2f61d8a7c3b2';
const EXAMPLE_SENDER = '5f0c2d7e-1b3a-4e8f-9c6d-0a1b2c3d4e5f';
const EXAMPLE_RECIPIENT = '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d';

export function sendGiftBody(maxAmount: number) {
  return Type.Object(
    {
      recipientId: Type.String({ format: 'uuid', description: 'The user who receives the credits.' }),
      amount: Type.Integer({ minimum: 1, maximum: maxAmount, description: 'Whole credits to give.' }),
      note: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: NOTE_MAX_LENGTH,
          description: `Shown to the recipient; at most ${NOTE_MAX_LENGTH} characters.`,
        }),
      ),
    },
    {
      additionalProperties: false,
      examples: [{ recipientId: EXAMPLE_RECIPIENT, amount: 50, note: 'Thanks for the great stream!' }],
    },
  );
}
export type SendGiftInput = Static<ReturnType<typeof sendGiftBody>>;

export const GiftStatus = Type.Union(
  [Type.Literal('sent'), Type.Literal('pending_review'), Type.Literal('approved'), Type.Literal('rejected')],
  {
    description:
      'sent: delivered at once; pending_review: held from the sender until staff decide; approved: delivered after review; rejected: given back to the sender.',
  },
);

const giftProperties = {
  id: Type.String({ format: 'uuid' }),
  senderId: Type.String({ format: 'uuid' }),
  recipientId: Type.String({ format: 'uuid' }),
  amount: Type.Integer(),
  note: Nullable(Type.String()),
  status: GiftStatus,
  createdAt: Type.String({ format: 'date-time' }),
  deliveredAt: Nullable(Type.String({ format: 'date-time', description: 'When the recipient got it.' })),
};

const exampleGift = {
  id: EXAMPLE_GIFT_ID,
  senderId: EXAMPLE_SENDER,
  recipientId: EXAMPLE_RECIPIENT,
  amount: 50,
  note: 'Thanks for the great stream!',
  status: 'sent',
  createdAt: '2026-01-01T12:00:00.000Z',
  deliveredAt: '2026-01-01T12:00:00.000Z',
};

export const GiftBody = Type.Object(giftProperties, { examples: [exampleGift] });
export type Gift = Static<typeof GiftBody>;

export const GiftReceipt = Type.Object(
  {
    ...giftProperties,
    balanceAfter: Type.Integer({ description: "The sender's spendable balance right after the gift." }),
  },
  { examples: [{ ...exampleGift, balanceAfter: 950 }] },
);
export type GiftReceipt = Static<typeof GiftReceipt>;

const Finding = Type.Object({
  rule: Type.String({ description: 'The rule that fired, e.g. account_age, velocity, linked_address.' }),
  outcome: Type.Union([Type.Literal('review'), Type.Literal('refuse')]),
  detail: Type.String(),
});

export const ReviewedGiftBody = Type.Object(
  {
    ...giftProperties,
    reviewReasons: Type.Array(Finding, { description: 'Why the gift was held.' }),
    reviewedBy: Nullable(Type.String({ format: 'uuid' })),
    reviewedAt: Nullable(Type.String({ format: 'date-time' })),
    reviewNote: Nullable(Type.String()),
  },
  {
    examples: [
      {
        ...exampleGift,
        status: 'pending_review',
        deliveredAt: null,
        reviewReasons: [
          {
            rule: 'account_age',
            outcome: 'review',
            detail: "The sender's account is younger than 24 hours.",
          },
        ],
        reviewedBy: null,
        reviewedAt: null,
        reviewNote: null,
      },
    ],
  },
);
export type ReviewedGift = Static<typeof ReviewedGiftBody>;

const Cursor = Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' }));
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 }));
const NextCursor = Nullable(
  Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' }),
);

export const GiftListQuery = Type.Object(
  {
    direction: Type.Union([Type.Literal('sent'), Type.Literal('received')], {
      default: 'sent',
      description: 'sent: every gift you gave; received: gifts delivered to you.',
    }),
    cursor: Cursor,
    limit: Limit,
  },
  { additionalProperties: false },
);
export type GiftListQuery = Static<typeof GiftListQuery>;

export const GiftPage = Type.Object({ items: Type.Array(GiftBody), nextCursor: NextCursor });

export const ReviewListQuery = Type.Object(
  {
    status: Type.Union(GiftStatus.anyOf, { default: 'pending_review', description: 'Which gifts to list.' }),
    cursor: Cursor,
    limit: Limit,
  },
  { additionalProperties: false },
);
export type ReviewListQuery = Static<typeof ReviewListQuery>;

export const ReviewedGiftPage = Type.Object({ items: Type.Array(ReviewedGiftBody), nextCursor: NextCursor });

export const GiftParams = Type.Object(
  { giftId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const ReviewDecisionBody = Type.Object(
  {
    note: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description: 'Why; kept with the gift and in the audit log.',
      }),
    ),
  },
  { additionalProperties: false, examples: [{ note: 'Sender confirmed by support ticket 4312.' }] },
);
