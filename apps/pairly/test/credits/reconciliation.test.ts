// The drift check (issue 14, "a scheduled check recomputes every balance from entries and reports
// drift as a metric and an alert log line, never silently repairs"): nothing to report on a ledger
// that only moved credits through the service; a balance edited directly in SQL (transfers are
// append-only, balances are not) is reported by account and amount, through the app's /metrics and
// an error log line, and left exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairlyDb } from '../../src/db.js';
import { checkLedger } from '../../src/modules/credits/reconciliation.js';
import { CREDIT_EXPIRY_QUEUE, LEDGER_CHECK_QUEUE } from '../../src/modules/credits/sweeps.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { transferCount } from './http-support.js';
import {
  balanceOf,
  buildSweepTestApp,
  DAY,
  fromNow,
  HOUR,
  runJob,
  type SweepTestApp,
  systemCall,
} from './sweep-support.js';

let s: SweepTestApp;
let t: PairlyTestApp;
let fan: TestUser;
let creator: TestUser;

beforeAll(async () => {
  s = await buildSweepTestApp();
  t = s.t;
  fan = await signUp(t, 'fan');
  creator = await signUp(t, 'creator');
  // A little of everything the ledger does: grants (some expiring), spends, a paid message, holds
  // captured, released and forgotten, and an expiry run.
  await s.credits.add(systemCall(), { userId: fan.id, amount: 100, source: 'purchase' });
  await s.credits.add(systemCall(), {
    userId: fan.id,
    amount: 30,
    source: 'promotion',
    expiresAt: fromNow(t, DAY),
  });
  await s.credits.transfer(systemCall(), { fromUserId: fan.id, toUserId: creator.id, amount: 12 });
  await s.credits.chargeForMessage(systemCall(), {
    senderId: fan.id,
    recipientId: creator.id,
    messageId: 'message-1',
    price: 25,
  });
  const captured = await s.holds.hold(systemCall(), { userId: fan.id, amount: 20, purpose: 'call' });
  await s.holds.capture(systemCall(), {
    holdId: captured.body.id,
    ownerId: null,
    amount: 7,
    to: { userId: creator.id, account: 'earnings' },
  });
  await s.holds.hold(systemCall(), {
    userId: fan.id,
    amount: 5,
    purpose: 'call',
    expiresAt: fromNow(t, HOUR),
  });
  t.clock.advance(DAY + HOUR);
  await runJob(t, CREDIT_EXPIRY_QUEUE);
});
afterAll(async () => {
  await t?.close();
});

async function metric(name: string): Promise<string | undefined> {
  const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  return new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(body)?.[1];
}

async function accountOf(user: TestUser) {
  return pairlyDb(t.db)
    .selectFrom('credit_accounts')
    .select(['id', 'balance', 'version'])
    .where('owner_id', '=', user.id)
    .where('kind', '=', 'spendable')
    .executeTakeFirstOrThrow();
}

/** Tampers with a stored balance as a hand-written UPDATE would, runs `check`, then puts it back. */
async function withTamperedBalance(user: TestUser, by: number, check: (accountId: string) => Promise<void>) {
  const { id } = await accountOf(user);
  await t.db.executeSql('update credit_accounts set balance = balance + $1 where id = $2', [by, id]);
  try {
    await check(id);
  } finally {
    await t.db.executeSql('update credit_accounts set balance = balance - $1 where id = $2', [by, id]);
  }
}

describe('issue 14: the ledger drift check', () => {
  it('finds nothing on a ledger moved only through the service, and says so', async () => {
    expect(await balanceOf(t, fan.id)).toBeGreaterThan(0);
    expect(await checkLedger(t.db)).toMatchObject({ drift: [], ledgerSum: 0, lotExcess: [] });

    await runJob(t, LEDGER_CHECK_QUEUE);
    expect(await metric('credits_balance_drift_accounts')).toBe('0');
    expect(await metric('credits_ledger_sum')).toBe('0');
    expect(await metric('credits_lot_excess_accounts')).toBe('0');
    expect(t.logs.lines.some((line) => line.event === 'credits_ledger_drift')).toBe(false);
  });

  it('reports a balance changed directly in SQL by metric and alert, and does not repair it', async () => {
    await withTamperedBalance(fan, 5, async (accountId) => {
      const before = await accountOf(fan);
      const transfersBefore = await transferCount(t);
      const findings = await checkLedger(t.db);
      expect(findings.drift).toEqual([
        { accountId, balance: before.balance, fromEntries: before.balance - 5 },
      ]);
      expect(findings.ledgerSum).toBe(5);

      await runJob(t, LEDGER_CHECK_QUEUE);
      expect(await metric('credits_balance_drift_accounts')).toBe('1');
      expect(await metric('credits_ledger_sum')).toBe('5');
      const alerts = t.logs.lines.filter((line) => line.event === 'credits_ledger_drift');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({
        level: 'error',
        ledgerSum: 5,
        driftCount: 1,
        drift: [{ accountId, balance: before.balance, fromEntries: before.balance - 5, difference: 5 }],
      });
      expect(await accountOf(fan)).toEqual(before);
      expect(await transferCount(t)).toBe(transfersBefore);
    });

    await runJob(t, LEDGER_CHECK_QUEUE);
    expect(await metric('credits_balance_drift_accounts')).toBe('0');
  });

  it('reports an account whose expiring lots hold more than its balance', async () => {
    const newcomer = await signUp(t, 'fan');
    await s.credits.add(systemCall(), {
      userId: newcomer.id,
      amount: 10,
      source: 'promotion',
      expiresAt: fromNow(t, DAY),
    });
    await withTamperedBalance(newcomer, -4, async (accountId) => {
      const findings = await checkLedger(t.db);
      expect(findings.lotExcess).toEqual([{ accountId, balance: 6, inLots: 10 }]);
      expect(findings.drift).toEqual([{ accountId, balance: 6, fromEntries: 10 }]);
      expect(findings.ledgerSum).toBe(-4);

      await runJob(t, LEDGER_CHECK_QUEUE);
      expect(await metric('credits_lot_excess_accounts')).toBe('1');
      expect(await metric('credits_ledger_sum')).toBe('-4');
    });
    expect(await checkLedger(t.db)).toMatchObject({ drift: [], ledgerSum: 0, lotExcess: [] });
  });
});
