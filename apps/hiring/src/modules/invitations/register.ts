// Owns assembling assessment invitations (docs/assessments.md, "Invitations"): the settings, the
// employer's and candidate's service (manage.ts) and the routes, under the organisation's paths and
// the spec's /assessment-invitations paths. The token contract the attempts use is built by
// service.ts (createInvitationTokens) in app.ts and reaches assess-core through the dependencies.
import type { PlatformServer } from '@app/platform';
import type { AssessmentsDependencies } from '../assessments/dependencies.js';
import { registerInvitationAliasRoutes } from './alias-routes.js';
import { createInvitationService } from './manage.js';
import { registerInvitationRoutes } from './routes.js';
import { readInvitationSettings } from './settings.js';

export function registerInvitations(app: PlatformServer, deps: AssessmentsDependencies): void {
  const { db, clock, logger, config } = deps.dependencies;
  const invitations = createInvitationService({
    db,
    clock,
    logger,
    identity: deps.identity,
    organisations: deps.organisations,
    usage: deps.usage,
    settings: readInvitationSettings(config),
  });
  registerInvitationRoutes(app, deps.identity, invitations);
  registerInvitationAliasRoutes(app, deps.identity, invitations, deps.organisations);
}
