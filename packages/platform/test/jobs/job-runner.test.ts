// Background jobs on the database under test (PGlite or the server): a sent job runs once, a
// failing job is retried, a job sent inside a rolled-back transaction never runs, schedules are
// stored, and stop waits for the running handler.
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, withTransaction } from '../../src/db/index.js';
import { createJobRunner, type JobRunner } from '../../src/jobs/index.js';
import { createTestDatabase } from '../../src/testing/database.js';

async function eventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('job runner', () => {
  let db: Database;
  let runner: JobRunner;
  const seen: { queue: string; data: unknown; retryCount: number }[] = [];
  let slowStarted = false;
  let slowFinished = false;

  beforeAll(async () => {
    db = await createTestDatabase([]);
    runner = createJobRunner(db, pino({ level: 'silent' }));
    runner.register<{ n: number }>(
      'greet',
      async (data, job) => {
        seen.push({ queue: 'greet', data, retryCount: job.retryCount });
      },
      { pollingIntervalSeconds: 0.5 },
    );
    runner.register(
      'flaky',
      async (data, job) => {
        seen.push({ queue: 'flaky', data, retryCount: job.retryCount });
        if (job.retryCount === 0) throw new Error('first attempt fails');
      },
      { pollingIntervalSeconds: 0.5, retryLimit: 2, retryDelaySeconds: 1 },
    );
    runner.register(
      'slow',
      async () => {
        slowStarted = true;
        await sleep(1000);
        slowFinished = true;
      },
      { pollingIntervalSeconds: 0.5 },
    );
    runner.schedule('greet', '0 3 * * *', { n: 0 });
    await runner.start();
  }, 60_000);

  afterAll(async () => {
    await runner.stop();
    await db.close();
  });

  it('runs a sent job once with its data', async () => {
    await runner.send('greet', { n: 1 });
    await eventually(() => seen.some((s) => s.queue === 'greet'));
    await sleep(1200);
    expect(seen.filter((s) => s.queue === 'greet')).toEqual([
      { queue: 'greet', data: { n: 1 }, retryCount: 0 },
    ]);
  });

  it('retries a failing job until it succeeds', async () => {
    await runner.send('flaky', { id: 'f' });
    await eventually(() => seen.filter((s) => s.queue === 'flaky').length === 2);
    expect(seen.filter((s) => s.queue === 'flaky').map((s) => s.retryCount)).toEqual([0, 1]);
  });

  it('enqueues with a transaction: nothing is sent when it rolls back, the job exists once it commits', async () => {
    await expect(
      withTransaction(db, async (trx) => {
        await runner.send('greet', { n: 2 }, { within: trx });
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    await withTransaction(db, async (trx) => {
      await runner.send('greet', { n: 3 }, { within: trx, startAfter: new Date(Date.now() + 3_600_000) });
    });
    expect(await runner.queueSize('greet')).toBe(1);
    await sleep(1200);
    expect(seen.filter((s) => s.queue === 'greet').map((s) => s.data)).toEqual([{ n: 1 }]);
  });

  it('stores declared schedules', async () => {
    const { rows } = await db.executeSql('select name, cron, timezone from pgboss.schedule');
    expect(rows).toEqual([{ name: 'greet', cron: '0 3 * * *', timezone: 'UTC' }]);
  });

  it('refuses to send to a queue nobody registered', async () => {
    await expect(runner.send('nobody', {})).rejects.toThrow('no job queue named "nobody" is registered');
  });

  it('waits for a running handler when stopping', async () => {
    await runner.send('slow', {});
    await eventually(() => slowStarted);
    expect(slowFinished).toBe(false);
    await runner.stop();
    expect(slowFinished).toBe(true);
  });
});
