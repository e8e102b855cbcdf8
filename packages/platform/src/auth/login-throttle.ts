// Owns the brake on password guessing. Failures are counted per account and per account+address
// in the key-value store (shared by every instance). Past a few free attempts each further failure
// locks the pair out for twice as long as the previous one, from 1 s up to 15 min; the account-wide
// count has a higher threshold so an attacker spraying from many addresses is slowed too, while the
// cap and a successful password reset keep anyone from locking an owner out for good.
import { randomUUID } from 'node:crypto';
import type { KeyValueStore } from '../kv/types.js';

export interface LoginThrottleSettings {
  freeFailuresPerAddress?: number;
  freeFailuresPerAccount?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long failures are remembered without a new one. */
  memoryMs?: number;
}

export interface LoginThrottle {
  /** Milliseconds the caller must still wait before trying, or 0. */
  waitMs(account: string, address: string): Promise<number>;
  /** Counts a failure and returns how long the next attempt must wait (0 while attempts are free). */
  recordFailure(account: string, address: string): Promise<number>;
  /** After a successful sign-in from this address. */
  recordSuccess(account: string, address: string): Promise<void>;
  /** After a password reset: the owner proved control of the account, so every lock is lifted. */
  clearAccount(account: string): Promise<void>;
}

export function createLoginThrottle(kv: KeyValueStore, settings: LoginThrottleSettings = {}): LoginThrottle {
  const freePerAddress = settings.freeFailuresPerAddress ?? 3;
  const freePerAccount = settings.freeFailuresPerAccount ?? 10;
  const baseDelayMs = settings.baseDelayMs ?? 1000;
  const maxDelayMs = settings.maxDelayMs ?? 15 * 60 * 1000;
  const memoryMs = settings.memoryMs ?? 24 * 60 * 60 * 1000;

  // Every key carries the account's generation; a reset replaces it, orphaning all counters and
  // locks of that account (per address too) at once. Orphans expire on their own. A generation is
  // random, never a counter: the generation key expires, and a counter would then start again at a
  // number whose counters and locks may still be alive, so a later reset could bring them back.
  const generationKey = (account: string) => `auth:login-generation:${account}`;
  const keys = async (account: string, address: string) => {
    const scope = `${account}#${(await kv.get(generationKey(account))) ?? '0'}`;
    return {
      accountCount: `auth:login-failures:${scope}`,
      accountLock: `auth:login-lock:${scope}`,
      pairCount: `auth:login-failures:${scope}|${address}`,
      pairLock: `auth:login-lock:${scope}|${address}`,
    };
  };
  const delayFor = (failures: number, free: number) =>
    failures <= free ? 0 : Math.min(baseDelayMs * 2 ** (failures - free - 1), maxDelayMs);

  return {
    async waitMs(account, address) {
      const k = await keys(account, address);
      const [pair, whole] = await Promise.all([kv.ttlMs(k.pairLock), kv.ttlMs(k.accountLock)]);
      return Math.max(pair ?? 0, whole ?? 0);
    },

    async recordFailure(account, address) {
      const k = await keys(account, address);
      const [pairFailures, accountFailures] = await Promise.all([
        kv.increment(k.pairCount, 1, { ttlMs: memoryMs }),
        kv.increment(k.accountCount, 1, { ttlMs: memoryMs }),
      ]);
      const pairDelay = delayFor(pairFailures, freePerAddress);
      const accountDelay = delayFor(accountFailures, freePerAccount);
      await Promise.all([
        pairDelay > 0 ? kv.set(k.pairLock, '1', { ttlMs: pairDelay }) : undefined,
        accountDelay > 0 ? kv.set(k.accountLock, '1', { ttlMs: accountDelay }) : undefined,
      ]);
      return Math.max(pairDelay, accountDelay);
    },

    async recordSuccess(account, address) {
      const k = await keys(account, address);
      await Promise.all([kv.delete(k.pairCount), kv.delete(k.pairLock)]);
    },

    async clearAccount(account) {
      await kv.set(generationKey(account), randomUUID(), { ttlMs: memoryMs });
    },
  };
}
