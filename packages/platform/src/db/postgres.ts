// Owns the server database: a node-postgres pool behind Kysely, with int8 read as safe numbers
// exactly as on PGlite.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { INT8_OID, parseInt8 } from './int8.js';
import type { Database, SqlResult, SqlSession } from './types.js';

export interface PostgresOptions {
  url: string;
  poolMax: number;
  applicationName: string;
}

function toResult(result: pg.QueryResult | pg.QueryResult[]): SqlResult {
  const last = Array.isArray(result) ? result.at(-1) : result;
  return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
}

async function runOn(
  client: pg.Pool | pg.PoolClient,
  text: string,
  values?: readonly unknown[],
): Promise<SqlResult> {
  // Without values node-postgres uses the simple protocol, which accepts several statements.
  const result =
    values && values.length > 0 ? await client.query(text, [...values]) : await client.query(text);
  return toResult(result as pg.QueryResult | pg.QueryResult[]);
}

export async function postgresDatabase<Schema>(options: PostgresOptions): Promise<Database<Schema>> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    application_name: options.applicationName,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID
          ? parseInt8
          : pg.types.getTypeParser(oid, format as never)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the next checkout reconnects.
  pool.on('error', () => {});
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  try {
    await pool.query('select 1');
  } catch (error) {
    await kysely.destroy();
    throw error;
  }
  let closed = false;
  return {
    kind: 'postgres',
    kysely,
    executeSql: (text, values) => runOn(pool, text, values),
    async withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await work({ executeSql: (text, values) => runOn(client, text, values) });
      } catch (error) {
        // A failed session may be left mid-transaction or holding locks; do not return it to the pool.
        broken = error instanceof Error ? error : new Error(String(error));
        throw error;
      } finally {
        // Likewise a session handed back inside a transaction (open or aborted: status not 'I'dle).
        const status = (
          client as pg.PoolClient & { getTransactionStatus(): string | null }
        ).getTransactionStatus();
        client.release(
          broken ?? (status === 'I' ? undefined : new Error('session left inside a transaction')),
        );
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
    },
  };
}
