// Owns the request and response schemas of the payouts routes, with examples for /docs. Inputs allow
// no unknown properties; every response declares every field it sends (nothing undeclared leaves).
import Type, { type TSchema } from 'typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Uuid = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time' });
const EXAMPLE_PAYOUT = '7b4f0a52-7c1e-4d0a-9a43-1f3c2d9e8b61';
const EXAMPLE_CREATOR = '2f9d4c1a-5b7e-4e8f-9a0b-3c6d7e8f9a1b';

const PayoutStatusSchema = Type.Union(
  [
    Type.Literal('requested'),
    Type.Literal('approved'),
    Type.Literal('processing'),
    Type.Literal('paid'),
    Type.Literal('failed'),
    Type.Literal('rejected'),
    Type.Literal('canceled'),
  ],
  { description: 'requested → approved → processing → paid | failed; requested → rejected | canceled' },
);
const Currency = Type.String({
  pattern: '^[A-Z]{3}$',
  description: 'ISO 4217, upper case',
  examples: ['USD'],
});
const Reason = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' });

export const PayoutParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const CreatorParams = Type.Object({ creatorId: Uuid }, { additionalProperties: false });

export const PayoutRequestBody = Type.Object(
  {
    credits: Type.Integer({
      minimum: 1,
      description: 'Earned credits to pay out: at least the minimum, at most what is available',
    }),
    currency: Currency,
  },
  { additionalProperties: false, examples: [{ credits: 2500, currency: 'USD' }] },
);

export const DestinationBody = Type.Object(
  {
    provider: Type.Union([Type.Literal('stripe'), Type.Literal('razorpay')]),
    accountId: Type.String({
      minLength: 1,
      maxLength: 80,
      description: 'A Stripe connected account id (acct_…) or a RazorpayX fund account id (fa_…)',
    }),
  },
  { additionalProperties: false, examples: [{ provider: 'stripe', accountId: 'acct_1Nv0FGQ9RKHgCVdK' }] },
);

export const Destination = Type.Object(
  { provider: Type.String(), accountId: Type.String(), updatedAt: Instant },
  {
    examples: [
      { provider: 'stripe', accountId: 'acct_1Nv0FGQ9RKHgCVdK', updatedAt: '2026-11-02T10:00:00.000Z' },
    ],
  },
);
export const DestinationList = Type.Object({ items: Type.Array(Destination) });

export const PayoutBalance = Type.Object(
  {
    available: Type.Integer({ description: 'Earned credits available for a payout' }),
    heldForPayouts: Type.Integer({
      description: 'Credits held by payouts requested and not yet paid or given back',
    }),
    minimum: Type.Integer({ description: 'The smallest payout, in credits (PAYOUT_MINIMUM_CREDITS)' }),
    provider: Type.String({
      description: 'How payouts are sent: manual, stripe or razorpay (PAYOUT_PROVIDER)',
    }),
    rates: Type.Array(
      Type.Object({
        currency: Currency,
        minorUnitsPerCredit: Type.Integer(),
        availableAmount: Type.Integer({ description: 'What the available credits pay out, in minor units' }),
      }),
    ),
  },
  {
    examples: [
      {
        available: 4200,
        heldForPayouts: 2500,
        minimum: 1000,
        provider: 'manual',
        rates: [{ currency: 'USD', minorUnitsPerCredit: 1, availableAmount: 4200 }],
      },
    ],
  },
);

const payoutProperties = {
  id: Uuid,
  creatorId: Uuid,
  credits: Type.Integer(),
  amount: Type.Integer({ description: 'Minor units of currency: credits × the rate when requested' }),
  currency: Currency,
  provider: Type.String(),
  destinationAccountId: Nullable(Type.String()),
  status: PayoutStatusSchema,
  providerPayoutId: Nullable(Type.String()),
  failureReason: Nullable(Type.String()),
  decisionReason: Nullable(Type.String()),
  requestedAt: Instant,
  decidedAt: Nullable(Instant),
  settledAt: Nullable(Instant),
};

const examplePayout = {
  id: EXAMPLE_PAYOUT,
  creatorId: EXAMPLE_CREATOR,
  credits: 2500,
  amount: 2500,
  currency: 'USD',
  provider: 'manual',
  destinationAccountId: null,
  status: 'requested',
  providerPayoutId: null,
  failureReason: null,
  decisionReason: null,
  requestedAt: '2026-11-02T10:00:00.000Z',
  decidedAt: null,
  settledAt: null,
};

export const PayoutBody = Type.Object(payoutProperties, { examples: [examplePayout] });
export const PayoutPage = Type.Object({ items: Type.Array(PayoutBody), nextCursor: Nullable(Type.String()) });

export const StaffPayoutBody = Type.Object(
  {
    ...payoutProperties,
    holdId: Uuid,
    rate: Type.Integer(),
    decidedBy: Nullable(Uuid),
    settledBy: Nullable(Type.String({ description: "'provider' or the finance member who confirmed it" })),
    reference: Nullable(Type.String()),
    note: Nullable(Type.String()),
    sendAttempts: Type.Integer(),
    lastSendError: Nullable(
      Type.String({ description: 'Why the last send failed (an outage); sent again later' }),
    ),
    lateOutcome: Nullable(
      Type.String({ description: 'An answer that came after the payout was settled the other way' }),
    ),
    lateReason: Nullable(Type.String()),
    updatedAt: Instant,
  },
  {
    examples: [
      {
        ...examplePayout,
        status: 'processing',
        providerPayoutId: `manual_${EXAMPLE_PAYOUT}`,
        holdId: '5d1c7e2a-3b4f-4a6d-8e9f-0a1b2c3d4e5f',
        rate: 1,
        decidedBy: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
        settledBy: null,
        reference: null,
        note: null,
        sendAttempts: 1,
        lastSendError: null,
        lateOutcome: null,
        lateReason: null,
        decidedAt: '2026-11-02T12:00:00.000Z',
        updatedAt: '2026-11-02T12:00:00.000Z',
      },
    ],
  },
);
export const StaffPayoutPage = Type.Object({
  items: Type.Array(StaffPayoutBody),
  nextCursor: Nullable(Type.String()),
});

export const ListQuery = Type.Object(
  {
    status: Type.Optional(PayoutStatusSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    cursor: Type.Optional(
      Type.String({
        maxLength: 200,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'nextCursor of the last page',
      }),
    ),
  },
  { additionalProperties: false },
);
export const StaffListQuery = Type.Object(
  { ...ListQuery.properties, creatorId: Type.Optional(Uuid) },
  { additionalProperties: false },
);

export const RejectBody = Type.Object(
  { reason: Reason },
  { additionalProperties: false, examples: [{ reason: 'Earnings under review for chargebacks.' }] },
);

export const ConfirmBody = Type.Object(
  {
    outcome: Type.Union([Type.Literal('paid'), Type.Literal('failed')]),
    reference: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '\\S',
      description: 'The bank or provider reference',
    }),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  {
    additionalProperties: false,
    examples: [
      { outcome: 'paid', reference: 'WIRE-2026-11-02-0042', note: 'Paid by wire from the ops account.' },
    ],
  },
);

export const StatementQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Inclusive; default 30 days before to' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive; default now' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
  },
  { additionalProperties: false },
);

const StatementLine = Type.Object({
  at: Instant,
  type: Type.String({
    description: 'earning, debit, payout_held, payout_paid, payout_failed or payout_released',
  }),
  kind: Type.String(),
  payoutId: Nullable(Uuid),
  credits: Type.Integer(),
  available: Type.Integer(),
  heldForPayouts: Type.Integer(),
  description: Type.String(),
});
const Balances = Type.Object({ available: Type.Integer(), heldForPayouts: Type.Integer() });

export const StatementBody = Type.Object(
  {
    creatorId: Uuid,
    from: Instant,
    to: Instant,
    opening: Balances,
    closing: Balances,
    totals: Type.Object({
      earningsCredited: Type.Integer(),
      otherDebits: Type.Integer(),
      payoutsHeld: Type.Integer(),
      payoutsPaid: Type.Integer(),
      payoutsFailed: Type.Integer(),
      payoutsReleased: Type.Integer(),
    }),
    lines: Type.Array(StatementLine),
  },
  {
    description:
      'With format=csv: text/csv with a header row (at,type,kind,payout_id,credits,available,held_for_payouts,description), as an attachment.',
    examples: [
      {
        creatorId: EXAMPLE_CREATOR,
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-12-01T00:00:00.000Z',
        opening: { available: 0, heldForPayouts: 0 },
        closing: { available: 1700, heldForPayouts: 0 },
        totals: {
          earningsCredited: 4200,
          otherDebits: 0,
          payoutsHeld: 2500,
          payoutsPaid: 2500,
          payoutsFailed: 0,
          payoutsReleased: 0,
        },
        lines: [
          {
            at: '2026-11-01T09:00:00.000Z',
            type: 'earning',
            kind: 'message',
            payoutId: null,
            credits: 4200,
            available: 4200,
            heldForPayouts: 0,
            description: 'message 0d7c...',
          },
        ],
      },
    ],
  },
);
