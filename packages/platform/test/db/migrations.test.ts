// Migrations apply once, in order, each atomically; an edited or misnamed migration stops the
// start with a message naming the file; PGlite data survives a restart.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database, type MigrationSet, runMigrations } from '../../src/db/index.js';
import { createTestDatabase } from '../../src/testing/database.js';

const directories: string[] = [];
const databases: Database[] = [];

function migrationDirectory(files: Record<string, string>): MigrationSet {
  const directory = mkdtempSync(join(tmpdir(), 'migrations-'));
  directories.push(directory);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return { scope: 'sample', directory };
}

async function emptyDatabase(): Promise<Database> {
  const db = await createTestDatabase([]);
  databases.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.close()));
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('migrations', () => {
  it('applies pending migrations in order, once', async () => {
    const db = await emptyDatabase();
    const set = migrationDirectory({
      '0002_add_colour.sql': 'alter table things add column colour text;',
      '0001_things.sql': 'create table things (id int primary key);',
    });
    const first = await runMigrations(db, [set]);
    expect(first.map((m) => m.name)).toEqual(['things', 'add_colour']);
    expect(await runMigrations(db, [set])).toEqual([]);
    const { rows } = await db.executeSql(
      'select scope, version, name from schema_migrations order by version',
    );
    expect(rows).toEqual([
      { scope: 'sample', version: 1, name: 'things' },
      { scope: 'sample', version: 2, name: 'add_colour' },
    ]);
    await db.executeSql("insert into things (id, colour) values (1, 'red')");
  });

  it('rolls a failing migration back entirely and does not record it', async () => {
    const db = await emptyDatabase();
    const set = migrationDirectory({
      '0001_half.sql': 'create table half (id int); insert into half values (1); select 1 / 0;',
    });
    await expect(runMigrations(db, [set])).rejects.toThrow(/sample\/1_half failed: division by zero/);
    const { rows } = await db.executeSql(
      "select count(*) as n from information_schema.tables where table_name = 'half'",
    );
    expect(rows[0]?.n).toBe(0);
    expect((await db.executeSql('select count(*) as n from schema_migrations')).rows[0]?.n).toBe(0);
  });

  it('refuses to start when an applied migration was edited', async () => {
    const db = await emptyDatabase();
    const set = migrationDirectory({ '0001_things.sql': 'create table things (id int);' });
    await runMigrations(db, [set]);
    writeFileSync(join(set.directory, '0001_things.sql'), 'create table things (id bigint);');
    await expect(runMigrations(db, [set])).rejects.toThrow(/sample\/1_things changed after it was applied/);
  });

  it('rejects files that do not follow the naming rule', async () => {
    const db = await emptyDatabase();
    const set = migrationDirectory({ 'add-things.sql': 'select 1;' });
    await expect(runMigrations(db, [set])).rejects.toThrow(
      /"add-things.sql" must be named NNNN_snake_case.sql/,
    );
  });

  it('warns, and carries on, when the database is ahead of the code', async () => {
    const db = await emptyDatabase();
    const set = migrationDirectory({
      '0001_a.sql': 'create table a (id int);',
      '0002_b.sql': 'create table b (id int);',
    });
    await runMigrations(db, [set]);
    rmSync(join(set.directory, '0002_b.sql'));
    const warnings: unknown[] = [];
    await runMigrations(db, [set], { info: () => {}, warn: (details) => warnings.push(details) });
    expect(warnings).toEqual([{ event: 'migrations_ahead', unknown: ['sample/2'] }]);
  });
});

describe('embedded database on disk', () => {
  it('creates its data directory on first start and keeps committed data across a restart', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'pglite-restart-'));
    directories.push(parent);
    const dataDir = join(parent, 'fresh', 'app', 'pglite');
    const set = migrationDirectory({ '0001_notes.sql': 'create table notes (body text);' });
    const options = { dataDir, poolMax: 1, applicationName: 'restart-test' };
    const first = await createDatabase(options);
    await runMigrations(first, [set]);
    await first.executeSql('insert into notes values ($1)', ['kept']);
    await first.close();

    const second = await createDatabase(options);
    databases.push(second);
    expect(await runMigrations(second, [set])).toEqual([]);
    expect((await second.executeSql('select body from notes')).rows).toEqual([{ body: 'kept' }]);
  }, 30_000);
});

describe('server database', () => {
  it('rejects with the reason when the server cannot be reached (no endless retry: the test timeout bounds it)', async () => {
    await expect(
      createDatabase({
        url: 'postgres://postgres@127.0.0.1:1/none',
        poolMax: 1,
        applicationName: 'unreachable',
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
