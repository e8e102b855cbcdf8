// Owns the request and response schemas of assessment templates (the employer's side). Inputs allow
// no unknown properties and cap every string and list; what the schema cannot say (the number of
// correct choices per kind, which fields a kind may carry, unique ids, at most 100 questions) is
// checked by validation.ts with the same kind of field-path errors. The employer's view carries the
// grader-only fields (correct choices, rubric, reference answer, keywords); candidates' schemas
// (attempts/schemas.ts) have no such fields at all.
import Type, { type Static } from 'typebox';
import { Nullable } from '../../jobs/schemas.js';

export const Uuid = Type.String({ format: 'uuid' });
export const DateTime = Type.String({ format: 'date-time' });
// Not blank and no U+0000 (PostgreSQL text cannot hold it).
const SOME_TEXT = '^\\s*[^\\s\\u0000][^\\u0000]*$';
const NO_NUL = '^[^\\u0000]*$';
const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, pattern: SOME_TEXT, ...(description && { description }) });

export const EXAMPLE_ORGANISATION = '3f1c2a9e-8b7d-4c1e-9a2b-5d6e7f8a9b0c';
export const EXAMPLE_ASSESSMENT = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const EXAMPLE_JOB = '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';

export const ItemId = Type.String({
  pattern: '^[A-Za-z0-9_-]{1,64}$',
  maxLength: 64,
  description: 'Letters, digits, _ and -; assigned (s1, q1, c1...) when left out',
});
export const QuestionKind = Type.Union(
  [
    Type.Literal('single_choice'),
    Type.Literal('multiple_choice'),
    Type.Literal('short_text'),
    Type.Literal('long_text'),
    Type.Literal('code'),
  ],
  { description: 'code answers are text' },
);
export const AssessmentStatus = Type.Union(
  [Type.Literal('draft'), Type.Literal('published'), Type.Literal('archived')],
  { description: 'draft until first published; archived ones can no longer be changed or taken' },
);

// ---------------------------------------------------------------------------------------------
// Inputs.

const ChoiceInput = Type.Object(
  { id: Type.Optional(ItemId), text: Text(1000), correct: Type.Boolean() },
  { additionalProperties: false },
);
const KeywordInput = Type.Object(
  {
    term: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: SOME_TEXT,
      description: 'A term, or |-separated alternatives',
    }),
    weight: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description: "Share of the question's points; a question's weights sum to 1",
    }),
  },
  { additionalProperties: false },
);

export const QuestionInput = Type.Object(
  {
    id: Type.Optional(ItemId),
    kind: QuestionKind,
    prompt: Text(4000),
    points: Type.Integer({ minimum: 1, maximum: 100 }),
    skill: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 60, pattern: SOME_TEXT }))),
    level: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 5 }))),
    choices: Type.Optional(
      Type.Array(ChoiceInput, {
        minItems: 2,
        maxItems: 8,
        description:
          'Choice kinds only: single_choice has exactly one correct choice, multiple_choice at least one',
      }),
    ),
    rubric: Type.Optional(Text(4000, 'Text kinds only (required for them): what a full-mark answer covers')),
    referenceAnswer: Type.Optional(Text(8000, 'Text kinds only')),
    keywords: Type.Optional(
      Type.Array(KeywordInput, {
        minItems: 1,
        maxItems: 20,
        description: 'Text kinds only (required for them): what the deterministic scorer awards points for',
      }),
    ),
    maxAnswerLength: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 20000,
        description: 'Text kinds only; default 500 (short_text), 5000 (long_text), 10000 (code)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type QuestionInput = Static<typeof QuestionInput>;

export const SectionInput = Type.Object(
  {
    id: Type.Optional(ItemId),
    title: Text(200),
    questions: Type.Array(QuestionInput, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type SectionInput = Static<typeof SectionInput>;

const settings = {
  timeLimitMinutes: Type.Integer({ minimum: 1, maximum: 480, description: 'Default 30' }),
  passScorePercent: Type.Integer({ minimum: 0, maximum: 100, description: 'Default 60' }),
  attemptsLimit: Type.Integer({
    minimum: 1,
    maximum: 10,
    description: 'Attempts one invitation allows; default 1',
  }),
  shuffleQuestions: Type.Boolean({ description: 'Per attempt, within each section; default false' }),
  shuffleChoices: Type.Boolean({ description: 'Per attempt; default false' }),
};
const editable = {
  title: Text(200),
  description: Type.String({ maxLength: 5000, pattern: NO_NUL }),
  jobId: Nullable(Uuid),
  sections: Type.Array(SectionInput, { maxItems: 20, description: 'At most 100 questions in all' }),
  ...settings,
};

const exampleQuestion = {
  kind: 'single_choice',
  prompt: 'Which isolation level does PostgreSQL use by default?',
  points: 2,
  choices: [
    { text: 'Read committed', correct: true },
    { text: 'Serializable', correct: false },
  ],
};
const exampleTextQuestion = {
  kind: 'short_text',
  prompt: 'Why is an index on a foreign key column often worth having?',
  points: 4,
  rubric: 'Mentions joins and deletes/updates of the referenced row scanning the table.',
  keywords: [
    { term: 'join', weight: 0.5 },
    { term: 'delete|cascade', weight: 0.5 },
  ],
};

/** Every field but the title, each optional, on create and on update alike. */
const optionalFields = {
  description: Type.Optional(editable.description),
  jobId: Type.Optional(editable.jobId),
  sections: Type.Optional(editable.sections),
  timeLimitMinutes: Type.Optional(settings.timeLimitMinutes),
  passScorePercent: Type.Optional(settings.passScorePercent),
  attemptsLimit: Type.Optional(settings.attemptsLimit),
  shuffleQuestions: Type.Optional(settings.shuffleQuestions),
  shuffleChoices: Type.Optional(settings.shuffleChoices),
};

export const CreateAssessmentBody = Type.Object(
  { title: editable.title, ...optionalFields },
  {
    additionalProperties: false,
    examples: [
      {
        title: 'Backend engineer screening',
        description: 'SQL and API design, 30 minutes.',
        jobId: EXAMPLE_JOB,
        sections: [{ title: 'Databases', questions: [exampleQuestion, exampleTextQuestion] }],
        timeLimitMinutes: 30,
        passScorePercent: 60,
        attemptsLimit: 1,
        shuffleQuestions: true,
        shuffleChoices: true,
      },
    ],
  },
);
export type CreateAssessmentBody = Static<typeof CreateAssessmentBody>;

export const UpdateAssessmentBody = Type.Object(
  { title: Type.Optional(editable.title), ...optionalFields },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ timeLimitMinutes: 45, passScorePercent: 70 }],
  },
);
export type UpdateAssessmentBody = Static<typeof UpdateAssessmentBody>;

export const GenerateAssessmentBody = Type.Object(
  {
    jobId: Uuid,
    questionCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 40, description: 'Default 10' })),
  },
  { additionalProperties: false, examples: [{ jobId: EXAMPLE_JOB, questionCount: 12 }] },
);
export type GenerateAssessmentBody = Static<typeof GenerateAssessmentBody>;

export const OrganisationParams = Type.Object({ organisationId: Uuid }, { additionalProperties: false });
export const AssessmentParams = Type.Object(
  { organisationId: Uuid, assessmentId: Uuid },
  { additionalProperties: false },
);
export const AssessmentQuery = Type.Object(
  {
    version: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100000, description: 'A past version; default the newest' }),
    ),
  },
  { additionalProperties: false },
);
export const AssessmentListQuery = Type.Object(
  {
    status: Type.Optional(AssessmentStatus),
    jobId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export type AssessmentListQuery = Static<typeof AssessmentListQuery>;

// ---------------------------------------------------------------------------------------------
// Outputs (the employer's view: grader-only fields included).

export const EmployerChoice = Type.Object({
  id: Type.String(),
  text: Type.String(),
  correct: Type.Boolean(),
});
export const EmployerQuestion = Type.Object({
  id: Type.String(),
  kind: QuestionKind,
  prompt: Type.String(),
  points: Type.Integer(),
  skill: Nullable(Type.String()),
  level: Nullable(Type.Integer()),
  choices: Type.Optional(Type.Array(EmployerChoice)),
  rubric: Type.Optional(Type.String()),
  referenceAnswer: Type.Optional(Type.String()),
  keywords: Type.Optional(Type.Array(Type.Object({ term: Type.String(), weight: Type.Number() }))),
  maxAnswerLength: Type.Optional(Type.Integer()),
});
export const EmployerSection = Type.Object({
  id: Type.String(),
  title: Type.String(),
  questions: Type.Array(EmployerQuestion),
});

const summaryFields = {
  id: Uuid,
  organisationId: Uuid,
  jobId: Nullable(Uuid),
  status: AssessmentStatus,
  version: Type.Integer({ description: 'The version shown (the newest unless ?version= asked for another)' }),
  latestVersion: Type.Integer(),
  publishedVersion: Nullable(Type.Integer({ description: 'The version new attempts start on' })),
  hasUnpublishedChanges: Type.Boolean({
    description: 'A draft version newer than the published one exists; publish it to use it',
  }),
  title: Type.String(),
  description: Type.String(),
  timeLimitMinutes: Type.Integer(),
  passScorePercent: Type.Integer(),
  attemptsLimit: Type.Integer(),
  shuffleQuestions: Type.Boolean(),
  shuffleChoices: Type.Boolean(),
  questionCount: Type.Integer(),
  sectionCount: Type.Integer(),
  totalPoints: Type.Integer(),
  generator: Nullable(
    Type.String({
      description: '`deterministic` or the model name when generated; null when written by hand',
    }),
  ),
  fallbackReason: Nullable(Type.String()),
  contentHash: Nullable(Type.String({ description: 'SHA-256 of the frozen content; null while a draft' })),
  publishedAt: Nullable(DateTime),
  createdAt: DateTime,
  updatedAt: DateTime,
};

export const AssessmentSummary = Type.Object(summaryFields);
export type AssessmentSummary = Static<typeof AssessmentSummary>;
const exampleSummary = {
  id: EXAMPLE_ASSESSMENT,
  organisationId: EXAMPLE_ORGANISATION,
  jobId: EXAMPLE_JOB,
  status: 'published',
  version: 1,
  latestVersion: 1,
  publishedVersion: 1,
  hasUnpublishedChanges: false,
  title: 'Backend engineer screening',
  description: 'SQL and API design, 30 minutes.',
  timeLimitMinutes: 30,
  passScorePercent: 60,
  attemptsLimit: 1,
  shuffleQuestions: true,
  shuffleChoices: true,
  questionCount: 1,
  sectionCount: 1,
  totalPoints: 2,
  generator: null,
  fallbackReason: null,
  contentHash: '9f2c...e1',
  publishedAt: '2026-01-01T10:00:00.000Z',
  createdAt: '2026-01-01T09:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
};
const exampleDetail = {
  ...exampleSummary,
  sections: [
    {
      id: 's1',
      title: 'Databases',
      questions: [
        {
          id: 'q1',
          kind: 'single_choice',
          prompt: 'Which isolation level does PostgreSQL use by default?',
          points: 2,
          skill: 'postgresql',
          level: 2,
          choices: [
            { id: 'c1', text: 'Read committed', correct: true },
            { id: 'c2', text: 'Serializable', correct: false },
          ],
        },
      ],
    },
  ],
};
export const AssessmentList = Type.Object(
  { items: Type.Array(AssessmentSummary) },
  { examples: [{ items: [exampleSummary] }] },
);

export const AssessmentDetail = Type.Object(
  { ...summaryFields, sections: Type.Array(EmployerSection) },
  {
    examples: [exampleDetail],
  },
);
export type AssessmentDetail = Static<typeof AssessmentDetail>;
