// Item 18: a first start on a fresh data directory reports its progress (database, migrations,
// listening) as it happens, not when a 4 KB buffer fills. Item 25: after SIGTERM, /ready answers
// 503 for the drain period while every other route is still served, then the process exits 0.
// One real process covers both; everything is polled, nothing is timed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { spawnEntry, waitForListening } from './process.js';

const entry = 'packages/platform/test/fixtures/kernel-main.ts';

describe('start-up progress and shutdown drain', () => {
  it('item 18, item 25: progress is printed while starting; after SIGTERM /ready is 503 while requests are served, then it exits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kernel-drain-'));
    const { child, done } = spawnEntry(entry, {
      NODE_ENV: 'development',
      PORT: '0',
      DATA_DIR: dataDir,
      SHUTDOWN_DRAIN_MS: '5000',
      // A busy test machine must not shed the requests this test makes.
      PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    });
    try {
      let stdout = '';
      child.stdout?.on('data', (chunk) => {
        stdout += chunk;
      });
      const url = await waitForListening(child, 120_000);
      // Everything below was on stdout by the time the listening line arrived.
      const progress = stdout.slice(0, stdout.indexOf('listening on'));
      const events = progress
        .split('\n')
        .slice(0, -1) // the line being written when 'listening on' appeared
        .map((line) => JSON.parse(line).event);
      expect(events).toEqual(
        expect.arrayContaining(['config_warning', 'database_opening', 'database_open', 'migrations_applied']),
      );
      expect(events.indexOf('database_opening')).toBeLessThan(events.indexOf('migrations_applied'));
      expect(progress).toContain(`opening the embedded database in ${join(dataDir, 'kernel', 'pglite')}`);

      expect((await fetch(`${url}/ready`)).status).toBe(200);
      child.kill('SIGTERM');
      const draining = await vi.waitFor(
        async () => {
          const response = await fetch(`${url}/ready`);
          expect(response.status, '/ready to answer 503').toBe(503);
          return response;
        },
        { timeout: 40_000, interval: 20 },
      );
      expect(await draining.json()).toMatchObject({
        code: 'dependency_unavailable',
        detail: 'Not ready: shutting down.',
      });
      // Still serving: liveness, and an ordinary route that takes a while.
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const slow = await fetch(`${url}/slow`);
      expect(slow.status).toBe(200);
      expect(await slow.json()).toEqual({ finished: true });

      const result = await done;
      expect(result.code).toBe(0);
      expect(stdout).toContain('draining for 5000 ms');
      expect(stdout).toContain('shutdown complete');
      await expect(fetch(`${url}/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
