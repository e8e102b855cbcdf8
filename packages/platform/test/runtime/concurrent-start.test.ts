// Several instances starting at once against one PostgreSQL apply each migration exactly once
// (the migrator's advisory lock) and all come up serving. Needs a real server: DATABASE_URL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnEntry, waitForListening } from './process.js';

const serverUrl = process.env.DATABASE_URL;

describe.skipIf(!serverUrl)('concurrent start against one PostgreSQL', () => {
  const name = `concurrent_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('runs every migration once while three instances start together', async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl as string);
    url.pathname = `/${name}`;
    const instances = [1, 2, 3].map(() =>
      spawnEntry('packages/platform/test/fixtures/kernel-main.ts', {
        NODE_ENV: 'test',
        PORT: '0',
        DATABASE_URL: url.toString(),
      }),
    );
    const urls = await Promise.all(instances.map(({ child }) => waitForListening(child)));
    for (const address of urls) expect((await fetch(`${address}/ready`)).status).toBe(200);
    for (const { child } of instances) child.kill('SIGTERM');
    for (const { done } of instances) expect((await done).code).toBe(0);

    const check = new pg.Client({ connectionString: url.toString() });
    await check.connect();
    const migrations = await check.query(
      'SELECT scope, version, count(*)::int AS n FROM schema_migrations GROUP BY 1, 2',
    );
    expect(migrations.rows.length).toBeGreaterThanOrEqual(2);
    for (const row of migrations.rows) expect(row.n).toBe(1);
    const starts = await check.query('SELECT count(*)::int AS n FROM platform_instance_starts');
    expect(starts.rows[0].n).toBe(3);
    await check.end();
  }, 90_000);
});
