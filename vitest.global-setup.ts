// Runs once before any test file: builds the migrated test databases (PGlite dumps, or PostgreSQL
// templates with DATABASE_URL) for every app definition the suites build, so no test body pays for
// building one while other files wait on it.
import { hiringApp } from './apps/hiring/src/app.js';
import { pairlyApp } from './apps/pairly/src/app.js';
import {
  prepareTestDatabases,
  testAppMigrations,
} from './packages/platform/src/testing/prepare-databases.js';
import { identityApp } from './packages/platform/test/fixtures/identity-app.js';
import { kernelApp } from './packages/platform/test/fixtures/kernel-app.js';
import { webhookApp } from './packages/platform/test/fixtures/webhook-app.js';

export default async function setup(): Promise<void> {
  await prepareTestDatabases([
    [],
    ...[kernelApp, identityApp, hiringApp, pairlyApp, webhookApp].map(testAppMigrations),
  ]);
}
