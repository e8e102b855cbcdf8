// Owns the schemas of everything a candidate sends and receives. No response schema here has a field
// for correct choices, rubrics, reference answers, keywords or per-question grades: fastify
// serialises by these schemas, so even a bug that put them in a response object could not send them.
import Type, { type Static } from 'typebox';
import { Nullable } from '../../jobs/schemas.js';
import { DateTime, ItemId, QuestionKind, Uuid } from '../templates/schemas.js';

const EXAMPLE_ATTEMPT = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';

export const InviteParams = Type.Object(
  {
    token: Type.String({
      minLength: 16,
      maxLength: 200,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'The token of the invite link',
    }),
  },
  { additionalProperties: false },
);
export const AttemptParams = Type.Object({ attemptId: Uuid }, { additionalProperties: false });
export const AnswerParams = Type.Object(
  { attemptId: Uuid, questionId: ItemId },
  { additionalProperties: false },
);
export const AttemptHeaders = Type.Object({
  'x-attempt-token': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The attemptToken from start; or sign in as the invited candidate instead',
    }),
  ),
});

export const AnswerBody = Type.Object(
  {
    choiceIds: Type.Optional(
      Type.Array(ItemId, {
        maxItems: 8,
        uniqueItems: true,
        description: 'Choice questions: the chosen choice ids',
      }),
    ),
    text: Type.Optional(
      Type.String({
        maxLength: 20000,
        pattern: '^[^\\u0000]*$',
        description: "Text and code questions: at most the question's maxAnswerLength characters",
      }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    examples: [{ choiceIds: ['c2'] }, { text: 'Use an index.' }],
  },
);
export type AnswerBody = Static<typeof AnswerBody>;

export const CandidateChoice = Type.Object(
  { id: Type.String(), text: Type.String() },
  { additionalProperties: false },
);
export const CandidateQuestion = Type.Object(
  {
    id: Type.String(),
    kind: QuestionKind,
    prompt: Type.String(),
    points: Type.Integer(),
    choices: Type.Optional(Type.Array(CandidateChoice)),
    maxAnswerLength: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);
export const CandidateSection = Type.Object(
  { id: Type.String(), title: Type.String(), questions: Type.Array(CandidateQuestion) },
  { additionalProperties: false },
);

export const InviteView = Type.Object(
  {
    title: Type.String(),
    description: Type.String(),
    timeLimitMinutes: Type.Integer(),
    questionCount: Type.Integer(),
    sectionCount: Type.Integer(),
    totalPoints: Type.Integer(),
    expiresAt: DateTime,
    attemptsLimit: Type.Integer(),
    attemptsUsed: Type.Integer(),
    attemptsLeft: Type.Integer(),
  },
  {
    examples: [
      {
        title: 'Backend engineer screening',
        description: 'SQL and API design.',
        timeLimitMinutes: 30,
        questionCount: 12,
        sectionCount: 2,
        totalPoints: 40,
        expiresAt: '2026-01-08T09:00:00.000Z',
        attemptsLimit: 1,
        attemptsUsed: 0,
        attemptsLeft: 1,
      },
    ],
  },
);

const CandidateResult = Nullable(
  Type.Object(
    { score: Type.Number(), maxScore: Type.Number(), percent: Type.Number(), passed: Type.Boolean() },
    { additionalProperties: false },
  ),
);
const SavedAnswer = Type.Object(
  {
    questionId: Type.String(),
    choiceIds: Type.Optional(Type.Array(Type.String())),
    text: Type.Optional(Type.String()),
    savedAt: DateTime,
  },
  { additionalProperties: false },
);
export const AttemptStatus = Type.Union(
  [Type.Literal('in_progress'), Type.Literal('scoring'), Type.Literal('scored')],
  {
    description: 'scoring while the result is being computed (ask again shortly)',
  },
);

const attemptFields = {
  id: Uuid,
  status: AttemptStatus,
  title: Type.String(),
  description: Type.String(),
  timeLimitMinutes: Type.Integer(),
  startedAt: DateTime,
  deadlineAt: DateTime,
  secondsLeft: Type.Integer({ description: 'By the server clock; 0 once the deadline has passed' }),
  submittedAt: Nullable(DateTime),
  sections: Type.Array(CandidateSection, { description: "In this attempt's order" }),
  answers: Type.Array(SavedAnswer),
  result: CandidateResult,
};

const exampleAttempt = {
  id: EXAMPLE_ATTEMPT,
  status: 'in_progress',
  title: 'Backend engineer screening',
  description: 'SQL and API design.',
  timeLimitMinutes: 30,
  startedAt: '2026-01-01T09:00:00.000Z',
  deadlineAt: '2026-01-01T09:30:00.000Z',
  secondsLeft: 1500,
  submittedAt: null,
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
          choices: [
            { id: 'c2', text: 'Serializable' },
            { id: 'c1', text: 'Read committed' },
          ],
        },
      ],
    },
  ],
  answers: [{ questionId: 'q1', choiceIds: ['c1'], savedAt: '2026-01-01T09:03:00.000Z' }],
  result: null,
};
export const AttemptView = Type.Object(attemptFields, { examples: [exampleAttempt] });
export type AttemptView = Static<typeof AttemptView>;

export const StartedAttempt = Type.Object(
  {
    ...attemptFields,
    attemptToken: Type.String({
      description: 'Send it as X-Attempt-Token on every call about this attempt; shown only once',
    }),
  },
  {
    description: 'The attempt as GET /assessment-attempts/{id} shows it, plus its access token',
    examples: [{ ...exampleAttempt, attemptToken: 'q3Vt9bX2kLmN4pQr7sTu0vWx1yZa5bCd6eFg8hIj2kL' }],
  },
);
export type StartedAttempt = Static<typeof StartedAttempt>;

export const SaveResult = Type.Object(
  { questionId: Type.String(), savedAt: DateTime, secondsLeft: Type.Integer() },
  { examples: [{ questionId: 'q1', savedAt: '2026-01-01T09:03:00.000Z', secondsLeft: 1620 }] },
);

export const MyAttempt = Type.Object({
  id: Uuid,
  organisationId: Uuid,
  assessmentId: Uuid,
  title: Type.String(),
  status: AttemptStatus,
  startedAt: DateTime,
  deadlineAt: DateTime,
  submittedAt: Nullable(DateTime),
  result: CandidateResult,
});
export const MyAttemptList = Type.Object(
  { items: Type.Array(MyAttempt) },
  {
    examples: [
      {
        items: [
          {
            id: EXAMPLE_ATTEMPT,
            organisationId: '3f1c2a9e-8b7d-4c1e-9a2b-5d6e7f8a9b0c',
            assessmentId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
            title: 'Backend engineer screening',
            status: 'scored',
            startedAt: '2026-01-01T09:00:00.000Z',
            deadlineAt: '2026-01-01T09:30:00.000Z',
            submittedAt: '2026-01-01T09:21:40.000Z',
            result: { score: 5.5, maxScore: 8, percent: 68.75, passed: true },
          },
        ],
      },
    ],
  },
);
export type MyAttempt = Static<typeof MyAttempt>;
