// Owns choosing the database backend: a PostgreSQL server when a URL is configured, PGlite on a
// data directory otherwise.
import { openPglite, pgliteDatabase } from './pglite.js';
import { postgresDatabase } from './postgres.js';
import type { Database } from './types.js';

export type DatabaseOptions = ({ url: string } | { dataDir: string }) & {
  poolMax: number;
  applicationName: string;
};

export async function createDatabase<Schema = unknown>(options: DatabaseOptions): Promise<Database<Schema>> {
  if ('url' in options) return postgresDatabase<Schema>(options);
  return pgliteDatabase<Schema>(await openPglite({ dataDir: options.dataDir }));
}
