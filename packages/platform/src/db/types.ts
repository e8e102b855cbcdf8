// The contract every database backend (node-postgres or PGlite) fulfils. Callers use `kysely` for
// typed queries and `executeSql` for raw statements that must share the same queue (pg-boss,
// health checks). PGlite is a single session, so both go through one queue there.
import type { Kysely } from 'kysely';

export type DatabaseKind = 'postgres' | 'pglite';

export interface SqlResult {
  rows: Record<string, unknown>[];
  rowCount: number;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** One database session: statements run on the same connection, in order. */
export interface SqlSession {
  /** Runs one statement with positional parameters ($1, $2...). Without values, may hold several statements. */
  executeSql(text: string, values?: readonly unknown[]): Promise<SqlResult>;
}

export interface Database<Schema = unknown> extends SqlSession {
  readonly kind: DatabaseKind;
  readonly kysely: Kysely<Schema>;
  /**
   * Holds one session for the callback (a pooled connection, or the PGlite queue): needed for
   * session state such as advisory locks or a hand-written BEGIN ... COMMIT.
   */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Cheap round trip used by readiness checks; rejects when the database cannot answer. */
  ping(): Promise<void>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}
