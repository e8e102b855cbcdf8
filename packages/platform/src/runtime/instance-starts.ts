// Owns the platform_instance_starts table: one row per process start (see migration 0001).
import { hostname } from 'node:os';
import type { Database } from '../db/types.js';

export async function recordInstanceStart(db: Database<unknown>, app: string): Promise<void> {
  await db.executeSql('INSERT INTO platform_instance_starts (app, hostname) VALUES ($1, $2)', [
    app,
    hostname(),
  ]);
}
