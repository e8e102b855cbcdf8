// Owns opening an app's database the way every process of it does (the server and the operator
// command): PostgreSQL at DATABASE_URL, or the embedded PGlite under DATA_DIR/<app>/pglite held by
// one process at a time (data-dir-lock.ts), then the platform's and the app's migrations. Each
// step is logged as it starts and ends, because a first embedded start takes tens of seconds.
import { join } from 'node:path';
import type { PlatformConfig } from '../config/index.js';
import { createDatabase, type Database, runMigrations } from '../db/index.js';
import type { Logger } from '../log/index.js';
import type { AppDefinition } from './app-definition.js';
import { lockDataDir } from './data-dir-lock.js';
import { platformMigrations } from './platform-migrations.js';

/** Where the database is, for people: the server's host and database name, never its credentials. */
function describeDatabase(config: PlatformConfig): string {
  if (!config.databaseUrl) return `the embedded database in ${join(config.dataDir, 'pglite')}`;
  try {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL at ${url.host}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

const elapsedSince = (started: number) => Math.round(performance.now() - started);

export async function openAppDatabase(config: PlatformConfig, logger: Logger): Promise<Database<unknown>> {
  const where = describeDatabase(config);
  const started = performance.now();
  if (config.databaseUrl) {
    logger.info({ event: 'database_opening' }, `connecting to ${where}`);
    const db = await createDatabase({
      url: config.databaseUrl,
      poolMax: config.databasePoolMax,
      applicationName: config.appName,
    });
    logger.info({ event: 'database_open', durationMs: elapsedSince(started) }, `connected to ${where}`);
    return db;
  }
  const dataDir = join(config.dataDir, 'pglite');
  const release = lockDataDir(dataDir);
  logger.info(
    { event: 'database_opening' },
    `opening ${where} (the first start creates it, which can take a minute)`,
  );
  let db: Database<unknown>;
  try {
    db = await createDatabase({ dataDir, poolMax: 1, applicationName: config.appName });
  } catch (error) {
    release();
    throw error;
  }
  logger.info({ event: 'database_open', durationMs: elapsedSince(started) }, `opened ${where}`);
  return {
    ...db,
    async close() {
      await db.close();
      release();
    },
  };
}

export async function migrateAppDatabase(
  db: Database<unknown>,
  definition: AppDefinition,
  logger: Logger,
): Promise<number> {
  const started = performance.now();
  logger.info({ event: 'migrations_checking' }, 'applying pending migrations');
  const applied = await runMigrations(db, [platformMigrations, ...definition.migrations], logger);
  logger.info(
    { event: 'migrations_applied', count: applied.length, durationMs: elapsedSince(started) },
    `migrations up to date (${applied.length} applied)`,
  );
  return applied.length;
}
