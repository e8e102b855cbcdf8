// Test support for the scheduled credits work: a test app with its own credits and holds services
// on the app's database and fake clock (to set up balances as other modules would), running a
// scheduled job once through the app's own job runner, and reading the ledger as a user would see
// it. Shared by the expiry, hold-expiry and drift-check tests.
import { expect, vi } from 'vitest';
import { pairlyDb } from '../../src/db.js';
import { createHolds, type Holds } from '../../src/modules/credits/holds.js';
import { SYSTEM_ACCOUNTS } from '../../src/modules/credits/ledger.js';
import {
  type CreditsService,
  createCreditsService,
  DEFAULT_CREDITS_OPTIONS,
} from '../../src/modules/credits/service.js';
import { buildPairlyTestApp, newKey, type PairlyTestApp } from '../support/pairly-client.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface SweepTestApp {
  t: PairlyTestApp;
  credits: CreditsService;
  holds: Holds;
}

export async function buildSweepTestApp(): Promise<SweepTestApp> {
  const t = await buildPairlyTestApp();
  const credits = createCreditsService(t.db, t.clock);
  const holds = createHolds(pairlyDb(t.db), credits, t.clock, DEFAULT_CREDITS_OPTIONS.maxAmount);
  return { t, credits, holds };
}

/** A fresh system operation context, as a module moving credits on its own account would use. */
export const systemCall = () => ({ scope: 'system:test', idempotencyKey: newKey() });

/** The instant `ms` from the fake clock's now. */
export const fromNow = (t: PairlyTestApp, ms: number) => new Date(t.clock.now().getTime() + ms);

/** Sends one run of a scheduled job to the app's own runner and waits until it has finished. */
export async function runJob(t: PairlyTestApp, name: string): Promise<void> {
  const jobId = await t.jobs.send(name, {});
  const finished = await vi.waitFor(
    () => {
      const line = t.logs.lines.find(
        (entry) => entry.jobId === jobId && (entry.event === 'job_complete' || entry.event === 'job_failed'),
      );
      if (!line) throw new Error(`job ${name} still running`);
      return line;
    },
    { timeout: 20_000, interval: 50 },
  );
  expect(finished.event).toBe('job_complete');
}

/** What a user's account of one kind holds (0 before it is opened). */
export async function balanceOf(
  t: PairlyTestApp,
  userId: string,
  kind: 'spendable' | 'held' = 'spendable',
): Promise<number> {
  const row = await pairlyDb(t.db)
    .selectFrom('credit_accounts')
    .select('balance')
    .where('owner_id', '=', userId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row?.balance ?? 0;
}

/** The amounts moved from a user's spendable account to the expiry account, oldest first. */
export async function expiredAmounts(t: PairlyTestApp, userId: string): Promise<number[]> {
  const rows = await pairlyDb(t.db)
    .selectFrom('credit_transfers as t')
    .innerJoin('credit_accounts as a', 'a.id', 't.debit_account_id')
    .select('t.amount')
    .where('a.owner_id', '=', userId)
    .where('t.credit_account_id', '=', SYSTEM_ACCOUNTS.expiry)
    .where('t.kind', '=', 'expiry')
    .orderBy('t.id')
    .execute();
  return rows.map((row) => row.amount);
}
