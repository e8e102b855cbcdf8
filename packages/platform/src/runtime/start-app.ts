// Owns a process's life: validate configuration (print every problem and exit 1 before
// listening), open the logger, database, migrations and key-value store (exit 1 with a clear
// message when one is unreachable), listen, and shut down gracefully on SIGTERM/SIGINT: /ready
// says 503 for the drain period while requests are still served, then stop accepting, let
// in-flight requests finish, close the stores, flush logs, exit within the deadline.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccessPolicy } from '../auth/access-policy.js';
import { ConfigError, loadConfig, type PlatformConfig } from '../config/index.js';
import type { Database } from '../db/index.js';
import { startDraining } from '../http/health.js';
import type { PlatformServer } from '../http/server.js';
import { createJobRunner, type JobRunner } from '../jobs/index.js';
import { createKeyValueStore, type KeyValueStore } from '../kv/index.js';
import { createLogger, type Logger, stdoutModeFor } from '../log/index.js';
import { systemClock } from '../time/clock.js';
import { migrateAppDatabase, openAppDatabase } from './app-database.js';
import type { AppDefinition } from './app-definition.js';
import { buildApp } from './build-app.js';
import { firstRunNotes } from './first-run.js';
import { recordInstanceStart } from './instance-starts.js';

export interface RunningApp {
  app: PlatformServer;
  config: PlatformConfig;
  db: Database<unknown>;
  logger: Logger;
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

/** Configuration of an app from the environment; prints every problem and exits 1 when invalid. */
export function loadAppConfig(definition: AppDefinition, env: NodeJS.ProcessEnv): PlatformConfig {
  try {
    return loadConfig({
      appName: definition.name,
      defaultPort: definition.defaultPort,
      env,
      ...(definition.optionalSecrets ? { optionalSecrets: definition.optionalSecrets } : {}),
      ...(definition.optionalSettings ? { optionalSettings: definition.optionalSettings } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError)
      fail(definition.name, error.message.replace(`${definition.name}: `, ''));
    throw error;
  }
}

export async function startApp(
  definition: AppDefinition,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningApp> {
  const config = loadAppConfig(definition, env);
  const { logger, flush } = createLogger({
    level: config.logLevel,
    service: config.appName,
    ...(config.logFile ? { file: config.logFile } : {}),
    stdout: stdoutModeFor(config.env, process.stdout.isTTY === true),
  });
  for (const warning of config.warnings) logger.warn({ event: 'config_warning' }, warning);

  let db: Database<unknown>;
  let kv: KeyValueStore;
  try {
    db = await openAppDatabase(config, logger);
  } catch (error) {
    await flush();
    fail(definition.name, `cannot open the database: ${describe(error)}`);
  }
  try {
    await migrateAppDatabase(db, definition, logger);
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
  logger.info({ event: 'jobs_starting' }, 'starting background jobs');
  await jobs.start();
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ event: 'listening', address }, `${config.appName} listening on ${address}`);

  let closing: Promise<void> | undefined;
  const shutdown = (reason: string) => {
    closing ??= closeEverything({ app, jobs, db, kv, logger, flush, config }, reason);
    return closing;
  };
  return { app, config, db, logger, url: address, shutdown };
}

interface Resources {
  app: PlatformServer;
  jobs: JobRunner;
  db: Database<unknown>;
  kv: KeyValueStore;
  logger: Logger;
  flush: () => Promise<void>;
  config: PlatformConfig;
}

async function closeEverything(resources: Resources, reason: string): Promise<void> {
  const { app, jobs, db, kv, logger, flush, config } = resources;
  const drainMs = config.shutdownDrainMs;
  logger.info({ event: 'shutdown_started', reason, drainMs }, 'shutting down');
  if (drainMs > 0) {
    // The load balancer sees /ready fail and stops sending; whatever it still sends is served.
    startDraining(app);
    logger.info({ event: 'shutdown_draining', drainMs }, `draining for ${drainMs} ms: /ready answers 503`);
    await sleep(drainMs);
  }
  const deadlineMs = config.shutdownTimeoutMs;
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

export interface MainOptions {
  /** The app's roles: start-up says how to create the first staff account while there is none. */
  accessPolicy?: AccessPolicy;
}

/** Starts an app as the main process: exits 0 after a graceful shutdown on SIGTERM or SIGINT. */
export async function runMain(definition: AppDefinition, options: MainOptions = {}): Promise<void> {
  const running = await startApp(definition);
  process.stdout.write(`${definition.name} listening on ${running.url} (API docs: ${running.url}/docs)\n`);
  const notes = await firstRunNotes(definition, running, options.accessPolicy).catch((error: unknown) => {
    running.logger.warn(
      { event: 'first_run_notes_failed', err: error },
      'could not check for staff accounts',
    );
    return [];
  });
  for (const note of notes) process.stdout.write(`${definition.name}: ${note}\n`);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void running.shutdown(signal).then(() => process.exit(0));
    });
  }
}
