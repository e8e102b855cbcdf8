// Owns the request and answer schemas of the ranking routes, with the examples /docs shows.
import Type, { type Static } from 'typebox';
import { ApplicantProfile } from '../candidates/schemas.js';

const Weight = Type.Number({ minimum: 0, maximum: 10 });
const RankingOptions = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, default: 0 })),
  minScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  weights: Type.Optional(
    Type.Object(
      {
        skills: Type.Optional(Weight),
        experience: Type.Optional(Weight),
        location: Type.Optional(Weight),
        salary: Type.Optional(Weight),
        text: Type.Optional(Weight),
      },
      { additionalProperties: false, description: 'Relative weights of the score components' },
    ),
  ),
};
const exampleOptions = { limit: 20, minScore: 0.3, weights: { skills: 0.5, text: 0.1 } };
const EXAMPLE_JOB = '6f1c0f1e-8d3a-4c55-9d59-2f5b8d0f7a10';

export const RankBody = Type.Object(RankingOptions, {
  additionalProperties: false,
  examples: [exampleOptions],
});
export type RankBody = Static<typeof RankBody>;
export const AliasBody = Type.Object(
  { jobId: Type.String({ format: 'uuid' }), ...RankingOptions },
  { additionalProperties: false, examples: [{ jobId: EXAMPLE_JOB, ...exampleOptions }] },
);

const Level = Type.Union([Type.Integer(), Type.Null()]);
const Components = {
  skills: Type.Number(),
  experience: Type.Number(),
  location: Type.Number(),
  salary: Type.Number(),
  text: Type.Number(),
};
const Explained = {
  score: Type.Number({ description: '0..1, the weighted mean of the components' }),
  components: Type.Object(Components, { description: 'Each 0..1; 0.5 means "cannot tell"' }),
  explanations: Type.Object(
    {
      skills: Type.String(),
      experience: Type.String(),
      location: Type.String(),
      salary: Type.String(),
      text: Type.String(),
    },
    { description: 'How each component was reached, one short sentence each' },
  ),
  constraints: Type.Array(
    Type.Object({
      code: Type.Union([
        Type.Literal('remote_only'),
        Type.Literal('outside_remote_region'),
        Type.Literal('too_far'),
        Type.Literal('no_work_authorisation'),
      ]),
      reason: Type.String(),
    }),
    {
      description:
        'Hard constraints broken (empty when all are met). Results breaking any rank below all that break none, whatever their score.',
    },
  ),
  matchedSkills: Type.Array(
    Type.Object({
      skill: Type.String(),
      required: Type.Boolean(),
      wantedLevel: Level,
      level: Type.Integer({
        description: "The level used: the candidate's claim weighed against their resume",
      }),
      claimedLevel: Type.Union([Type.Integer(), Type.Null()], {
        description: 'What the skill list says; null when the skill was found only in the resume',
      }),
      via: Type.Union([Type.String(), Type.Null()], {
        description:
          "The candidate's narrower or broader skill that stands for the job's (FreeRTOS for RTOS)",
      }),
      reason: Type.String(),
    }),
  ),
  missingSkills: Type.Array(
    Type.Object({ skill: Type.String(), required: Type.Boolean(), wantedLevel: Level }),
  ),
};

const exampleExplained = {
  score: 0.8125,
  components: { skills: 0.9167, experience: 1, location: 1, salary: 1, text: 0.4512 },
  explanations: {
    skills: "has 3 of the job's 4 skills at the levels shown",
    experience: "8 years of work with the job's skills; the job asks for 5",
    location: 'lives in Freising, 32 km from Munich: within commuting distance',
    salary: "the candidate's expectation is within the job's top of 95,000 EUR",
    text: 'BM25 text relevance against the best of the 214 ranked',
  },
  constraints: [],
  matchedSkills: [
    {
      skill: 'java',
      required: true,
      wantedLevel: 4,
      level: 5,
      claimedLevel: 4,
      via: null,
      reason: 'claimed 4; used for 8 years at work, in a senior role',
    },
    {
      skill: 'spring boot',
      required: true,
      wantedLevel: 4,
      level: 5,
      claimedLevel: null,
      via: null,
      reason: 'found in the resume; used for 8 years at work, in a senior role',
    },
  ],
  missingSkills: [{ skill: 'apache kafka', required: false, wantedLevel: 3 }],
};

export const CandidateRanking = Type.Object(
  {
    total: Type.Integer({ description: 'Candidates ranked before limit and offset' }),
    results: Type.Array(
      Type.Object({
        candidateId: Type.String({ format: 'uuid' }),
        profile: ApplicantProfile,
        email: Type.Union([Type.String(), Type.Null()], {
          description:
            'The e-mail they applied with (to this job, else their newest application to the organisation); null for a candidate who only opted into discovery',
        }),
        applicationId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()], {
          description: 'Their live application to this job, if any',
        }),
        ...Explained,
      }),
    ),
  },
  {
    examples: [
      {
        total: 1,
        results: [
          {
            candidateId: '0b6e4f0e-2a51-4d1c-8f0b-3f1f6a2c9d11',
            profile: {
              name: 'Alex Example',
              headline: 'Backend developer (Java)',
              skills: [{ name: 'Java', level: 4 }],
              yearsExperience: 8,
              location: { city: 'Freising', region: 'Bavaria', country: 'DE' },
              remotePreference: 'on_site',
              workAuthorisation: ['DE'],
              willingToRelocate: null,
              resumeText:
                'Senior Software Engineer, Example GmbH (2018 to present). Java, Spring Boot, PostgreSQL.',
              updatedAt: '2026-11-30T09:00:00.000Z',
            },
            email: 'alex@example.com',
            applicationId: null,
            ...exampleExplained,
          },
        ],
      },
    ],
  },
);

export const JobRanking = Type.Object(
  {
    total: Type.Integer(),
    results: Type.Array(
      Type.Object({
        jobId: Type.String({ format: 'uuid' }),
        title: Type.String(),
        company: Type.String(),
        ...Explained,
      }),
    ),
  },
  {
    examples: [
      {
        total: 1,
        results: [
          {
            jobId: EXAMPLE_JOB,
            title: 'Senior Backend Engineer',
            company: 'Example GmbH',
            ...exampleExplained,
          },
        ],
      },
    ],
  },
);
