// Owns the brake on guessing a secret (a password, a second-factor code) for one account. Every
// attempt is RESERVED before the secret is checked: it takes a number from an atomic counter per
// account and per account+address, so of N attempts sent at once only the free ones and one more can
// ever be checked. Past a few free attempts each further attempt needs the lock left by the previous
// one to have run out, and leaves a lock twice as long, from 1 s up to 15 min; passing that gate is
// itself atomic (a claim taken with SET NX on the lock record it follows). The account-wide count has
// a higher threshold so an attacker spraying from many addresses is slowed too, while the cap and a
// successful password reset keep anyone from locking an owner out for good. Lock deadlines are kept
// in the app's clock (key-value TTLs only collect garbage), so a fake clock moves them in tests.
import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../kv/types.js';
import type { Clock } from '../time/clock.js';

export interface LoginThrottleSettings {
  freeFailuresPerAddress?: number;
  freeFailuresPerAccount?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long attempts are remembered after the first one. */
  memoryMs?: number;
}

/** The outcome of asking to try a secret. */
export type Reservation =
  | {
      granted: true;
      /** The lock this attempt leaves if its secret is wrong (0 while attempts are free). */
      lockMs: number;
      /** The secret was right: this address is forgiven and the account's count gets this attempt back. */
      succeeded(): Promise<void>;
    }
  | { granted: false /** How long the caller must wait. */; waitMs: number };

export interface AttemptThrottle {
  /** Counts an attempt before its secret is checked; a wrong secret needs no further call. */
  reserve(account: string, address: string): Promise<Reservation>;
  /** After a password reset: the owner proved control of the account, so every lock is lifted. */
  clearAccount(account: string): Promise<void>;
}

interface LockRecord {
  /** Epoch ms (app clock) until which no further attempt may start. */
  until: number;
  /** Names the claim that the next gated attempt must take to replace this record. */
  id: string;
}

// How long a claim outlives the record it replaces; it only has to cover the write that follows it.
const CLAIM_TTL_MS = 60_000;

export function createAttemptThrottle(
  kv: KeyValueStore,
  clock: Clock,
  settings: LoginThrottleSettings & { namespace: string },
): AttemptThrottle {
  const freePerAddress = settings.freeFailuresPerAddress ?? 3;
  const freePerAccount = settings.freeFailuresPerAccount ?? 10;
  const baseDelayMs = settings.baseDelayMs ?? 1000;
  const maxDelayMs = settings.maxDelayMs ?? 15 * 60 * 1000;
  const memoryMs = settings.memoryMs ?? 24 * 60 * 60 * 1000;
  // A lock record outlives the longest lock, whatever the memory of attempts.
  const recordTtlMs = memoryMs + maxDelayMs;
  const ns = settings.namespace;
  const now = () => clock.now().getTime();

  // Every key carries the account's generation; a reset replaces it, orphaning all counters and
  // locks of that account (per address too) at once. Orphans expire on their own. A generation is
  // random, never a counter: the generation key expires, and a counter would then start again at a
  // number whose counters and locks may still be alive, so a later reset could bring them back.
  const generationKey = (account: string) => `auth:${ns}-generation:${account}`;
  const scopes = async (account: string, address: string) => {
    const scope = `${account}#${(await kv.get(generationKey(account))) ?? '0'}`;
    return {
      account: {
        count: `auth:${ns}-attempts:${scope}`,
        lock: `auth:${ns}-lock:${scope}`,
        free: freePerAccount,
      },
      pair: {
        count: `auth:${ns}-attempts:${scope}|${address}`,
        lock: `auth:${ns}-lock:${scope}|${address}`,
        free: freePerAddress,
      },
    };
  };
  type Scope = Awaited<ReturnType<typeof scopes>>['pair'];

  const delayFor = (attempt: number, free: number) =>
    attempt <= free ? 0 : Math.min(baseDelayMs * 2 ** (attempt - free - 1), maxDelayMs);
  const count = (scope: Scope, by: number) => kv.increment(scope.count, by, { ttlMs: memoryMs });
  const readLock = async (scope: Scope): Promise<LockRecord | null> => {
    const stored = await kv.get(scope.lock);
    return stored === null ? null : (JSON.parse(stored) as LockRecord);
  };
  const writeLock = (scope: Scope, until: number) =>
    kv.set(scope.lock, JSON.stringify({ until, id: randomUUID() } satisfies LockRecord), {
      ttlMs: recordTtlMs,
    });

  /**
   * Past the free attempts, the right to start the attempt that follows a lock record is claimed
   * atomically; the winner replaces the record with its own lock, every other caller is refused.
   */
  async function passGate(scope: Scope, attempt: number, record: LockRecord | null): Promise<number | null> {
    const delay = delayFor(attempt, scope.free);
    if (delay === 0) return 0;
    const claim = `${scope.lock}:claim:${record?.id ?? 'origin'}`;
    if (!(await kv.set(claim, '1', { onlyIfAbsent: true, ttlMs: CLAIM_TTL_MS }))) return null;
    await writeLock(scope, now() + delay);
    return delay;
  }

  return {
    async reserve(account, address) {
      const { account: whole, pair } = await scopes(account, address);
      const [pairAttempt, accountAttempt] = await Promise.all([count(pair, 1), count(whole, 1)]);
      const refund = () => Promise.all([count(pair, -1), count(whole, -1)]);
      const records = await Promise.all([readLock(pair), readLock(whole)]);
      const waitMs = Math.max(0, ...records.map((record) => (record?.until ?? 0) - now()));
      if (waitMs > 0) {
        await refund();
        return { granted: false, waitMs };
      }
      const locks = await Promise.all([
        passGate(pair, pairAttempt, records[0]),
        passGate(whole, accountAttempt, records[1]),
      ]);
      if (locks.includes(null)) {
        // Another attempt won the gate just now; a lock it may have left stays, as a failure would.
        await refund();
        return {
          granted: false,
          waitMs: Math.max(delayFor(pairAttempt, pair.free), delayFor(accountAttempt, whole.free)),
        };
      }
      return {
        granted: true,
        lockMs: Math.max(...(locks as number[])),
        async succeeded() {
          await Promise.all([kv.delete(pair.count), writeLock(pair, 0), count(whole, -1)]);
        },
      };
    },

    async clearAccount(account) {
      await kv.set(generationKey(account), randomUUID(), { ttlMs: memoryMs });
    },
  };
}
