// Owns building an app for a test: the app's real definition on a fresh migrated database
// (PGlite in memory, or a database cloned from a migrated template when DATABASE_URL is set), the
// memory key-value store and rate limiter (or Redis with a unique key prefix when REDIS_URL is set,
// both), limits high enough to stay out of the way unless a test sets its own, a captured log and a
// fake clock. Nothing is mocked: requests go through the whole hardened stack.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type PlatformConfig } from '../config/index.js';
import type { Database } from '../db/types.js';
import type { PlatformServer } from '../http/server.js';
import { createJobRunner, type JobRunner } from '../jobs/index.js';
import { createKeyValueStore } from '../kv/index.js';
import type { KeyValueStore } from '../kv/types.js';
import { createLogger } from '../log/index.js';
import type { AppDefinition } from '../runtime/app-definition.js';
import { buildApp } from '../runtime/build-app.js';
import { createFakeClock, type FakeClock } from './clock.js';
import { createTestDatabase } from './database.js';
import { captureLogs, type LogCapture } from './log-capture.js';
import { testAppMigrations } from './prepare-databases.js';

export interface TestApp {
  app: PlatformServer;
  config: PlatformConfig;
  db: Database<unknown>;
  kv: KeyValueStore;
  jobs: JobRunner;
  clock: FakeClock;
  logs: LogCapture;
  /** The prefix of this app's Redis keys and channels (shared by its peers). */
  keyPrefix: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables for this app's configuration (NODE_ENV defaults to test). */
  env?: Record<string, string>;
  /**
   * Prefix of this app's Redis keys (key-value store and rate limiter) when REDIS_URL is set; give two
   * apps the same one to share their state, as instances of one deployment do. Default: unique.
   */
  keyPrefix?: string;
  /**
   * Another instance of the same deployment: this app shares its database and clock, and its
   * key-value store (the same in-process store embedded; its own connection to the same keys with
   * Redis), as two app instances behind a load balancer do. The first instance owns what is shared:
   * close it last.
   */
  peerOf?: TestApp;
}

// Tests send far more requests from one address than any client should: limits, bans and load
// shedding stay out of their way unless a test sets its own.
const unlimited = {
  RATE_LIMIT_DEFAULT_PER_MINUTE: '1000000',
  RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
  RATE_LIMIT_PAYMENTS_PER_MINUTE: '1000000',
  RATE_LIMIT_BAN_THRESHOLD_PER_MINUTE: '1000000',
  RATE_LIMIT_ADDRESS_BAN_THRESHOLD_PER_MINUTE: '1000000',
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
};

export async function buildTestApp(
  definition: AppDefinition,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), `${definition.name}-test-`));
  // An outage test points the app (key-value store and limiter alike) at a Redis of its own.
  const redisUrl = options.env?.REDIS_URL ?? process.env.REDIS_URL;
  const peer = options.peerOf;
  const keyPrefix = peer?.keyPrefix ?? options.keyPrefix ?? `test:${randomUUID()}:`;
  const config = loadConfig({
    appName: definition.name,
    defaultPort: 0,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      ...unlimited,
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      RATE_LIMIT_KEY_PREFIX: `${keyPrefix}ratelimit:`,
      // Instances of one deployment share their secrets: a token signed by one is valid on the other.
      ...(peer && { JWT_SECRET: peer.config.secrets.jwt, ENCRYPTION_KEY: peer.config.secrets.encryption }),
      ...options.env,
    },
    ...(definition.optionalSecrets ? { optionalSecrets: definition.optionalSecrets } : {}),
    ...(definition.optionalSettings ? { optionalSettings: definition.optionalSettings } : {}),
  });
  const logs = captureLogs();
  const { logger, flush } = createLogger({
    level: config.logLevel,
    service: config.appName,
    destination: logs.stream,
  });
  const db = peer?.db ?? (await createTestDatabase(testAppMigrations(definition)));
  const ownsKv = !peer || redisUrl !== undefined;
  const kv = ownsKv
    ? await createKeyValueStore({
        ...(redisUrl ? { url: redisUrl, keyPrefix } : {}),
        onError: (error) => logger.error({ event: 'kv_error', err: error }, 'key-value store error'),
      })
    : peer.kv;
  const clock = peer?.clock ?? createFakeClock();
  const jobs = createJobRunner(db, logger);
  const app = await buildApp(definition, { config, logger, db, kv, jobs, clock });
  await jobs.start();
  return {
    app,
    config,
    db,
    kv,
    jobs,
    clock,
    logs,
    keyPrefix,
    async close() {
      await app.close();
      await jobs.stop();
      await Promise.all([ownsKv ? kv.close() : undefined, peer ? undefined : db.close()]);
      await flush();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
