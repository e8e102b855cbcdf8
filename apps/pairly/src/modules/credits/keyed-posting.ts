// Owns the fast path of keyed operations whose whole effect is posting legs (add, deduct, transfer,
// message charge): one autocommitted statement, `credits_run` (migration 0005), claims the key,
// posts the legs and records the outcome, so the ledger costs one round trip per operation. The
// rules are those of idempotency.ts: the same key and parameters replay the first result (a
// refusal too), other parameters are a 409, an unknown account (404) keeps nothing. A statement
// aborted for a serialization failure or deadlock rolled back whole and is simply run again.
// `runWithin` runs the same statement inside a caller's transaction (a webhook inbox's, say), so the
// posting commits or rolls back with the caller's other writes; a refusal there rolls back to a
// savepoint, leaving the caller's transaction usable, and is not retried (the caller's is aborted).
import { type Clock, type Database, isRetryableTransactionError } from '@app/platform';
import { type Kysely, sql, type Transaction } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../db.js';
import {
  keyReused,
  type OperationKey,
  type OperationResult,
  replayedRefusal,
  requestHash,
} from './idempotency.js';
import {
  accountFrozen,
  accountNotFound,
  type Leg,
  legsPayload,
  type PostedTransfer,
  type PostOutcome,
  pastExpiry,
  refusalOf,
} from './ledger.js';

const MAX_ATTEMPTS = 5;
const FOREIGN_KEY_VIOLATION = '23503';
const INVALID_PARAMETER_VALUE = '22023';
const ACCOUNT_FROZEN = 'PF423';

interface RunAnswer {
  replayed: boolean;
  operationId: string;
  requestHash?: string;
  status: number;
  response: PostOutcome;
}

async function statement(
  on: Kysely<PairlySchema>,
  key: OperationKey,
  hash: string,
  legs: readonly Leg[],
  status: number,
  at: Date,
): Promise<RunAnswer> {
  const { rows } = await sql<{ answer: RunAnswer | string }>`
    select credits_run(${crypto.randomUUID()}::uuid, ${key.scope}, ${key.key}, ${key.operation}, ${hash},
      ${JSON.stringify(legsPayload(legs))}::jsonb, ${at}::timestamptz, ${status}::integer) as answer
  `.execute(on);
  const answer = rows[0]?.answer;
  return typeof answer === 'string' ? JSON.parse(answer) : (answer as RunAnswer);
}

/** The refusal a failed statement stands for, or null when it is no refusal of ours. */
function refusalOfError(error: unknown) {
  const code = (error as { code?: string }).code;
  if (code === FOREIGN_KEY_VIOLATION) return accountNotFound();
  if (code === INVALID_PARAMETER_VALUE) return pastExpiry();
  if (code === ACCOUNT_FROZEN) return accountFrozen();
  return null;
}

/** The statement inside the caller's transaction, behind a savepoint a refusal rolls back to. */
async function runOnceWithin(
  trx: Transaction<PairlySchema>,
  key: OperationKey,
  hash: string,
  legs: readonly Leg[],
  status: number,
  at: Date,
): Promise<RunAnswer> {
  await sql`savepoint credits_run_within`.execute(trx);
  let answer: RunAnswer;
  try {
    answer = await statement(trx, key, hash, legs, status, at);
  } catch (error) {
    const refusal = refusalOfError(error);
    if (!refusal) throw error;
    await sql`rollback to savepoint credits_run_within`.execute(trx);
    throw refusal;
  }
  await sql`release savepoint credits_run_within`.execute(trx);
  return answer;
}

function result<T>(
  answer: RunAnswer,
  hash: string,
  present: (operationId: string, transfers: PostedTransfer[]) => T,
): OperationResult<T> {
  if (answer.replayed && answer.requestHash !== hash) throw keyReused();
  const outcome = typeof answer.response === 'string' ? JSON.parse(answer.response) : answer.response;
  if (outcome.outcome !== 'applied') {
    const refusal = refusalOf(outcome);
    if (!answer.replayed) throw refusal;
    throw replayedRefusal({ kind: refusal.kind, code: refusal.code, detail: refusal.message });
  }
  return {
    status: answer.status,
    body: present(answer.operationId, outcome.transfers),
    replayed: answer.replayed,
  };
}

/**
 * Posts the legs at most once per key inside the caller's transaction, as of `at` (the caller's
 * clock): what the credits service's `runWithin` does, for a caller that posts without the service
 * (payments' reversals, inside the webhook inbox's transaction).
 */
export async function runKeyedWithin<T>(
  trx: Transaction<PairlySchema>,
  key: OperationKey,
  legs: readonly Leg[],
  status: number,
  at: Date,
  present: (operationId: string, transfers: PostedTransfer[]) => T,
): Promise<OperationResult<T>> {
  const hash = requestHash(key.operation, key.params);
  return result(await runOnceWithin(trx, key, hash, legs, status, at), hash, present);
}

export function createKeyedPosting(db: Database, clock: Clock) {
  const kysely = pairlyDb(db);

  async function runOnce(
    key: OperationKey,
    hash: string,
    legs: readonly Leg[],
    status: number,
  ): Promise<RunAnswer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await statement(kysely, key, hash, legs, status, clock.now());
      } catch (error) {
        const refusal = refusalOfError(error);
        if (refusal) throw refusal;
        if (attempt >= MAX_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
      }
    }
  }

  return {
    /** Posts the legs at most once per key and presents the posted transfers (first time and on every replay alike). */
    async run<T>(
      key: OperationKey,
      legs: readonly Leg[],
      status: number,
      present: (operationId: string, transfers: PostedTransfer[]) => T,
    ): Promise<OperationResult<T>> {
      const hash = requestHash(key.operation, key.params);
      return result(await runOnce(key, hash, legs, status), hash, present);
    },

    /**
     * As `run`, inside the caller's transaction: the key, the transfers and the caller's other
     * writes commit together or not at all. A concurrent transaction with the same key waits on the
     * key's unique index until this one ends, then replays it (or claims the key if it rolled back).
     */
    async runWithin<T>(
      trx: Transaction<PairlySchema>,
      key: OperationKey,
      legs: readonly Leg[],
      status: number,
      present: (operationId: string, transfers: PostedTransfer[]) => T,
    ): Promise<OperationResult<T>> {
      return runKeyedWithin(trx, key, legs, status, clock.now(), present);
    },
  };
}

export type KeyedPosting = ReturnType<typeof createKeyedPosting>;
