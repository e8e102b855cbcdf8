// Owns the request and response schemas of reconciliation: the run request (period and provider),
// a run with its counts, a finding, the listing filters and the resolution body. Inputs allow no
// unknown properties; instants are ISO 8601.
import Type from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const EXAMPLE_RUN = '6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a';
const EXAMPLE_FINDING = '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d';
const EXAMPLE_ORDER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const EXAMPLE_STAFF = '7e6d5c4b-3a2f-4e1d-8c0b-9a8f7e6d5c4b';

const Provider = Type.Union([Type.Literal('stripe'), Type.Literal('razorpay')]);

export const RunBody = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'Start of the period (inclusive).' }),
    to: Type.String({
      format: 'date-time',
      description: 'End of the period (exclusive); at most 31 days after from.',
    }),
    provider: Type.Optional(
      Type.Union([Type.Literal('stripe'), Type.Literal('razorpay')], {
        description: 'One provider; default every configured one.',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', provider: 'stripe' }],
  },
);

const exampleRun = {
  id: EXAMPLE_RUN,
  trigger: 'finance',
  requestedBy: EXAMPLE_STAFF,
  from: '2026-01-01T00:00:00.000Z',
  to: '2026-01-02T00:00:00.000Z',
  providers: ['stripe'],
  status: 'completed',
  matched: 41,
  repaired: 1,
  open: 1,
  error: null,
  startedAt: '2026-01-02T02:23:00.000Z',
  finishedAt: '2026-01-02T02:23:04.000Z',
};

const RunSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    trigger: Type.Union([Type.Literal('schedule'), Type.Literal('finance')]),
    requestedBy: Nullable(Type.String({ format: 'uuid' })),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    providers: Type.Array(Provider),
    status: Type.Union([Type.Literal('running'), Type.Literal('completed'), Type.Literal('failed')]),
    matched: Type.Integer({ description: 'Payments and refunds that agree.' }),
    repaired: Type.Integer({ description: 'Missing grants and reversals this run applied.' }),
    open: Type.Integer({ description: 'Findings left open for finance.' }),
    error: Nullable(Type.String()),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { examples: [exampleRun] },
);

const FindingKind = Type.Union(
  [
    Type.Literal('missing_grant'),
    Type.Literal('missing_reversal'),
    Type.Literal('unknown_to_provider'),
    Type.Literal('amount_mismatch'),
  ],
  {
    description:
      'missing_grant: paid at the provider, no grant (repaired); missing_reversal: refunded at the provider, not reversed (repaired); unknown_to_provider: granted here, no such successful payment there; amount_mismatch: amounts or currencies differ.',
  },
);
const FindingStatus = Type.Union([Type.Literal('open'), Type.Literal('repaired'), Type.Literal('resolved')]);
const Resolution = Type.Union(
  [
    Type.Literal('fixed_manually'),
    Type.Literal('provider_error'),
    Type.Literal('accepted'),
    Type.Literal('false_positive'),
  ],
  { description: 'What finance concluded.' },
);

const exampleFinding = {
  id: EXAMPLE_FINDING,
  provider: 'stripe',
  kind: 'missing_grant',
  providerObjectId: 'pi_3Pq1xYZ',
  orderId: EXAMPLE_ORDER,
  status: 'repaired',
  detail: { amount: 999, currency: 'USD', creditsGranted: 1000 },
  firstRunId: EXAMPLE_RUN,
  lastRunId: EXAMPLE_RUN,
  resolution: null,
  note: null,
  resolvedBy: null,
  resolvedAt: null,
  createdAt: '2026-01-02T02:23:02.000Z',
  updatedAt: '2026-01-02T02:23:02.000Z',
};

export const FindingSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    provider: Provider,
    kind: FindingKind,
    providerObjectId: Type.String({ description: 'Payment or refund id at the provider.' }),
    orderId: Nullable(Type.String({ format: 'uuid' })),
    status: FindingStatus,
    detail: Type.Record(Type.String(), Type.Unknown()),
    firstRunId: Type.String({ format: 'uuid' }),
    lastRunId: Type.String({ format: 'uuid' }),
    resolution: Nullable(Resolution),
    note: Nullable(Type.String()),
    resolvedBy: Nullable(Type.String({ format: 'uuid' })),
    resolvedAt: Nullable(Type.String({ format: 'date-time' })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { examples: [exampleFinding] },
);

export const RunReportSchema = Type.Object(
  { run: RunSchema, findings: Type.Array(FindingSchema) },
  { examples: [{ run: exampleRun, findings: [exampleFinding] }] },
);

export const RunsPage = Type.Object(
  { items: Type.Array(RunSchema) },
  { examples: [{ items: [exampleRun] }] },
);

export const FindingListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('open'), Type.Literal('repaired'), Type.Literal('resolved')], {
        description: 'Default open.',
      }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page.' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Default 50.' })),
  },
  { additionalProperties: false, examples: [{ status: 'open' }] },
);

export const FindingPage = Type.Object(
  { items: Type.Array(FindingSchema), nextCursor: Nullable(Type.String()) },
  { examples: [{ items: [exampleFinding], nextCursor: null }] },
);

export const FindingParams = Type.Object(
  { findingId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

export const ResolveFindingBody = Type.Object(
  {
    resolution: Resolution,
    note: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'Why; kept with the finding and audited.',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        resolution: 'provider_error',
        note: 'Stripe support confirmed the payment was voided on their side.',
      },
    ],
  },
);
