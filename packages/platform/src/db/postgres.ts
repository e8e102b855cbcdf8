// Owns the server database: a node-postgres pool behind Kysely, with int8 read as safe numbers
// exactly as on PGlite.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { INT8_OID, parseInt8 } from './int8.js';
import type { Database, SqlResult } from './types.js';

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

type TransactionStatus = 'I' | 'T' | 'E' | null;
type ClientState = pg.PoolClient & { getTransactionStatus(): TransactionStatus; readyForQuery: boolean };

// Idle, as far as the server has said. After a failed statement node-postgres settles the query on
// the error message, before the server's ready-for-query reports the new transaction status, so a
// client still waiting for that message is not known to be idle.
const knownIdle = (client: pg.PoolClient): boolean => {
  const state = client as ClientState;
  return state.readyForQuery && state.getTransactionStatus() === 'I';
};

// Runs work on one pooled client and hands it back idle: a client left inside a transaction (open
// or aborted), or not known to be outside one, gets a ROLLBACK first (a no-op with a warning when
// nothing is open), and one that cannot be rolled back is destroyed, never reused.
async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    let broken: Error | undefined;
    if (!knownIdle(client)) {
      try {
        await client.query('ROLLBACK');
      } catch (error) {
        broken = error instanceof Error ? error : new Error(String(error));
      }
      if (!broken && !knownIdle(client)) broken = new Error('session left inside a transaction');
    }
    client.release(broken);
  }
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
  // Neither does a checked-out one: pg-pool listens only while a client is idle, and a session
  // killed mid-transaction (pg_terminate_backend, a failover) fails the query in flight and then
  // emits 'error' on the client when the socket closes. The pool drops the dead client on release.
  pool.on('connect', (client) => client.on('error', () => {}));
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
    // Even a one-off statement runs on a checked-out client, so a batch that fails between its own
    // BEGIN and COMMIT is rolled back here instead of going back to the pool aborted.
    executeSql: (text, values) => withClient(pool, (client) => runOn(client, text, values)),
    withSession: (work) =>
      withClient(pool, (client) => work({ executeSql: (text, values) => runOn(client, text, values) })),
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
