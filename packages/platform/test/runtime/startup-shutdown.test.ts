// The process refuses to start on bad configuration or an unreachable database (exit 1, every
// problem listed), keeps its embedded data across restarts, and finishes in-flight requests on
// SIGTERM before exiting 0.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/index.js';
import { spawnEntry, waitForListening } from './process.js';

const entry = 'packages/platform/test/fixtures/kernel-main.ts';

describe('process start and stop', () => {
  it('exits non-zero before listening and lists every configuration problem', async () => {
    const { done } = spawnEntry(entry, {
      NODE_ENV: 'production',
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      JWT_SECRET: 'secret',
      CORS_ORIGINS: '*',
    });
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('listening');
    for (const name of ['PORT', 'LOG_LEVEL', 'JWT_SECRET', 'CORS_ORIGINS'])
      expect(result.stderr).toContain(name);
  });

  it('exits non-zero with a clear message, without the password, when the database is unreachable', async () => {
    const { done } = spawnEntry(entry, {
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: 'postgres://app:hunter2-secret@127.0.0.1:1/app',
    });
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot open the database/);
    expect(result.stderr).toContain('127.0.0.1:1');
    expect(result.stderr + result.stdout).not.toContain('hunter2-secret');
  });

  it('keeps embedded data across a restart and finishes in-flight requests on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kernel-restart-'));
    // Load shedding off: a busy test machine must not answer the in-flight request with 503.
    const env = {
      NODE_ENV: 'development',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    };
    for (let run = 1; run <= 2; run++) {
      const { child, done } = spawnEntry(entry, env);
      const url = await waitForListening(child);
      const inFlight = fetch(`${url}/slow`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      child.kill('SIGTERM');
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ finished: true });
      const result = await done;
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('shutdown complete');
      await expect(fetch(`${url}/health`)).rejects.toThrow();
    }
    const db = await createDatabase({
      dataDir: join(dataDir, 'kernel', 'pglite'),
      poolMax: 1,
      applicationName: 'check',
    });
    const { rows } = await db.executeSql('SELECT count(*)::int AS starts FROM platform_instance_starts');
    expect(rows[0]).toEqual({ starts: 2 });
    await db.close();
  }, 60_000);
});
