// Owns the request and response schemas of assessment invitations, with examples for the API
// documents. Inputs allow no unknown properties and cap every string and list; ids are uuids. No
// response schema has a token field: the token exists only in the candidate's mail.
import Type, { type Static } from 'typebox';
import { PageQuery as ApplicationsPageQuery } from '../applications/schemas.js';
import { Nullable } from '../jobs/schemas.js';

const EXAMPLE_ORGANISATION = '3f2b8c1e-6a4d-4e9b-8c7a-1d2e3f4a5b6c';
const EXAMPLE_ASSESSMENT = '8d1f0a52-3c4b-4f6e-9a7b-2c3d4e5f6a7b';
const EXAMPLE_INVITATION = '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e';
const EXAMPLE_APPLICATION = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
// Not blank and no U+0000 (PostgreSQL text cannot hold it).
const SOME_TEXT = '^\\s*[^\\s\\u0000][^\\u0000]*$';
const NO_NUL = '^[^\\u0000]*$';

const Email = Type.String({
  format: 'email',
  minLength: 3,
  maxLength: 254,
  description: 'Normalised (trimmed, NFKC, lower case); the same email twice in one request is invited once.',
});
const ExpiresInHours = Type.Integer({
  minimum: 1,
  maximum: 720,
  default: 168,
  description: 'How long the link is valid, from now (server clock); default 168 (7 days).',
});
const AttemptsLimit = Type.Integer({
  minimum: 1,
  maximum: 10,
  description:
    "Attempts the candidate may take, each from a fresh link; default the assessment's attempts limit.",
});

export const Status = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('started'),
    Type.Literal('completed'),
    Type.Literal('expired'),
    Type.Literal('revoked'),
  ],
  {
    description:
      'pending: waiting for the candidate (also between attempts when more are allowed); started: an attempt is in progress; completed: every allowed attempt was scored; expired: pending past expiresAt (computed when read; a resend re-arms it); revoked: withdrawn by the employer.',
  },
);

// ---------------------------------------------------------------------------------------------
// Inputs.

export const OrganisationParams = Type.Object({ organisationId: Uuid }, { additionalProperties: false });
export const AssessmentParams = Type.Object(
  { organisationId: Uuid, assessmentId: Uuid },
  { additionalProperties: false },
);
export const OrganisationInvitationParams = Type.Object(
  { organisationId: Uuid, invitationId: Uuid },
  { additionalProperties: false },
);
export const InvitationParams = Type.Object({ invitationId: Uuid }, { additionalProperties: false });

export const CandidateInput = Type.Object(
  {
    email: Email,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: SOME_TEXT })),
    applicationId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: "One of the organisation's applications, made with this same email.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CandidateInput = Static<typeof CandidateInput>;

const Candidates = Type.Array(CandidateInput, { minItems: 1, maxItems: 100 });

export const CreateBody = Type.Object(
  {
    candidates: Candidates,
    expiresInHours: Type.Optional(ExpiresInHours),
    attemptsLimit: Type.Optional(AttemptsLimit),
  },
  {
    additionalProperties: false,
    examples: [
      {
        candidates: [
          { email: 'ada@example.com', name: 'Ada Lovelace', applicationId: EXAMPLE_APPLICATION },
          { email: 'grace@example.com' },
        ],
        expiresInHours: 72,
      },
    ],
  },
);
export type CreateBody = Static<typeof CreateBody>;

export const AliasCreateBody = Type.Object(
  {
    organisationId: Uuid,
    assessmentId: Uuid,
    candidates: Type.Optional(Candidates),
    email: Type.Optional(Email),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: SOME_TEXT })),
    applicationId: Type.Optional(Uuid),
    expiresInHours: Type.Optional(ExpiresInHours),
    attemptsLimit: Type.Optional(AttemptsLimit),
  },
  {
    additionalProperties: false,
    description: 'Either `candidates` (one or many) or `email` (one, with optional name and applicationId).',
    examples: [
      { organisationId: EXAMPLE_ORGANISATION, assessmentId: EXAMPLE_ASSESSMENT, email: 'ada@example.com' },
    ],
  },
);
export type AliasCreateBody = Static<typeof AliasCreateBody>;

export const ResendBody = Type.Object(
  {
    expiresInHours: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 720,
        description:
          'Validity of the new link from now; default the validity the invitation was created with.',
      }),
    ),
  },
  { additionalProperties: false, examples: [{}, { expiresInHours: 48 }] },
);
export type ResendBody = Static<typeof ResendBody>;

const listFields = {
  assessmentId: Type.Optional(Uuid),
  status: Type.Optional(Status),
  email: Type.Optional(
    Type.String({ minLength: 3, maxLength: 254, pattern: NO_NUL, description: 'Exact email (normalised)' }),
  ),
  ...ApplicationsPageQuery.properties,
};
export const ListQuery = Type.Object(listFields, { additionalProperties: false });
export type ListQuery = Static<typeof ListQuery>;
export const AliasListQuery = Type.Object(
  {
    organisationId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Needed when you belong to more than one organisation (else 400 organisation_required).',
      }),
    ),
    ...listFields,
  },
  { additionalProperties: false },
);
export type AliasListQuery = Static<typeof AliasListQuery>;
/** The limit and cursor of a page, as the applications' lists take them. */
export const PageQuery = ApplicationsPageQuery;
export type PageQuery = Static<typeof PageQuery>;

// ---------------------------------------------------------------------------------------------
// Outputs.

const exampleInvitation = {
  id: EXAMPLE_INVITATION,
  organisationId: EXAMPLE_ORGANISATION,
  assessmentId: EXAMPLE_ASSESSMENT,
  assessmentTitle: 'Backend engineering (TypeScript)',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  applicationId: EXAMPLE_APPLICATION,
  candidateUserId: null,
  status: 'pending',
  linkActive: true,
  attemptsLimit: 1,
  attemptsUsed: 0,
  expiresAt: '2026-12-07T09:30:00.000Z',
  createdAt: '2026-11-30T09:30:00.000Z',
  lastSentAt: '2026-11-30T09:30:00.000Z',
  startedAt: null,
  completedAt: null,
  revokedAt: null,
};

const invitationFields = {
  id: Uuid,
  organisationId: Uuid,
  assessmentId: Uuid,
  assessmentTitle: Type.String(),
  email: Type.String(),
  name: Nullable(Type.String()),
  applicationId: Nullable(Uuid),
  candidateUserId: Nullable(
    Type.String({ format: 'uuid', description: 'The candidate account with this email, when one existed' }),
  ),
  status: Status,
  linkActive: Type.Boolean({
    description:
      'Whether the link last mailed can start an attempt now (false once used, expired or revoked).',
  }),
  attemptsLimit: Type.Integer(),
  attemptsUsed: Type.Integer(),
  expiresAt: DateTime,
  createdAt: DateTime,
  lastSentAt: DateTime,
  startedAt: Nullable(DateTime),
  completedAt: Nullable(DateTime),
  revokedAt: Nullable(DateTime),
};

export const Invitation = Type.Object(invitationFields, { examples: [exampleInvitation] });
export type Invitation = Static<typeof Invitation>;

const MailQueued = Type.Boolean({
  description: 'Whether the mail with the link was queued (written to the outbox in the same transaction).',
});
export const SentInvitation = Type.Object(
  { ...invitationFields, mailQueued: MailQueued },
  { examples: [{ ...exampleInvitation, mailQueued: true }] },
);
export type SentInvitation = Static<typeof SentInvitation>;

export const CreateResult = Type.Object(
  {
    items: Type.Array(SentInvitation),
    quota: Type.Object(
      {
        used: Type.Integer({ minimum: 0 }),
        limit: Nullable(Type.Integer({ minimum: 0, description: 'null: unlimited' })),
        periodEnd: DateTime,
      },
      { description: "The organisation's invitations quota for the billing period, after this request." },
    ),
  },
  {
    examples: [
      {
        items: [{ ...exampleInvitation, mailQueued: true }],
        quota: { used: 13, limit: 25, periodEnd: '2026-12-01T00:00:00.000Z' },
      },
    ],
  },
);
export type CreateResult = Static<typeof CreateResult>;

export const InvitationPage = Type.Object(
  { items: Type.Array(Invitation), nextCursor: Nullable(Type.String()) },
  { examples: [{ items: [exampleInvitation], nextCursor: null }] },
);

const exampleMyInvitation = {
  id: EXAMPLE_INVITATION,
  organisationName: 'Acme Ltd',
  assessmentTitle: 'Backend engineering (TypeScript)',
  timeLimitMinutes: 45,
  status: 'pending',
  attemptsLimit: 1,
  attemptsUsed: 0,
  expiresAt: '2026-12-07T09:30:00.000Z',
  invitedAt: '2026-11-30T09:30:00.000Z',
};

export const MyInvitation = Type.Object(
  {
    id: Uuid,
    organisationName: Type.String(),
    assessmentTitle: Type.String(),
    timeLimitMinutes: Type.Integer(),
    status: Status,
    attemptsLimit: Type.Integer(),
    attemptsUsed: Type.Integer(),
    expiresAt: DateTime,
    invitedAt: DateTime,
  },
  { examples: [exampleMyInvitation] },
);
export type MyInvitation = Static<typeof MyInvitation>;
export const MyInvitationPage = Type.Object(
  { items: Type.Array(MyInvitation), nextCursor: Nullable(Type.String()) },
  { examples: [{ items: [exampleMyInvitation], nextCursor: null }] },
);
