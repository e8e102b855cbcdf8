// Owns schema migrations: numbered plain-SQL files per scope (platform, then each app), applied in
// order, each in its own transaction, recorded with a checksum. A session-level advisory lock makes
// concurrent starts of several instances against one database apply each migration exactly once;
// a migration edited after it was applied stops the start instead of leaving schemas to drift.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, SqlSession } from './types.js';

export interface MigrationSet {
  /** Namespace of the versions, e.g. 'platform' or the app's name. */
  scope: string;
  /** Directory of files named NNNN_snake_case_name.sql. */
  directory: string;
}

export interface Migration {
  scope: string;
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// An arbitrary constant shared by every instance: "migr" in ASCII.
const MIGRATION_LOCK_KEY = 0x6d696772;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function readMigrations(set: MigrationSet): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(set.directory).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE_PATTERN.exec(file);
    if (!match)
      throw new MigrationError(`${set.scope}: migration file "${file}" must be named NNNN_snake_case.sql`);
    const sql = readFileSync(join(set.directory, file), 'utf8');
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) {
      throw new MigrationError(`${set.scope}: two migrations share version ${match[1]}`);
    }
    migrations.push({
      scope: set.scope,
      version,
      name: match[2] as string,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  return migrations;
}

const CREATE_LEDGER = `
  create table if not exists schema_migrations (
    scope text not null,
    version integer not null,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now(),
    primary key (scope, version)
  )`;

async function appliedChecksums(session: SqlSession): Promise<Map<string, string>> {
  const { rows } = await session.executeSql('select scope, version, checksum from schema_migrations', []);
  return new Map(rows.map((row) => [`${row.scope}/${row.version}`, String(row.checksum)]));
}

function verifyHistory(all: Migration[], applied: Map<string, string>): void {
  for (const migration of all) {
    const checksum = applied.get(`${migration.scope}/${migration.version}`);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new MigrationError(
        `migration ${migration.scope}/${migration.version}_${migration.name} changed after it was applied; add a new migration instead`,
      );
    }
  }
}

async function applyOne(session: SqlSession, migration: Migration): Promise<void> {
  await session.executeSql('begin');
  try {
    await session.executeSql(migration.sql);
    await session.executeSql(
      'insert into schema_migrations (scope, version, name, checksum) values ($1, $2, $3, $4)',
      [migration.scope, migration.version, migration.name, migration.checksum],
    );
    await session.executeSql('commit');
  } catch (error) {
    await session.executeSql('rollback');
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      `migration ${migration.scope}/${migration.version}_${migration.name} failed: ${reason}`,
    );
  }
}

/** Applies every pending migration of the sets, in order; returns the ones this call applied. */
export async function runMigrations(
  db: Database,
  sets: MigrationSet[],
  logger?: MigrationLogger,
): Promise<Migration[]> {
  const all = sets.flatMap(readMigrations);
  return db.withSession(async (session) => {
    await session.executeSql('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await session.executeSql(CREATE_LEDGER);
      const applied = await appliedChecksums(session);
      verifyHistory(all, applied);
      // A database ahead of this code is normal mid-way through a rolling deploy: say so, carry on.
      const known = new Set(all.map((m) => `${m.scope}/${m.version}`));
      const unknown = [...applied.keys()].filter(
        (key) => !known.has(key) && sets.some((s) => key.startsWith(`${s.scope}/`)),
      );
      if (unknown.length > 0)
        logger?.warn(
          { event: 'migrations_ahead', unknown },
          'database has migrations this code does not know',
        );
      const pending = all.filter((m) => !applied.has(`${m.scope}/${m.version}`));
      for (const migration of pending) {
        await applyOne(session, migration);
        logger?.info(
          { event: 'migration_applied', scope: migration.scope, version: migration.version },
          migration.name,
        );
      }
      return pending;
    } finally {
      await session.executeSql('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

/** A fingerprint of the migration files, used to cache migrated test databases. */
export function migrationsFingerprint(sets: MigrationSet[]): string {
  const hash = createHash('sha256');
  for (const migration of sets.flatMap(readMigrations)) {
    hash.update(`${migration.scope}/${migration.version}/${migration.checksum}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
