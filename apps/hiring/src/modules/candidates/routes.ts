// Owns the HTTP surface of the candidate's own profile.
import { caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import { Profile, ProfileInput } from './schemas.js';
import type { CandidateService } from './service.js';

const tags = ['candidates'];

export function registerCandidateRoutes(
  app: PlatformServer,
  identity: Identity,
  candidates: CandidateService,
): void {
  // Candidates only: employers have profiles of their own kind.
  const candidate = identity.requirePermission('applications:own');

  app.get(
    '/me/candidate-profile',
    {
      preHandler: candidate,
      schema: {
        tags,
        summary: 'Your candidate profile',
        response: { 200: Profile, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => candidates.get(caller(request).userId),
  );

  app.put(
    '/me/candidate-profile',
    {
      preHandler: candidate,
      schema: {
        tags,
        summary: 'Create or replace your candidate profile',
        body: ProfileInput,
        response: { 200: Profile, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => candidates.save(caller(request).userId, request.body),
  );
}
