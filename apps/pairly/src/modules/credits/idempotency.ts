// Owns "at most once" for credits operations. Every operation carries a client key; the first
// request with a key records it (in the same transaction as its ledger effect) with a hash of its
// parameters and its result. A replay with the same key and parameters gets that first result back,
// status and body, even when it was a refusal (402, 409; replayed refusals carry the
// Idempotent-Replayed header too); the same key with other parameters is a 409. Two requests racing
// on one key serialise on the key's unique index: the second waits for the first to commit and then
// replays it. Refusals of bad input (400, 404) are not recorded: like Stripe, nothing is stored when
// the request could not have done anything. Nor is a frozen account (423): freezing is a state staff
// lift, after which the same request should go through rather than repeat the refusal.
import { createHash, randomUUID } from 'node:crypto';
import {
  AppError,
  type Clock,
  type Database,
  type ErrorKind,
  statusForKind,
  withTransaction,
} from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';

export interface OperationKey {
  /** Whose keys these are: the acting user's id, or a system name. Keys never collide across scopes. */
  scope: string;
  key: string;
  operation: string;
  params: unknown;
}

export interface OperationResult<T> {
  status: number;
  body: T;
  /** True when this is the stored result of an earlier request with the same key. */
  replayed: boolean;
}

interface StoredRefusal {
  refused: { kind: ErrorKind; code: string; detail: string };
}

/** Refusals a replay must repeat; anything else (bad input, outages) leaves the key unused. */
const RECORDED_REFUSALS = new Set<ErrorKind>(['payment_required', 'conflict']);

/** The header marking an answer that is the stored result of an earlier request with the same key. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/** A stored refusal, thrown again for a replay and marked as one. */
export const replayedRefusal = (refused: StoredRefusal['refused']) =>
  new AppError({ ...refused, headers: { [REPLAYED_HEADER]: 'true' } });

export const keyReused = () =>
  new AppError({
    kind: 'conflict',
    code: 'idempotency_key_reused',
    detail: 'This Idempotency-Key was already used with different parameters.',
  });

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function requestHash(operation: string, params: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([operation, canonical(params)]))
    .digest('hex');
}

function replay<T>(row: { request_hash: string; status: number | null; response: unknown }, hash: string) {
  if (row.request_hash !== hash) throw keyReused();
  const response = (typeof row.response === 'string' ? JSON.parse(row.response) : row.response) as
    | T
    | StoredRefusal;
  if (response && typeof response === 'object' && 'refused' in response) {
    throw replayedRefusal(response.refused);
  }
  return { status: row.status ?? 200, body: response as T, replayed: true };
}

export function createOperationLog(db: Database, clock: Clock) {
  const pairly = db as Database<PairlySchema>;

  async function storedOrNull(trx: Transaction<PairlySchema>, key: OperationKey) {
    return trx
      .selectFrom('credit_operations')
      .select(['request_hash', 'status', 'response'])
      .where('scope', '=', key.scope)
      .where('idempotency_key', '=', key.key)
      .executeTakeFirst();
  }

  /** Records a refusal so a replay repeats it; returns the stored result if another request won the key. */
  async function recordRefusal<T>(
    key: OperationKey,
    hash: string,
    error: AppError,
  ): Promise<OperationResult<T>> {
    const refusal: StoredRefusal = { refused: { kind: error.kind, code: error.code, detail: error.message } };
    const stored = await withTransaction(pairly, async (trx) => {
      const inserted = await trx
        .insertInto('credit_operations')
        .values({
          id: randomUUID(),
          scope: key.scope,
          idempotency_key: key.key,
          operation: key.operation,
          request_hash: hash,
          status: statusForKind(error.kind),
          response: JSON.stringify(refusal),
          created_at: clock.now(),
        })
        .onConflict((conflict) => conflict.columns(['scope', 'idempotency_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted ? undefined : storedOrNull(trx, key);
    });
    // Fix: the stored result was computed and dropped, so a refusal whose key another request had
    // meanwhile used successfully answered 402 while the key records a 200 (concurrency.test.ts).
    if (stored) return replay<T>(stored, hash);
    throw error;
  }

  return {
    /**
     * Runs `work` at most once per key: inside one transaction with the key's record, which it
     * receives the id of (transfers point back to their operation).
     */
    async run<T>(
      key: OperationKey,
      work: (trx: Transaction<PairlySchema>, operationId: string) => Promise<{ status: number; body: T }>,
    ): Promise<OperationResult<T>> {
      const hash = requestHash(key.operation, key.params);
      try {
        return await withTransaction(pairly, async (trx) => {
          const operationId = randomUUID();
          const claimed = await trx
            .insertInto('credit_operations')
            .values({
              id: operationId,
              scope: key.scope,
              idempotency_key: key.key,
              operation: key.operation,
              request_hash: hash,
              created_at: clock.now(),
            })
            .onConflict((conflict) => conflict.columns(['scope', 'idempotency_key']).doNothing())
            .returning('id')
            .executeTakeFirst();
          if (!claimed) {
            const stored = await storedOrNull(trx, key);
            if (!stored) throw new Error('idempotency record vanished');
            return replay<T>(stored, hash);
          }
          const result = await work(trx, operationId);
          await trx
            .updateTable('credit_operations')
            .set({ status: result.status, response: JSON.stringify(result.body) })
            .where('id', '=', operationId)
            .execute();
          return { ...result, replayed: false };
        });
      } catch (error) {
        if (
          error instanceof AppError &&
          RECORDED_REFUSALS.has(error.kind) &&
          error.code !== 'idempotency_key_reused'
        ) {
          return recordRefusal<T>(key, hash, error);
        }
        throw error;
      }
    },
  };
}

export type OperationLog = ReturnType<typeof createOperationLog>;
