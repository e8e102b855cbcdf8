// Owns the request and response schemas of the credits routes: balances, the transactions page,
// holds, receipts and the staff bodies. Inputs allow no unknown properties; every amount is a whole
// number of credits from 1 to the configured maximum, so the schemas that carry one are built from
// that maximum. Responses declare every field they send: anything undeclared never leaves. The
// presenters turn service results into those shapes, and every route's description names the
// permission that guards it.
import type { AccessPolicy } from '@app/platform';
import Type, { type Static, type TSchema } from 'typebox';
import type { Hold } from './holds.js';
import type { Balance } from './service.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const Uuid = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time' });
const Reason = Type.String({
  minLength: 1,
  maxLength: 500,
  pattern: '\\S',
  description: 'Why staff made this change; kept in the audit log.',
});
const Purpose = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const UserAccount = Type.Union([Type.Literal('spendable'), Type.Literal('earnings'), Type.Literal('held')]);
const PayingAccount = Type.Union([Type.Literal('spendable'), Type.Literal('earnings')], {
  description: 'spendable (credits to spend) or earnings (what a creator earned); default spendable',
});

export const UserParams = Type.Object({ userId: Uuid }, { additionalProperties: false });
export const HoldParams = Type.Object({ holdId: Uuid }, { additionalProperties: false });

export const BalanceBody = Type.Object({
  spendable: Type.Integer({ description: 'Credits the user can spend' }),
  earnings: Type.Integer({ description: 'Credits the user earned (creators)' }),
  held: Type.Integer({ description: 'Credits set aside by pending holds' }),
  frozen: Type.Boolean({ description: 'A frozen account neither pays nor receives (423)' }),
  expiring: Type.Array(Type.Object({ amount: Type.Integer(), expiresAt: Instant }), {
    description: 'Spendable credits that expire, soonest first (at most 20 lots)',
  }),
});

export const TransactionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(
      Type.String({
        maxLength: 200,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'nextCursor of the last page',
      }),
    ),
    kind: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z_]{0,39}$',
        description: 'Only this kind of movement (purchase, promotion, refund, transfer, message, hold, ...)',
      }),
    ),
    account: Type.Optional(UserAccount),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive' })),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive' })),
  },
  { additionalProperties: false },
);
export type TransactionsFilters = Static<typeof TransactionsQuery>;

/** The memo fields a user sees on their own movements; staff see the whole memo. */
export const UserMemo = Type.Object(
  {
    holdId: Type.Optional(Type.String()),
    purpose: Type.Optional(Type.String()),
    messageId: Type.Optional(Type.String()),
    giftId: Type.Optional(Type.String()),
    note: Type.Optional(Type.String()),
    lotId: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
export const USER_MEMO_FIELDS: readonly string[] = Object.keys(UserMemo.properties);
const StaffMemo = Type.Object({}, { additionalProperties: true });

function transactionsPage(memo: TSchema) {
  return Type.Object({
    items: Type.Array(
      Type.Object({
        id: Type.Integer({
          description: 'The transfer; one between two of your own accounts is listed under each',
        }),
        kind: Type.String(),
        amount: Type.Integer({ description: 'Signed from this account: negative when it paid' }),
        account: UserAccount,
        balanceAfter: Type.Integer({ description: "This account's balance right after the movement" }),
        counterparty: Type.String({
          description: 'The other side: a user id, or system:<name> for a platform account',
        }),
        memo: Nullable(memo),
        createdAt: Instant,
      }),
    ),
    nextCursor: Nullable(
      Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' }),
    ),
  });
}
export const UserTransactionsPage = transactionsPage(UserMemo);
export const StaffTransactionsPage = transactionsPage(StaffMemo);

export const HoldBody = Type.Object({
  id: Uuid,
  ownerId: Uuid,
  amount: Type.Integer(),
  captured: Type.Integer({ description: 'What a capture took; the rest went back' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('captured'), Type.Literal('released')]),
  purpose: Type.String(),
  expiresAt: Nullable(Instant),
  createdAt: Instant,
  resolvedAt: Nullable(Instant),
});

export const ReceiptBody = Type.Object({
  operationId: Uuid,
  transfers: Type.Array(Type.Object({ id: Type.Integer(), kind: Type.String(), amount: Type.Integer() })),
  balanceAfter: Type.Integer({ description: "The user's account balance right after the operation" }),
});

export const FrozenBody = Type.Object({ userId: Uuid, frozen: Type.Boolean() });

const EXAMPLE_USER = '0b7c1a9e-3f52-4c1d-9a41-7e2f0c8d5b16';
const OTHER_USER = '5d0e8f3a-9b64-4a27-8c1e-2f7a6b9c0d48';

/** The bodies carrying an amount, bounded by the configured maximum. */
export function amountBodies(maxAmount: number) {
  const Amount = Type.Integer({ minimum: 1, maximum: maxAmount, description: 'Whole credits' });
  return {
    CreateHold: Type.Object(
      {
        amount: Amount,
        purpose: Purpose,
        expiresAt: Type.Optional(
          Type.String({ format: 'date-time', description: 'When a forgotten hold is released (future)' }),
        ),
      },
      {
        additionalProperties: false,
        examples: [{ amount: 300, purpose: 'call', expiresAt: '2030-01-01T00:00:00Z' }],
      },
    ),
    Grant: Type.Object(
      {
        userId: Uuid,
        amount: Amount,
        source: Type.Union([Type.Literal('purchase'), Type.Literal('promotion'), Type.Literal('refund')]),
        expiresAt: Type.Optional(
          Type.String({ format: 'date-time', description: 'The credits expire then (future)' }),
        ),
        reason: Reason,
      },
      {
        additionalProperties: false,
        examples: [
          { userId: EXAMPLE_USER, amount: 500, source: 'refund', reason: 'Ticket 4812: failed call' },
        ],
      },
    ),
    Deduction: Type.Object(
      { userId: Uuid, amount: Amount, account: Type.Optional(PayingAccount), reason: Reason },
      {
        additionalProperties: false,
        examples: [{ userId: EXAMPLE_USER, amount: 200, account: 'spendable', reason: 'Chargeback 99120' }],
      },
    ),
    Transfer: Type.Object(
      {
        fromUserId: Uuid,
        toUserId: Uuid,
        amount: Amount,
        from: Type.Optional(PayingAccount),
        to: Type.Optional(PayingAccount),
        reason: Reason,
      },
      {
        additionalProperties: false,
        examples: [
          {
            fromUserId: EXAMPLE_USER,
            toUserId: OTHER_USER,
            amount: 100,
            from: 'earnings',
            to: 'spendable',
            reason: 'Ticket 4913: payment sent to the wrong creator',
          },
        ],
      },
    ),
    Capture: Type.Object(
      {
        amount: Amount,
        to: Type.Union([
          Type.Object(
            { userId: Uuid, account: Type.Union([Type.Literal('earnings'), Type.Literal('spendable')]) },
            { additionalProperties: false },
          ),
          Type.Object(
            { system: Type.Union([Type.Literal('payouts'), Type.Literal('platform_fees')]) },
            { additionalProperties: false },
          ),
        ]),
        reason: Reason,
      },
      {
        additionalProperties: false,
        examples: [
          {
            amount: 250,
            to: { userId: OTHER_USER, account: 'earnings' },
            reason: 'Call 7781 lasted 5 minutes',
          },
          { amount: 1000, to: { system: 'payouts' }, reason: 'Payout 311 sent' },
        ],
      },
    ),
  };
}

export const StaffReleaseBody = Type.Object(
  { reason: Reason },
  { additionalProperties: false, examples: [{ reason: 'Call 7781 never connected' }] },
);

export const SetFrozenBody = Type.Object(
  { frozen: Type.Boolean(), reason: Reason },
  {
    additionalProperties: false,
    examples: [{ frozen: true, reason: 'Card fraud under review (ticket 5120)' }],
  },
);

/** The route description naming the permission that guards it and the roles holding it. */
export function requiresPermission(policy: AccessPolicy, permission: string, what = ''): string {
  const roles = policy.roles.filter((role) => policy.can(role, permission));
  return `${what}${what ? '\n\n' : ''}Requires permission \`${permission}\` (roles: ${roles.join(', ')}).`;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/** A hold as sent (a replayed one comes back from JSON with its dates as strings). */
export function presentHold(hold: Hold): Static<typeof HoldBody> {
  return {
    id: hold.id,
    ownerId: hold.ownerId,
    amount: hold.amount,
    captured: hold.captured,
    status: hold.status,
    purpose: hold.purpose,
    expiresAt: isoOrNull(hold.expiresAt),
    createdAt: iso(hold.createdAt),
    resolvedAt: isoOrNull(hold.resolvedAt),
  };
}

export function presentBalance(balance: Balance): Static<typeof BalanceBody> {
  return {
    ...balance,
    expiring: balance.expiring.map((lot) => ({ amount: lot.amount, expiresAt: iso(lot.expiresAt) })),
  };
}
