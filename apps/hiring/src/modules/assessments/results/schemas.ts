// Owns the schemas of the employer's results: attempts of an assessment, one attempt with answers,
// per-question grades (with the grader and its rationale) and section and total scores, and the body
// of a score override.
import Type, { type Static } from 'typebox';
import { Nullable } from '../../jobs/schemas.js';
import { AttemptStatus } from '../attempts/schemas.js';
import { AssessmentParams, DateTime, ItemId, QuestionKind, Uuid } from '../templates/schemas.js';

export const ResultsQuery = Type.Object(
  {
    status: Type.Optional(AttemptStatus),
    passed: Type.Optional(
      Type.Boolean({ description: 'Scored attempts that passed (true) or failed (false)' }),
    ),
  },
  { additionalProperties: false },
);
export type ResultsQuery = Static<typeof ResultsQuery>;

export const AttemptResultParams = Type.Object(
  { ...AssessmentParams.properties, attemptId: Uuid },
  { additionalProperties: false },
);
export const OverrideParams = Type.Object(
  { ...AssessmentParams.properties, attemptId: Uuid, questionId: ItemId },
  { additionalProperties: false },
);
export const OverrideBody = Type.Object(
  {
    score: Type.Number({
      minimum: 0,
      maximum: 100,
      multipleOf: 0.5,
      description: "0 to the question's points, in halves",
    }),
    note: Type.String({ minLength: 1, maxLength: 2000, pattern: '^\\s*[^\\s\\u0000][^\\u0000]*$' }),
  },
  {
    additionalProperties: false,
    examples: [{ score: 3, note: 'The answer covers cascading deletes in other words.' }],
  },
);
export type OverrideBody = Static<typeof OverrideBody>;

const SectionScore = Type.Object({
  sectionId: Type.String(),
  title: Type.String(),
  score: Type.Number(),
  maxScore: Type.Number(),
});

const summaryFields = {
  id: Uuid,
  assessmentId: Uuid,
  version: Type.Integer({ description: 'The version the attempt was taken on' }),
  invitationId: Uuid,
  applicationId: Nullable(Uuid),
  candidateEmail: Type.String(),
  candidateUserId: Nullable(Uuid),
  status: AttemptStatus,
  startedAt: DateTime,
  deadlineAt: DateTime,
  submittedAt: Nullable(DateTime),
  endedBy: Nullable(Type.Union([Type.Literal('candidate'), Type.Literal('deadline')])),
  scoredAt: Nullable(DateTime),
  score: Nullable(Type.Number()),
  maxScore: Nullable(Type.Number()),
  percent: Nullable(Type.Number()),
  passed: Nullable(Type.Boolean()),
  timeTakenSeconds: Nullable(Type.Integer()),
  sectionScores: Nullable(Type.Array(SectionScore)),
};
export const AttemptSummary = Type.Object(summaryFields);
export type AttemptSummary = Static<typeof AttemptSummary>;
const exampleSummary = {
  id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
  assessmentId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  version: 1,
  invitationId: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e',
  applicationId: null,
  candidateEmail: 'ada@example.com',
  candidateUserId: null,
  status: 'scored',
  startedAt: '2026-01-01T09:00:00.000Z',
  deadlineAt: '2026-01-01T09:30:00.000Z',
  submittedAt: '2026-01-01T09:21:40.000Z',
  endedBy: 'candidate',
  scoredAt: '2026-01-01T09:21:41.000Z',
  score: 5.5,
  maxScore: 8,
  percent: 68.75,
  passed: true,
  timeTakenSeconds: 1300,
  sectionScores: [
    { sectionId: 'db', title: 'Databases', score: 3, maxScore: 4 },
    { sectionId: 'api', title: 'APIs', score: 2.5, maxScore: 4 },
  ],
};
export const AttemptSummaryList = Type.Object(
  { items: Type.Array(AttemptSummary) },
  { examples: [{ items: [exampleSummary] }] },
);

const Grade = Type.Object({
  score: Type.Number(),
  maxScore: Type.Number(),
  gradedScore: Type.Number({ description: "The grader's score, kept when overridden" }),
  grader: Type.String({ description: '`deterministic` or the model name' }),
  rationale: Type.String(),
  overridden: Type.Boolean(),
  overrideNote: Nullable(Type.String()),
  overriddenBy: Nullable(Uuid),
  overriddenAt: Nullable(DateTime),
});
const ResultQuestion = Type.Object({
  id: Type.String(),
  kind: QuestionKind,
  prompt: Type.String(),
  points: Type.Integer(),
  correctChoiceIds: Type.Optional(Type.Array(Type.String())),
  answer: Nullable(
    Type.Object({
      choiceIds: Type.Optional(Type.Array(Type.String())),
      text: Type.Optional(Type.String()),
      savedAt: DateTime,
    }),
  ),
  grade: Nullable(Grade),
});
const Override = Type.Object({
  questionId: Type.String(),
  previousScore: Type.Number(),
  score: Type.Number(),
  note: Type.String(),
  actorId: Nullable(Uuid),
  createdAt: DateTime,
});

export const AttemptResult = Type.Object(
  {
    ...summaryFields,
    sections: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        score: Nullable(Type.Number()),
        maxScore: Type.Number(),
        questions: Type.Array(ResultQuestion),
      }),
    ),
    overrides: Type.Array(Override),
  },
  {
    description: "Questions in the version's own order (not the candidate's shuffled one)",
    examples: [
      {
        ...exampleSummary,
        sections: [
          {
            id: 'db',
            title: 'Databases',
            score: 2,
            maxScore: 2,
            questions: [
              {
                id: 'q1',
                kind: 'single_choice',
                prompt: 'Default isolation level of PostgreSQL?',
                points: 2,
                correctChoiceIds: ['a'],
                answer: { choiceIds: ['a'], savedAt: '2026-01-01T09:03:00.000Z' },
                grade: {
                  score: 2,
                  maxScore: 2,
                  gradedScore: 1,
                  grader: 'deterministic',
                  rationale: 'Exact choice match.',
                  overridden: true,
                  overrideNote: 'Accepted after review.',
                  overriddenBy: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
                  overriddenAt: '2026-01-02T10:00:00.000Z',
                },
              },
            ],
          },
        ],
        overrides: [
          {
            questionId: 'q1',
            previousScore: 1,
            score: 2,
            note: 'Accepted after review.',
            actorId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
            createdAt: '2026-01-02T10:00:00.000Z',
          },
        ],
      },
    ],
  },
);
export type AttemptResult = Static<typeof AttemptResult>;
