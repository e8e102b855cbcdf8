// Owns background and scheduled work: pg-boss on the app's own database (PGlite included, through
// the Database's executeSql, so it shares the PGlite queue or the pg pool). Modules declare queues,
// workers and cron schedules while they register; the runner creates them when it starts and
// stops polling (letting running handlers finish) before the database closes.
import { CompiledQuery, type Transaction } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database } from '../db/types.js';
import type { Logger } from '../log/index.js';

export interface JobContext {
  id: string;
  name: string;
  /** 0 on the first run, 1 on the first retry, ... */
  retryCount: number;
}

export type JobHandler<Data> = (data: Data, job: JobContext) => Promise<void>;

export interface QueueSettings {
  /** Retries after the first failure; default 3, with exponential backoff. */
  retryLimit?: number;
  /** Seconds before the first retry; default 5. */
  retryDelaySeconds?: number;
  /** A run longer than this is failed (and retried); default 15 minutes. */
  expireInSeconds?: number;
  /** How often an idle worker looks for work; default 2 s. */
  pollingIntervalSeconds?: number;
}

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  within?: Transaction<unknown>;
  /** Run no earlier than this. */
  startAfter?: Date;
  /** At most one queued job with this key at a time. */
  singletonKey?: string;
}

export interface JobRunner {
  /** Declares a queue and the worker that processes it; call while modules register. */
  register<Data extends object>(name: string, handler: JobHandler<Data>, settings?: QueueSettings): void;
  /** Declares a cron schedule (UTC) that sends `data` to the named, registered queue. */
  schedule(name: string, cron: string, data?: object): void;
  send(name: string, data: object, options?: SendOptions): Promise<string | null>;
  /** Installs pg-boss's schema when needed, creates declared queues and schedules, starts workers. */
  start(): Promise<void>;
  /** Stops taking work and waits for running handlers, up to the timeout. */
  stop(timeoutMs?: number): Promise<void>;
  /** Number of jobs waiting in the queue (created or retry). */
  queueSize(name: string): Promise<number>;
}

interface Registration {
  handler: JobHandler<object>;
  settings: QueueSettings;
}

function transactionExecutor(trx: Transaction<unknown>): PgBoss.Db {
  return {
    async executeSql(text, values) {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: [...result.rows] };
    },
  };
}

export function createJobRunner(db: Database, logger: Logger): JobRunner {
  const registrations = new Map<string, Registration>();
  const schedules: { name: string; cron: string; data: object }[] = [];
  const boss = new PgBoss({
    db: { executeSql: (text, values) => db.executeSql(text, values) },
    schema: 'pgboss',
    // Maintenance and cron run on every instance; pg-boss coordinates them through the database.
    supervise: true,
    schedule: true,
    migrate: true,
  });
  boss.on('error', (error) =>
    logger.error({ event: 'job_system_error', err: error }, 'background job system error'),
  );
  let started = false;

  async function runBatch(name: string, jobs: PgBoss.JobWithMetadata<object>[]): Promise<void> {
    const registration = registrations.get(name);
    if (!registration) return;
    for (const job of jobs) {
      const startedAt = performance.now();
      try {
        await registration.handler(job.data, { id: job.id, name, retryCount: job.retryCount });
        logger.info({
          event: 'job_complete',
          job: name,
          jobId: job.id,
          durationMs: Math.round(performance.now() - startedAt),
        });
      } catch (error) {
        logger.error({
          event: 'job_failed',
          job: name,
          jobId: job.id,
          retryCount: job.retryCount,
          err: error,
        });
        throw error;
      }
    }
  }

  return {
    register(name, handler, settings = {}) {
      if (started) throw new Error(`job queue "${name}" registered after the runner started`);
      if (registrations.has(name)) throw new Error(`job queue "${name}" is registered twice`);
      registrations.set(name, { handler: handler as JobHandler<object>, settings });
    },
    schedule(name, cron, data = {}) {
      if (started) throw new Error(`schedule "${name}" declared after the runner started`);
      schedules.push({ name, cron, data });
    },
    async send(name, data, options = {}) {
      if (!registrations.has(name)) throw new Error(`no job queue named "${name}" is registered`);
      return boss.send(name, data, {
        ...(options.within ? { db: transactionExecutor(options.within) } : {}),
        ...(options.startAfter ? { startAfter: options.startAfter } : {}),
        ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      });
    },
    async start() {
      started = true;
      // An app without background work never installs pg-boss's schema or polls.
      if (registrations.size === 0) return;
      await boss.start();
      for (const [name, { settings }] of registrations) {
        const queue = {
          name,
          retryLimit: settings.retryLimit ?? 3,
          retryDelay: settings.retryDelaySeconds ?? 5,
          retryBackoff: true,
          expireInSeconds: settings.expireInSeconds ?? 15 * 60,
        };
        if (await boss.getQueue(name)) await boss.updateQueue(name, queue);
        else await boss.createQueue(name, queue);
      }
      for (const { name, cron, data } of schedules) {
        if (!registrations.has(name)) throw new Error(`schedule "${name}" has no registered job queue`);
        await boss.schedule(name, cron, data, { tz: 'UTC' });
      }
      for (const [name, { settings }] of registrations) {
        await boss.work<object>(
          name,
          {
            includeMetadata: true,
            batchSize: 1,
            pollingIntervalSeconds: settings.pollingIntervalSeconds ?? 2,
          },
          (jobs) => runBatch(name, jobs),
        );
      }
    },
    async stop(timeoutMs = 10_000) {
      if (!started || registrations.size === 0) return;
      started = false;
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false });
    },
    queueSize: (name) => boss.getQueueSize(name),
  };
}
