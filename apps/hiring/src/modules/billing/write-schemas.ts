// Owns the request and response schemas of billing's Stripe-facing routes (checkout, customer
// portal, cancel, resume, the spec's /cancel-subscription alias and the admin reconciliation), with
// examples for the API documents. Inputs allow no unknown properties; return URLs are checked
// against the configured origins by the service, not here.
import Type, { type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const EXAMPLE_ORGANISATION = '3f2b8c1e-5a4d-4e6f-9b7a-1c2d3e4f5a6b';
const EXAMPLE_SUBSCRIPTION = 'sub_1QxExample7hY3kL';

const ReturnUrl = (description: string) =>
  Type.String({
    format: 'uri',
    maxLength: 2048,
    description: `${description} Must be on an allowed origin.`,
  });

export const OrganisationParams = Type.Object(
  { organisationId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[!-~]+$',
      description:
        'Makes a retried request return the first answer (Stripe keeps it at least 24 h). Without it every request is a new attempt.',
    }),
  ),
});

export const CheckoutBody = Type.Object(
  {
    tier: Type.Union([Type.Literal('starter'), Type.Literal('pro'), Type.Literal('enterprise')], {
      description: 'The paid tier to subscribe to.',
    }),
    successUrl: ReturnUrl('Where Stripe sends the user after paying.'),
    cancelUrl: ReturnUrl('Where Stripe sends the user when they give up.'),
  },
  {
    additionalProperties: false,
    examples: [
      {
        tier: 'pro',
        successUrl: 'https://app.example.com/billing?checkout=done',
        cancelUrl: 'https://app.example.com/billing',
      },
    ],
  },
);
export type CheckoutInput = Static<typeof CheckoutBody>;

export const CheckoutSession = Type.Object(
  {
    url: Type.String({ description: 'Stripe Checkout page to send the user to.' }),
    sessionId: Type.String(),
  },
  { examples: [{ url: 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3', sessionId: 'cs_test_a1B2c3' }] },
);

export const PortalBody = Type.Object(
  { returnUrl: ReturnUrl('Where the portal sends the user back to.') },
  { additionalProperties: false, examples: [{ returnUrl: 'https://app.example.com/billing' }] },
);

export const PortalSession = Type.Object(
  { url: Type.String({ description: 'Stripe customer portal page to send the user to.' }) },
  { examples: [{ url: 'https://billing.stripe.com/p/session/test_YWNjdF8x' }] },
);

const atPeriodEnd = Type.Boolean({
  default: true,
  description: 'true (default): the subscription runs until the period ends; false: it ends now.',
});

export const CancelBody = Type.Object(
  { atPeriodEnd: Type.Optional(atPeriodEnd) },
  { additionalProperties: false, examples: [{ atPeriodEnd: true }] },
);

export const CancelSubscriptionBody = Type.Object(
  {
    organisationId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Needed only when you belong to several organisations.',
      }),
    ),
    atPeriodEnd: Type.Optional(atPeriodEnd),
  },
  { additionalProperties: false, examples: [{ organisationId: EXAMPLE_ORGANISATION, atPeriodEnd: false }] },
);

const Status = Type.Union([
  Type.Literal('trialing'),
  Type.Literal('active'),
  Type.Literal('past_due'),
  Type.Literal('canceled'),
  Type.Literal('incomplete'),
]);
const Tier = Type.Union([
  Type.Literal('free'),
  Type.Literal('starter'),
  Type.Literal('pro'),
  Type.Literal('enterprise'),
]);

export const SubscriptionChange = Type.Object(
  {
    organisationId: Type.String({ format: 'uuid' }),
    tier: Tier,
    status: Status,
    cancelAtPeriodEnd: Type.Boolean(),
    currentPeriodEnd: Type.String({ format: 'date-time' }),
    stripeSubscriptionId: Nullable(Type.String()),
  },
  {
    description: 'The subscription as Stripe answered, already applied here.',
    examples: [
      {
        organisationId: EXAMPLE_ORGANISATION,
        tier: 'pro',
        status: 'active',
        cancelAtPeriodEnd: true,
        currentPeriodEnd: '2026-12-31T00:00:00.000Z',
        stripeSubscriptionId: EXAMPLE_SUBSCRIPTION,
      },
    ],
  },
);

const FieldChange = Type.Object({
  field: Type.String(),
  from: Nullable(Type.Union([Type.String(), Type.Boolean()])),
  to: Nullable(Type.Union([Type.String(), Type.Boolean()])),
});

export const ReconciliationReport = Type.Object(
  {
    checked: Type.Integer({ description: 'Stripe subscriptions compared.' }),
    repaired: Type.Array(
      Type.Object({
        organisationId: Type.String({ format: 'uuid' }),
        subscriptionId: Type.String(),
        changes: Type.Array(FieldChange),
      }),
    ),
    unresolved: Type.Array(
      Type.Object({
        subscriptionId: Nullable(Type.String()),
        eventId: Nullable(Type.String()),
        reason: Type.String(),
      }),
      {
        description:
          'What could not be matched to an organisation or applied (webhook events recorded unresolved, conflicting owners, several live subscriptions of one organisation); needs a person.',
      },
    ),
    retriedEvents: Type.Object({
      processed: Type.Integer(),
      failed: Type.Integer(),
      unresolved: Type.Integer({ description: 'Retried events that turned out unresolvable.' }),
    }),
  },
  {
    examples: [
      {
        checked: 12,
        repaired: [
          {
            organisationId: EXAMPLE_ORGANISATION,
            subscriptionId: EXAMPLE_SUBSCRIPTION,
            changes: [{ field: 'tier', from: 'starter', to: 'pro' }],
          },
        ],
        unresolved: [{ subscriptionId: 'sub_1QyForeign', eventId: null, reason: 'no organisation' }],
        retriedEvents: { processed: 1, failed: 0, unresolved: 0 },
      },
    ],
  },
);
