// Owns running work in a transaction with the isolation it needs, retrying the whole unit when
// PostgreSQL aborts it for a serialization failure or deadlock (40001, 40P01) — the documented
// way to use SERIALIZABLE and REPEATABLE READ safely. The work must therefore be repeatable:
// side effects outside the database belong after the transaction commits.
import type { IsolationLevel, Transaction } from 'kysely';
import type { Database } from './types.js';

const RETRYABLE_CODES = new Set(['40001', '40P01']);

export interface TransactionOptions {
  isolationLevel?: IsolationLevel;
  /** Total attempts including the first; default 3. */
  maxAttempts?: number;
}

export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function withTransaction<Schema, T>(
  db: Database<Schema>,
  work: (trx: Transaction<Schema>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const builder = db.kysely.transaction();
      const configured = options.isolationLevel ? builder.setIsolationLevel(options.isolationLevel) : builder;
      return await configured.execute(work);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryableTransactionError(error)) throw error;
      // Jittered backoff so competing transactions do not collide again in lockstep.
      await pause(Math.random() * 10 * 2 ** attempt);
    }
  }
}
