// Owns the HTTP surface of matching: `POST /jobs/:jobId/match-candidates` (and the spec's
// `POST /match-candidates` with the job id in the body) ranks candidates for an employer's job;
// `POST /me/job-matches` ranks published jobs for the signed-in candidate. Every result explains
// itself: the score, its components, and the matched and missing skills.
import {
  AppError,
  bodylessAsEmpty,
  caller,
  type Identity,
  type PlatformServer,
  problemResponses,
} from '@app/platform';
import Type, { type Static } from 'typebox';
import { ApplicantProfile } from '../candidates/schemas.js';
import { DEFAULT_WEIGHTS } from '../matching/index.js';
import type { RankingService } from './service.js';

const tags = ['matching'];
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
const RankBody = Type.Object(RankingOptions, { additionalProperties: false });
type RankBody = Static<typeof RankBody>;
const AliasBody = Type.Object(
  { jobId: Type.String({ format: 'uuid' }), ...RankingOptions },
  { additionalProperties: false },
);

const Level = Type.Union([Type.Integer(), Type.Null()]);
const Explained = {
  score: Type.Number({ description: '0..1, the weighted mean of the components' }),
  components: Type.Object({
    skills: Type.Number(),
    experience: Type.Number(),
    location: Type.Number(),
    salary: Type.Number(),
    text: Type.Number(),
  }),
  matchedSkills: Type.Array(
    Type.Object({
      skill: Type.String(),
      required: Type.Boolean(),
      wantedLevel: Level,
      level: Type.Integer(),
    }),
  ),
  missingSkills: Type.Array(
    Type.Object({ skill: Type.String(), required: Type.Boolean(), wantedLevel: Level }),
  ),
};
const CandidateRanking = Type.Object({
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
});
const JobRanking = Type.Object({
  total: Type.Integer(),
  results: Type.Array(
    Type.Object({
      jobId: Type.String({ format: 'uuid' }),
      title: Type.String(),
      company: Type.String(),
      ...Explained,
    }),
  ),
});

function rankOptions(body: RankBody) {
  if (Object.values({ ...DEFAULT_WEIGHTS, ...body.weights }).every((weight) => weight === 0)) {
    throw new AppError({
      kind: 'invalid_input',
      code: 'weights_all_zero',
      detail: 'At least one weight must be above zero.',
      fields: [{ path: '/body/weights', message: 'must have a weight above zero' }],
    });
  }
  return {
    limit: body.limit ?? 20,
    offset: body.offset ?? 0,
    ...(body.minScore !== undefined && { minScore: body.minScore }),
    ...(body.weights && { weights: body.weights }),
  };
}

export function registerRankingRoutes(
  app: PlatformServer,
  identity: Identity,
  ranking: RankingService,
): void {
  const employer = identity.requirePermission('candidates:rank');
  const candidate = identity.requirePermission('applications:own');

  async function rankForJob(userId: string, jobId: string, body: RankBody) {
    const ranked = await ranking.candidatesForJob(userId, jobId, rankOptions(body));
    return {
      total: ranked.total,
      results: ranked.results.map(({ id, ...rest }) => ({ candidateId: id, ...rest })),
    };
  }

  app.post(
    '/jobs/:jobId/match-candidates',
    {
      preHandler: employer,
      preValidation: bodylessAsEmpty,
      schema: {
        tags,
        summary:
          "Rank the candidates you may see (applicants and those open to discovery) for your organisation's job",
        params: Type.Object({ jobId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
        body: RankBody,
        response: { 200: CandidateRanking, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => rankForJob(caller(request).userId, request.params.jobId, request.body),
  );

  app.post(
    '/match-candidates',
    {
      preHandler: employer,
      schema: {
        tags,
        summary: 'Alias of POST /jobs/{jobId}/match-candidates with the job id in the body (the spec path)',
        body: AliasBody,
        response: { 200: CandidateRanking, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { jobId, ...options } = request.body;
      return rankForJob(caller(request).userId, jobId, options);
    },
  );

  app.post(
    '/me/job-matches',
    {
      preHandler: candidate,
      preValidation: bodylessAsEmpty,
      schema: {
        tags,
        summary: 'Rank published jobs for your candidate profile',
        body: RankBody,
        response: { 200: JobRanking, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ranked = await ranking.jobsForCandidate(caller(request).userId, rankOptions(request.body));
      return {
        total: ranked.total,
        results: ranked.results.map(({ id, ...rest }) => ({ jobId: id, ...rest })),
      };
    },
  );
}
