// Owns the HTTP surface of matching: `POST /jobs/:jobId/match-candidates` (and the spec's
// `POST /match-candidates` with the job id in the body) ranks candidates for an employer's job;
// `POST /me/job-matches` ranks published jobs for the signed-in candidate. Every result explains
// itself: the score, its components with a reason each, the hard constraints broken, and the
// matched skills (with the level used and why) and missing ones.
import {
  AppError,
  bodylessAsEmpty,
  caller,
  type Identity,
  type PlatformServer,
  problemResponses,
} from '@app/platform';
import Type from 'typebox';
import { DEFAULT_WEIGHTS } from '../matching/index.js';
import { AliasBody, CandidateRanking, JobRanking, RankBody } from './schemas.js';
import type { RankingService } from './service.js';

const tags = ['matching'];

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
