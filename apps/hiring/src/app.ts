// Owns the hiring backend's definition: jobs posted by employers and ingested from job boards,
// candidate actions, explainable matching, AI-graded assessments and billing. Modules are added
// here as they land; main.ts and the tests both build the app from this definition.
import { fileURLToPath } from 'node:url';
import {
  type AppDefinition,
  createIdentity,
  type IdentityOptions,
  identityMigrations,
  registerIdentityRoutes,
} from '@app/platform';
import { registerCandidateRoutes } from './modules/candidates/routes.js';
import { createCandidateService } from './modules/candidates/service.js';
import { hiringAccessPolicy } from './modules/identity/access-policy.js';
import { registerJobRoutes } from './modules/jobs/routes.js';
import { createJobService } from './modules/jobs/service.js';
import { registerOrganisationRoutes } from './modules/organisations/routes.js';
import { createOrganisationService } from './modules/organisations/service.js';

export interface HiringAppOptions {
  /** Password hashing cost; tests lower it, production keeps the defaults. */
  hasher?: IdentityOptions['hasher'];
}

export function createHiringApp(options: HiringAppOptions = {}): AppDefinition {
  return {
    name: 'hiring',
    defaultPort: 3001,
    api: {
      title: 'Hiring API',
      version: '0.1.0',
      description:
        'Jobs posted by employers and ingested from public job boards, candidate actions, explainable matching, skills assessments and subscription billing.',
    },
    migrations: [
      identityMigrations,
      { scope: 'hiring', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
    ],
    optionalSecrets: ['STRIPE_WEBHOOK_SECRET'],
    async registerModules(app, dependencies) {
      const { db, clock } = dependencies;
      const identity = await createIdentity(dependencies, {
        policy: hiringAccessPolicy,
        ...(options.hasher && { hasher: options.hasher }),
      });
      await registerIdentityRoutes(app, identity);

      const organisations = createOrganisationService(db, clock);
      const candidates = createCandidateService(db, clock);
      const jobs = createJobService(db, clock, organisations);
      registerOrganisationRoutes(app, identity, organisations);
      registerCandidateRoutes(app, identity, candidates);
      registerJobRoutes(app, identity, jobs);
    },
  };
}

export const hiringApp = createHiringApp();
