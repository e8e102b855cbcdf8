// Owns the request and response schemas of candidate job actions and the employer's application
// pipeline. Inputs allow no unknown properties and cap every string; ids are uuids. What a candidate
// sees of their own application is a subset of the employer's view: the optional fields below
// (the applicant's contact and profile, notes, ratings, rejection reason, who moved it) are left
// out for them.

import Type, { type Static } from 'typebox';
import { ApplicantProfile } from '../candidates/schemas.js';
import { Nullable } from '../jobs/schemas.js';

const Uuid = Type.String({ format: 'uuid' });
// PostgreSQL text cannot hold U+0000: refused here as bad input rather than failing in the database.
const NO_NUL = '^[^\\u0000]*$';
// Not blank and no U+0000. Linear to match: the leading run of spaces is the only choice point.
const SOME_TEXT = '^\\s*[^\\s\\u0000][^\\u0000]*$';
const DateTime = Type.String({ format: 'date-time' });

export const JobAction = Type.Union(
  [
    Type.Literal('save'),
    Type.Literal('unsave'),
    Type.Literal('dismiss'),
    Type.Literal('undismiss'),
    Type.Literal('apply'),
  ],
  { description: 'save/dismiss are mutually exclusive (one undoes the other); apply also undismisses' },
);
export type JobAction = Static<typeof JobAction>;

const CoverNote = Type.String({
  maxLength: 5000,
  pattern: NO_NUL,
  description: 'Only with apply; kept from the first apply.',
});
export const StageOutcome = Type.Union([
  Type.Literal('open'),
  Type.Literal('hired'),
  Type.Literal('rejected'),
]);
const StageKey = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', maxLength: 40 });
const ApplicationStatus = Type.Union(
  [Type.Literal('active'), Type.Literal('hired'), Type.Literal('rejected'), Type.Literal('withdrawn')],
  {
    description:
      "withdrawn once the candidate withdrew it; otherwise the current stage's outcome: active while in an open stage",
  },
);
const WithdrawnAt = Nullable(DateTime);
const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 20 });
const Cursor = Type.String({ minLength: 1, maxLength: 200, description: 'nextCursor of the previous page' });

// ---------------------------------------------------------------------------------------------
// Inputs.

export const JobParams = Type.Object({ jobId: Uuid }, { additionalProperties: false });
export const OrganisationParams = Type.Object({ organisationId: Uuid }, { additionalProperties: false });
export const ApplicationParams = Type.Object({ applicationId: Uuid }, { additionalProperties: false });

export const JobActionBody = Type.Object(
  { action: JobAction, coverNote: Type.Optional(CoverNote) },
  { additionalProperties: false },
);
export const JobActionAliasBody = Type.Object(
  { jobId: Uuid, action: JobAction, coverNote: Type.Optional(CoverNote) },
  { additionalProperties: false },
);

export const PageQuery = Type.Object(
  { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;
export const JobApplicationsQuery = Type.Object(
  { stage: Type.Optional(StageKey), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);
export type JobApplicationsQuery = Static<typeof JobApplicationsQuery>;

export const StageInput = Type.Object(
  {
    key: StageKey,
    name: Type.String({ minLength: 1, maxLength: 80, pattern: SOME_TEXT }),
    outcome: StageOutcome,
  },
  { additionalProperties: false },
);
export type StageInput = Static<typeof StageInput>;
export const ReplaceStagesBody = Type.Object(
  {
    stages: Type.Array(StageInput, {
      minItems: 3,
      maxItems: 30,
      description: 'The whole ordered list; the first open stage is where new applications start',
    }),
  },
  { additionalProperties: false },
);

export const MoveStageBody = Type.Object(
  {
    stageKey: StageKey,
    reason: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        pattern: SOME_TEXT,
        description: "Required for a 'rejected' stage",
      }),
    ),
  },
  { additionalProperties: false },
);
export const NoteBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 5000, pattern: SOME_TEXT }),
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
  },
  { additionalProperties: false },
);

// ---------------------------------------------------------------------------------------------
// Outputs.

export const StageRef = Type.Object({ key: Type.String(), name: Type.String(), outcome: StageOutcome });
export type StageRef = Static<typeof StageRef>;

export const PipelineStage = Type.Object({
  key: Type.String(),
  name: Type.String(),
  outcome: StageOutcome,
  position: Type.Integer(),
  applications: Type.Integer({ description: 'Applications currently in this stage' }),
});
export type PipelineStage = Static<typeof PipelineStage>;
export const PipelineStageList = Type.Object({ items: Type.Array(PipelineStage) });

/** A candidate's own application, as listed for them and returned by apply. */
export const MyApplication = Type.Object({
  id: Uuid,
  jobId: Uuid,
  organisationId: Uuid,
  coverNote: Nullable(Type.String()),
  stage: StageRef,
  status: ApplicationStatus,
  appliedAt: DateTime,
  stageEnteredAt: DateTime,
  withdrawnAt: WithdrawnAt,
});
export type MyApplication = Static<typeof MyApplication>;
export const MyApplicationPage = Type.Object({
  items: Type.Array(MyApplication),
  nextCursor: Nullable(Type.String()),
});

export const JobActionResult = Type.Object({
  jobId: Uuid,
  saved: Type.Boolean(),
  dismissed: Type.Boolean(),
  application: Nullable(MyApplication),
});
export type JobActionResult = Static<typeof JobActionResult>;

export const SavedJob = Type.Object({ jobId: Uuid, savedAt: DateTime });
export type SavedJob = Static<typeof SavedJob>;
export const SavedJobPage = Type.Object({ items: Type.Array(SavedJob), nextCursor: Nullable(Type.String()) });

/** Who applied, as the employer sees them: the e-mail they applied with and their profile. */
export const Applicant = Type.Object({
  email: Type.String({ description: 'The e-mail the candidate applied with (their account e-mail then)' }),
  profile: Type.Union([ApplicantProfile, Type.Null()], {
    description: 'Null while the candidate has no profile',
  }),
});
export type Applicant = Static<typeof Applicant>;

export const AssessmentScore = Type.Object(
  {
    attemptId: Uuid,
    assessmentId: Uuid,
    percent: Type.Number(),
    passed: Type.Boolean(),
    scoredAt: DateTime,
  },
  { description: 'The latest scored assessment attempt of an invitation that named this application' },
);
export type AssessmentScore = Static<typeof AssessmentScore>;

export const ApplicationSummary = Type.Object({
  id: Uuid,
  jobId: Uuid,
  candidateId: Uuid,
  applicant: Applicant,
  coverNote: Nullable(Type.String()),
  stage: StageRef,
  status: ApplicationStatus,
  appliedAt: DateTime,
  stageEnteredAt: DateTime,
  withdrawnAt: WithdrawnAt,
  averageRating: Nullable(Type.Number()),
  ratingsCount: Type.Integer(),
  notesCount: Type.Integer(),
  assessment: Nullable(AssessmentScore),
});
export type ApplicationSummary = Static<typeof ApplicationSummary>;
export const ApplicationSummaryPage = Type.Object({
  items: Type.Array(ApplicationSummary),
  nextCursor: Nullable(Type.String()),
});

export const StageStint = Type.Object({
  stage: StageRef,
  enteredAt: DateTime,
  leftAt: Nullable(DateTime),
  secondsInStage: Type.Integer({ description: 'Until leftAt, or until now for the current stage' }),
  movedBy: Type.Optional(Nullable(Uuid)),
  reason: Type.Optional(Nullable(Type.String())),
});
export type StageStint = Static<typeof StageStint>;

export const Note = Type.Object({
  id: Uuid,
  authorId: Nullable(Uuid),
  body: Type.String(),
  rating: Nullable(Type.Integer()),
  createdAt: DateTime,
});
export type Note = Static<typeof Note>;

export const ApplicationDetail = Type.Object({
  id: Uuid,
  jobId: Uuid,
  organisationId: Uuid,
  candidateId: Uuid,
  coverNote: Nullable(Type.String()),
  stage: StageRef,
  status: ApplicationStatus,
  appliedAt: DateTime,
  stageEnteredAt: DateTime,
  withdrawnAt: WithdrawnAt,
  applicant: Type.Optional(Applicant),
  history: Type.Array(StageStint, { description: 'Oldest first; the last entry is the current stage' }),
  rejectionReason: Type.Optional(Nullable(Type.String())),
  notes: Type.Optional(Type.Array(Note)),
  averageRating: Type.Optional(Nullable(Type.Number())),
  ratingsCount: Type.Optional(Type.Integer()),
});
export type ApplicationDetail = Static<typeof ApplicationDetail>;
