// Owns the automatic ban: a client that sends more than a threshold of requests in a window (counted
// with the GCRA in a rate-limit store, so every instance counts together) is put on the ban list.
// Counting in memory answers without a promise; only a ban being written, or Redis, makes one.
import type { Ban, BanList } from './bans.js';
import { after, type MaybePromise } from './maybe-async.js';
import { definePolicy } from './policies.js';
import { type RateLimitStore, take } from './store.js';

export interface BanTriggerOptions {
  store: RateLimitStore;
  bans: BanList;
  /** Names the counter in storage keys, so two triggers on one client never share a count; default 'ban-trigger'. */
  name?: string;
  /** Requests a client may make per window; default 150. */
  threshold?: number;
  /** Default one minute. */
  windowMs?: number;
  /** How long a ban lasts; default one hour. */
  banMs?: number;
}

export interface BanTrigger {
  /** Counts one request of `client`; returns the ban when this request crossed the threshold, else null. */
  record(client: string): MaybePromise<Ban | null>;
}

export function createBanTrigger(options: BanTriggerOptions): BanTrigger {
  const {
    store,
    bans,
    name = 'ban-trigger',
    threshold = 150,
    windowMs = 60_000,
    banMs = 3_600_000,
  } = options;
  const policy = definePolicy(name, threshold, windowMs);
  const reason = `more than ${threshold} requests in ${windowMs / 1000} s`;
  return {
    record: (client) =>
      after(take(store, client, policy), ({ allowed }) =>
        allowed ? null : bans.ban(client, { durationMs: banMs, reason }),
      ),
  };
}
