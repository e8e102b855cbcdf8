// Owns the embedded database: PGlite (real PostgreSQL compiled to WebAssembly) on a data directory,
// in memory, or restored from a dump. It is a single session, so every statement, transaction and
// held session goes through one SessionQueue; callers see the same Database contract as on a server.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { letEventLoopTurn } from './event-loop-turns.js';
import { INT8_OID, parseInt8 } from './int8.js';
import { pgliteDialect } from './pglite-dialect.js';
import { SessionQueue } from './session-queue.js';
import type { Database, SqlResult, SqlSession } from './types.js';

export interface PgliteOptions {
  /** Directory holding the data; omitted means in memory. */
  dataDir?: string;
  /** A dump (from `dumpDataDir`) to start from instead of an empty cluster. */
  loadDataDir?: Blob;
  /** A compiled PGlite module and its file-system bundle to reuse, skipping most of the cold start. */
  pgliteWasmModule?: WebAssembly.Module;
  fsBundle?: Blob;
}

export async function openPglite(options: PgliteOptions = {}): Promise<PGlite> {
  // A fresh deployment has no data directory yet; PGlite only creates the last level.
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  return PGlite.create({
    parsers: { [INT8_OID]: parseInt8 },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    ...(options.pgliteWasmModule ? { pgliteWasmModule: options.pgliteWasmModule } : {}),
    ...(options.fsBundle ? { fsBundle: options.fsBundle } : {}),
  });
}

async function runOn(pglite: PGlite, text: string, values?: readonly unknown[]): Promise<SqlResult> {
  await letEventLoopTurn();
  if (values && values.length > 0) {
    const result = await pglite.query<Record<string, unknown>>(text, [...values]);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  }
  // The simple protocol accepts several statements; the last one's result is the answer.
  const results = await pglite.exec(text);
  const last = results.at(-1);
  return {
    rows: (last?.rows ?? []) as Record<string, unknown>[],
    rowCount: last?.affectedRows ?? last?.rows.length ?? 0,
  };
}

/** Ends a transaction a holder left open or aborted (a failed statement in an exec'd BEGIN ... COMMIT). */
async function rollbackLeftover(pglite: PGlite): Promise<void> {
  if (!pglite.closed && pglite.isInTransaction()) await pglite.exec('rollback');
}

export function pgliteDatabase<Schema>(pglite: PGlite): Database<Schema> {
  const queue = new SessionQueue(() => rollbackLeftover(pglite));
  const kysely = new Kysely<Schema>({ dialect: pgliteDialect(pglite, queue) });
  let closed = false;
  return {
    kind: 'pglite',
    kysely,
    executeSql: (text, values) => queue.run(() => runOn(pglite, text, values)),
    withSession: <T>(work: (session: SqlSession) => Promise<T>) =>
      queue.run(() => work({ executeSql: (text, values) => runOn(pglite, text, values) })),
    async ping() {
      await queue.run(() => pglite.query('select 1'));
    },
    poolStats: () => ({ total: 1, idle: queue.held ? 0 : 1, waiting: queue.waiting }),
    async close() {
      if (closed) return;
      closed = true;
      // Waits for the holder and everyone queued, so nothing is cut off mid-transaction.
      await queue.run(async () => {
        await kysely.destroy();
        await pglite.close();
      });
    },
  };
}
