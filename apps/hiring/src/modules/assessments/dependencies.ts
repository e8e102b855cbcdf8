// Owns what the assessments and invitations modules are built from: the platform's dependencies,
// identity, the hiring services they consult (organisations, jobs, applications), billing's usage
// meter (AI-assessment and invitation quotas) and the AI seam.
import type { Identity, ServerDependencies } from '@app/platform';
import type { ApplicationService } from '../applications/service.js';
import type { UsageMeter } from '../billing/types.js';
import type { InvitationTokens } from '../invitations/types.js';
import type { JobService } from '../jobs/service.js';
import type { OrganisationService } from '../organisations/service.js';
import type { AssessmentAi } from './types.js';

export interface AssessmentsDependencies {
  dependencies: ServerDependencies;
  identity: Identity;
  organisations: OrganisationService;
  jobs: JobService;
  applications: ApplicationService;
  usage: UsageMeter;
  ai: AssessmentAi;
  /** Built by the invitations module (invitations/service.ts); attempts start from a token. */
  invitationTokens: InvitationTokens;
}
