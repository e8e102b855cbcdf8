// Owns assembling hiring assessments (docs/assessments.md): templates with versions and AI
// generation against the organisation's quota (templates/), the candidate's timed attempts and their
// scoring, run by the candidate's submit or the expiry job (attempts/), and the employer's results
// and overrides (results/). The invitations module (invitations/) issues the tokens attempts start
// from; assess-ai's content/, grading/ and llm/ sit behind deps.ai.
import type { PlatformServer } from '@app/platform';
import { registerAttemptExpiry } from './attempts/expiry.js';
import { registerAttemptRoutes } from './attempts/routes.js';
import { createScoring } from './attempts/scoring.js';
import { createAttemptService } from './attempts/service.js';
import type { AssessmentsDependencies } from './dependencies.js';
import { registerResultRoutes } from './results/routes.js';
import { createResultsService } from './results/service.js';
import { registerTemplateRoutes } from './templates/routes.js';
import { createTemplateService } from './templates/service.js';

export function registerAssessments(app: PlatformServer, deps: AssessmentsDependencies): void {
  const scoring = createScoring(deps);
  registerTemplateRoutes(app, deps.identity, createTemplateService(deps));
  registerAttemptRoutes(app, deps.identity, createAttemptService({ ...deps, scoring }));
  registerResultRoutes(app, deps.identity, createResultsService(deps));
  registerAttemptExpiry(deps.dependencies.jobs, scoring);
}
