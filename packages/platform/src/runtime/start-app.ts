// Owns a process's life: validate configuration (print every problem and exit 1 before
// listening), open the logger, database, migrations and key-value store (exit 1 with a clear
// message when one is unreachable), listen, and shut down gracefully on SIGTERM/SIGINT: stop
// accepting, let in-flight requests finish, close the stores, flush logs, exit within the deadline.
import { join } from 'node:path';
import { ConfigError, loadConfig, type PlatformConfig } from '../config/index.js';
import { createDatabase, type Database, runMigrations } from '../db/index.js';
import type { PlatformServer } from '../http/server.js';
import { createJobRunner, type JobRunner } from '../jobs/index.js';
import { createKeyValueStore, type KeyValueStore } from '../kv/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { systemClock } from '../time/clock.js';
import type { AppDefinition } from './app-definition.js';
import { buildApp } from './build-app.js';
import { recordInstanceStart } from './instance-starts.js';
import { platformMigrations } from './platform-migrations.js';

export interface RunningApp {
  app: PlatformServer;
  config: PlatformConfig;
  url: string;
  shutdown(reason: string): Promise<void>;
}

function fail(appName: string, message: string): never {
  process.stderr.write(`${appName}: ${message}\n`);
  process.exit(1);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function startApp(
  definition: AppDefinition,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningApp> {
  let config: PlatformConfig;
  try {
    config = loadConfig({
      appName: definition.name,
      defaultPort: definition.defaultPort,
      env,
      ...(definition.optionalSecrets ? { optionalSecrets: definition.optionalSecrets } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError)
      fail(definition.name, error.message.replace(`${definition.name}: `, ''));
    throw error;
  }

  const { logger, flush } = createLogger({
    level: config.logLevel,
    service: config.appName,
    ...(config.logFile ? { file: config.logFile } : {}),
  });
  for (const warning of config.warnings) logger.warn({ event: 'config_warning' }, warning);

  let db: Database<unknown>;
  let kv: KeyValueStore;
  try {
    db = await createDatabase({
      ...(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'pglite') }),
      poolMax: config.databasePoolMax,
      applicationName: config.appName,
    });
  } catch (error) {
    await flush();
    fail(definition.name, `cannot open the database: ${describe(error)}`);
  }
  try {
    const applied = await runMigrations(db, [platformMigrations, ...definition.migrations], logger);
    logger.info({ event: 'migrations_applied', count: applied.length }, 'migrations up to date');
    await recordInstanceStart(db, config.appName);
    kv = await createKeyValueStore({
      ...(config.redisUrl ? { url: config.redisUrl } : {}),
      onError: (error) => logger.error({ event: 'kv_error', err: error }, 'key-value store error'),
    });
  } catch (error) {
    await db.close();
    await flush();
    fail(definition.name, `cannot start: ${describe(error)}`);
  }

  const jobs = createJobRunner(db, logger);
  const app = await buildApp(definition, { config, logger, db, kv, jobs, clock: systemClock });
  await jobs.start();
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ event: 'listening', address }, `${config.appName} listening on ${address}`);

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    closing ??= closeEverything(app, jobs, db, kv, logger, flush, config.shutdownTimeoutMs, reason);
    return closing;
  };
  return { app, config, url: address, shutdown };
}

async function closeEverything(
  app: PlatformServer,
  jobs: JobRunner,
  db: Database<unknown>,
  kv: KeyValueStore,
  logger: Logger,
  flush: () => Promise<void>,
  deadlineMs: number,
  reason: string,
): Promise<void> {
  logger.info({ event: 'shutdown_started', reason }, 'shutting down');
  const deadline = setTimeout(() => {
    logger.error({ event: 'shutdown_deadline_exceeded', deadlineMs }, 'shutdown deadline exceeded, exiting');
    void flush().finally(() => process.exit(1));
  }, deadlineMs);
  await app.close();
  await jobs.stop(deadlineMs);
  await Promise.allSettled([kv.close(), db.close()]);
  logger.info({ event: 'shutdown_complete' }, 'shutdown complete');
  clearTimeout(deadline);
  await flush();
}

/** Starts an app as the main process: exits 0 after a graceful shutdown on SIGTERM or SIGINT. */
export async function runMain(definition: AppDefinition): Promise<void> {
  const running = await startApp(definition);
  process.stdout.write(`${definition.name} listening on ${running.url} (API docs: ${running.url}/docs)\n`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void running.shutdown(signal).then(() => process.exit(0));
    });
  }
}
