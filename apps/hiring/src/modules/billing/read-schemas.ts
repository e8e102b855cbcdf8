// Owns the request and response schemas of the billing read routes (subscription status and feature
// checks), with examples for the API documents. Features, tiers and statuses are closed lists: an
// unknown one is a 400 naming the field.
import Type, { type Static } from 'typebox';
import { FEATURES } from './tiers.js';
import { TIER_NAMES } from './types.js';

const EXAMPLE_ORGANISATION = '3f2b8c1e-6a4d-4e9b-8c7a-1d2e3f4a5b6c';
const literals = <T extends string>(values: readonly T[], description: string) =>
  Type.Enum(values as T[], { description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const Tier = (description: string) =>
  literals(TIER_NAMES, `free, starter, pro or enterprise: ${description}`);
export const Feature = literals(
  FEATURES,
  'A feature key; ai_assessments, invitations, job_postings and seats are metered (they have a quota).',
);
const Status = literals(
  ['trialing', 'active', 'past_due', 'canceled', 'incomplete'],
  "Stripe's status of the subscription; an organisation that never subscribed is free and active.",
);
const Limit = Nullable(Type.Integer({ minimum: 0, description: 'null: unlimited' }));
const MetricUsage = Type.Object({ used: Type.Integer({ minimum: 0 }), limit: Limit });

export const OrganisationParams = Type.Object(
  { organisationId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const exampleStatus = {
  organisationId: EXAMPLE_ORGANISATION,
  tier: 'starter',
  effectiveTier: 'starter',
  status: 'active',
  currentPeriodStart: '2026-11-12T09:30:00.000Z',
  currentPeriodEnd: '2026-12-12T09:30:00.000Z',
  cancelAtPeriodEnd: false,
  trialEnd: null,
  features: [
    'ai_assessments',
    'invitations',
    'job_postings',
    'seats',
    'candidate_ranking',
    'job_board_ingestion',
  ],
  usage: {
    ai_assessments: { used: 37, limit: 100 },
    invitations: { used: 12, limit: 250 },
    job_postings: { used: 4, limit: 10 },
    seats: { used: 3, limit: 5 },
  },
};

export const BillingStatus = Type.Object(
  {
    organisationId: Type.String({ format: 'uuid' }),
    tier: Tier('the tier subscribed to (docs/billing.md).'),
    effectiveTier: Tier(
      'the tier whose features and quotas apply; free once canceled or incomplete, past_due keeps the paid tier.',
    ),
    status: Status,
    currentPeriodStart: Type.String({
      format: 'date-time',
      description: 'Start of the period quotas are counted in (the UTC calendar month on the free tier).',
    }),
    currentPeriodEnd: Type.String({
      format: 'date-time',
      description: 'Per-period quotas start again at zero then.',
    }),
    cancelAtPeriodEnd: Type.Boolean(),
    trialEnd: Nullable(Type.String({ format: 'date-time' })),
    features: Type.Array(Feature, { description: 'Features the effective tier grants.' }),
    usage: Type.Object(
      {
        ai_assessments: MetricUsage,
        invitations: MetricUsage,
        job_postings: MetricUsage,
        seats: MetricUsage,
      },
      {
        description:
          'Per metric: what is used and the limit. Per period: ai_assessments, invitations; held at once: job_postings (published), seats (members).',
      },
    ),
  },
  { examples: [exampleStatus] },
);
export type BillingStatus = Static<typeof BillingStatus>;

export const VerifyBody = Type.Object(
  { feature: Feature },
  { additionalProperties: false, examples: [{ feature: 'ai_assessments' }] },
);

export const VerifyAliasBody = Type.Object(
  {
    feature: Feature,
    organisationId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Needed when you belong to more than one organisation (else 400 organisation_required).',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ feature: 'ai_assessments', organisationId: EXAMPLE_ORGANISATION }],
  },
);

export const StatusAliasQuery = Type.Object(
  {
    organisationId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Needed when you belong to more than one organisation (else 400 organisation_required).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const VerifyAnswer = Type.Object(
  {
    feature: Feature,
    allowed: Type.Boolean({
      description: 'The tier grants the feature and, when metered, its quota has room for one more.',
    }),
    tier: Tier('the effective tier the answer is for.'),
    used: Type.Optional(Type.Integer({ minimum: 0, description: 'Metered features only.' })),
    limit: Type.Optional(Limit),
    periodEnd: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Metered features only: when the current period ends.',
      }),
    ),
  },
  {
    examples: [
      {
        feature: 'ai_assessments',
        allowed: false,
        tier: 'free',
        used: 10,
        limit: 10,
        periodEnd: '2026-12-01T00:00:00.000Z',
      },
      { feature: 'sso', allowed: false, tier: 'pro' },
    ],
  },
);
export type VerifyAnswer = Static<typeof VerifyAnswer>;
