// Owns the request and response schemas of promo codes: what finance and admins send to create a
// code, the listing filters, what a user sends to redeem one, and the code and redemption bodies.
// Inputs allow no unknown properties and cap every string and number; the largest amount comes
// from the credits options, so the schemas are built per app.
import Type, { type Static } from 'typebox';

export const MAX_REDEMPTIONS = 1_000_000;
export const MAX_PER_USER = 1_000;
export const MAX_CREDIT_EXPIRY_DAYS = 3_650;

const CODE_PATTERN = '^[A-Za-z0-9-]{4,32}$';
const Code = Type.String({
  pattern: CODE_PATTERN,
  description: '4-32 letters, digits or hyphens; matched case-insensitively (stored upper-case).',
});
const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const CodeParams = Type.Object(
  { codeId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export function createCodeBody(maxAmount: number) {
  return Type.Object(
    {
      code: Code,
      campaign: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
      amount: Type.Integer({
        minimum: 1,
        maximum: maxAmount,
        description: 'Credits granted per redemption; amount × maxRedemptions is capped per code.',
      }),
      startsAt: Type.Optional(
        Type.String({
          format: 'date-time',
          description: 'First instant it may be redeemed (years 1970-9999, UTC); default now.',
        }),
      ),
      endsAt: Type.String({
        format: 'date-time',
        description: 'Redeemable until (exclusive); after startsAt, in the future, at most year 9999 (UTC).',
      }),
      maxRedemptions: Type.Integer({
        minimum: 1,
        maximum: MAX_REDEMPTIONS,
        description: 'Total redemptions over all users; amount × maxRedemptions is capped per code.',
      }),
      perUserLimit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: MAX_PER_USER, description: 'Redemptions per user; default 1.' }),
      ),
      newUsersOnly: Type.Optional(
        Type.Boolean({
          description:
            'Only accounts created at or after startsAt whose first code of this campaign (if any) is this one.',
        }),
      ),
      creditExpiryDays: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: MAX_CREDIT_EXPIRY_DAYS,
          description: 'Granted credits expire this many days after each redemption; default never.',
        }),
      ),
    },
    {
      additionalProperties: false,
      examples: [
        {
          code: 'WELCOME-50',
          campaign: 'spring-launch',
          amount: 50,
          startsAt: '2026-03-01T00:00:00Z',
          endsAt: '2026-04-01T00:00:00Z',
          maxRedemptions: 1000,
          perUserLimit: 1,
          newUsersOnly: true,
          creditExpiryDays: 30,
        },
      ],
    },
  );
}
export type CreateCodeInput = Static<ReturnType<typeof createCodeBody>>;

export const CodeListQuery = Type.Object(
  {
    campaign: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);
export type CodeListInput = Static<typeof CodeListQuery>;

export const CodeStatus = Type.Union(
  [
    Type.Literal('scheduled'),
    Type.Literal('active'),
    Type.Literal('exhausted'),
    Type.Literal('ended'),
    Type.Literal('disabled'),
  ],
  { description: 'Derived now: disabled, then scheduled/ended by the window, then exhausted by the cap.' },
);

const codeExample = {
  id: '3f0c2a9e-8f57-4c1e-9d55-2b1f7c0e4a11',
  code: 'WELCOME-50',
  campaign: 'spring-launch',
  amount: 50,
  startsAt: '2026-03-01T00:00:00.000Z',
  endsAt: '2026-04-01T00:00:00.000Z',
  maxRedemptions: 1000,
  perUserLimit: 1,
  newUsersOnly: true,
  creditExpiryDays: 30,
  status: 'active',
  redemptions: 12,
  remaining: 988,
  redeemers: 12,
  disabledAt: null,
  createdBy: '6d1b1f0e-2a4c-4f0a-8d0e-1f2a3b4c5d6e',
  createdAt: '2026-02-20T10:00:00.000Z',
};

export const CodeBody = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    code: Type.String(),
    campaign: Type.String(),
    amount: Type.Integer(),
    startsAt: Instant,
    endsAt: Instant,
    maxRedemptions: Type.Integer(),
    perUserLimit: Type.Integer(),
    newUsersOnly: Type.Boolean(),
    creditExpiryDays: Nullable(Type.Integer()),
    status: CodeStatus,
    redemptions: Type.Integer({ description: 'Redemptions so far (all users).' }),
    remaining: Type.Integer({ description: 'Redemptions left under the total cap.' }),
    redeemers: Type.Integer({ description: 'Distinct users who redeemed it.' }),
    disabledAt: Nullable(Instant),
    createdBy: Type.String({ format: 'uuid' }),
    createdAt: Instant,
  },
  { examples: [codeExample] },
);
export type CodeView = Static<typeof CodeBody>;

export const CodePage = Type.Object(
  { items: Type.Array(CodeBody), nextCursor: Nullable(Type.String()) },
  { examples: [{ items: [codeExample], nextCursor: null }] },
);

export const RedeemBody = Type.Object(
  { code: Code },
  { additionalProperties: false, examples: [{ code: 'welcome-50' }] },
);

export const RedemptionBody = Type.Object(
  {
    operationId: Type.String({ format: 'uuid' }),
    codeId: Type.String({ format: 'uuid' }),
    code: Type.String(),
    campaign: Type.String(),
    amount: Type.Integer({ description: 'Credits added to the spendable balance.' }),
    creditsExpireAt: Nullable(Type.String({ format: 'date-time' })),
    transferId: Type.Integer(),
    balanceAfter: Type.Integer({ description: 'Spendable balance right after the grant.' }),
    redeemedAt: Instant,
  },
  {
    examples: [
      {
        operationId: '0b7d4c52-5f0e-4d6a-9a3e-8c2b1d0f9e77',
        codeId: '3f0c2a9e-8f57-4c1e-9d55-2b1f7c0e4a11',
        code: 'WELCOME-50',
        campaign: 'spring-launch',
        amount: 50,
        creditsExpireAt: '2026-04-14T09:30:00.000Z',
        transferId: 4711,
        balanceAfter: 50,
        redeemedAt: '2026-03-15T09:30:00.000Z',
      },
    ],
  },
);
export type Redemption = Static<typeof RedemptionBody>;
