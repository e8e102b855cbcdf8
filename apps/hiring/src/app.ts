// Owns the hiring backend's definition: jobs posted by employers and ingested from job boards,
// candidate actions, explainable matching, AI-graded assessments and billing. Modules are added
// here as they land; main.ts and the tests both build the app from this definition.
import { fileURLToPath } from 'node:url';
import {
  type AppDefinition,
  createIdentity,
  identityMigrations,
  registerIdentityRoutes,
} from '@app/platform';
import { hiringAccessPolicy } from './modules/identity/access-policy.js';

export const hiringApp: AppDefinition = {
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
    const identity = await createIdentity(dependencies, { policy: hiringAccessPolicy });
    await registerIdentityRoutes(app, identity);
  },
};
