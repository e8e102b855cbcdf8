// Owns building the test databases a run needs before any test file starts: one migrated PGlite
// dump or PostgreSQL template per distinct migration list. Without it, the first test file to need
// a list builds it inside its own test body while the others wait on the template lock, and on a
// cold server that wait outlasted the per-test timeout.

import type { MigrationSet } from '../db/migrations.js';
import type { AppDefinition } from '../runtime/app-definition.js';
import { platformMigrations } from '../runtime/platform-migrations.js';
import { createTestDatabase } from './database.js';

/** The migration list buildTestApp uses for a definition. */
export function testAppMigrations(definition: Pick<AppDefinition, 'migrations'>): MigrationSet[] {
  return [platformMigrations, ...definition.migrations];
}

/** Builds (or finds already built) the database for each list, one after another. */
export async function prepareTestDatabases(lists: MigrationSet[][]): Promise<void> {
  for (const sets of lists) {
    const db = await createTestDatabase(sets);
    await db.close();
  }
}
