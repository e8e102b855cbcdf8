// Owns fresh, migrated databases for tests, fast enough to give every test file its own.
// Embedded: the migrations run once into a PGlite dump cached on disk (keyed by the migration files
// and the PGlite version); each test restores it with a reused compiled module (~0.4 s instead of
// ~3 s plus migrations). With DATABASE_URL: a template database is migrated once and each test gets
// CREATE DATABASE ... TEMPLATE, dropped again on close.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type MigrationSet, migrationsFingerprint, runMigrations } from '../db/migrations.js';
import { openPglite, pgliteDatabase } from '../db/pglite.js';
import { postgresDatabase } from '../db/postgres.js';
import type { Database } from '../db/types.js';

const require = createRequire(import.meta.url);
const pgliteDist = dirname(require.resolve('@electric-sql/pglite'));
const pgliteVersion: string = JSON.parse(
  readFileSync(join(pgliteDist, '..', 'package.json'), 'utf8'),
).version;

export async function createTestDatabase(sets: MigrationSet[]): Promise<Database<unknown>> {
  const url = process.env.DATABASE_URL;
  return url ? createServerTestDatabase(url, sets) : createEmbeddedTestDatabase(sets);
}

interface PgliteAssets {
  pgliteWasmModule: WebAssembly.Module;
  fsBundle: Blob;
}

let assets: Promise<PgliteAssets> | undefined;
const dumps = new Map<string, Promise<Blob | undefined>>();

// Node provides WebAssembly at run time; the ES library typings used here only declare its types.
const { compile } = (
  globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }
).WebAssembly;

function loadAssets(): Promise<PgliteAssets> {
  assets ??= compile(readFileSync(join(pgliteDist, 'pglite.wasm'))).then((pgliteWasmModule) => ({
    pgliteWasmModule,
    fsBundle: new Blob([readFileSync(join(pgliteDist, 'pglite.data'))]),
  }));
  return assets;
}

function dumpPath(sets: MigrationSet[]): string {
  return join(tmpdir(), 'platform-test-db', `${migrationsFingerprint(sets)}-pglite-${pgliteVersion}.tar`);
}

async function saveDump(pglite: PGlite, path: string): Promise<void> {
  const dump = await pglite.dumpDataDir('none');
  mkdirSync(dirname(path), { recursive: true });
  // Written aside then renamed, so parallel test processes never read a half-written dump.
  const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, path);
}

async function createEmbeddedTestDatabase(sets: MigrationSet[]): Promise<Database<unknown>> {
  const path = dumpPath(sets);
  const { pgliteWasmModule, fsBundle } = await loadAssets();
  let dump = dumps.get(path);
  if (!dump) {
    dump = Promise.resolve(existsSync(path) ? new Blob([readFileSync(path)]) : undefined);
    dumps.set(path, dump);
  }
  const cached = await dump;
  if (cached) return pgliteDatabase(await openPglite({ loadDataDir: cached, pgliteWasmModule, fsBundle }));

  const pglite = await openPglite({ pgliteWasmModule, fsBundle });
  const db = pgliteDatabase(pglite);
  await runMigrations(db, sets);
  await db.withSession(() => saveDump(pglite, path));
  dumps.delete(path);
  return db;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

// Held by every test process while it prepares the template or clones it: CREATE DATABASE fails
// when another session is connected to the template.
const TEMPLATE_LOCK_KEY = 0x74706c74;

async function cloneTemplate(admin: pg.Client, template: string, name: string): Promise<void> {
  // A session that just disconnected from the template can linger for a moment (55006).
  for (let attempt = 1; ; attempt++) {
    try {
      await admin.query(`create database ${name} template ${template}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt === 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function createServerTestDatabase(url: string, sets: MigrationSet[]): Promise<Database<unknown>> {
  const template = `test_template_${migrationsFingerprint(sets)}`;
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url, application_name: 'test-database-admin' });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    const existing = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (existing.rowCount === 0) {
      await admin.query(`create database ${template}`);
      const templateDb = await postgresDatabase({
        url: withDatabaseName(url, template),
        poolMax: 1,
        applicationName: 'test-template',
      });
      try {
        await runMigrations(templateDb, sets);
      } catch (error) {
        await templateDb.close();
        await admin.query(`drop database ${template}`);
        throw error;
      } finally {
        await templateDb.close();
      }
    }
    await cloneTemplate(admin, template, name);
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]).catch(() => {});
    await admin.end();
  }

  const db = await postgresDatabase({
    url: withDatabaseName(url, name),
    poolMax: 5,
    applicationName: 'test',
  });
  return {
    ...db,
    async close() {
      await db.close();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
