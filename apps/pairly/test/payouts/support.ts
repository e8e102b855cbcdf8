// Test support for payouts: a creator's earnings (a fan's purchase, moved to the creator's earnings
// by finance, as paid messages would), payout requests and finance decisions through HTTP as the
// clients send them, and what a creator and the ledger show afterwards (balances, holds, audit rows).
import { expect } from 'vitest';
import { grant } from '../credits/http-support.js';
import { keyed, type PairlyTestApp, type Response, type TestUser } from '../support/pairly-client.js';

export interface PayoutJson {
  id: string;
  creatorId: string;
  credits: number;
  amount: number;
  currency: string;
  provider: string;
  destinationAccountId: string | null;
  status: string;
  providerPayoutId: string | null;
  failureReason: string | null;
  decisionReason: string | null;
  holdId?: string;
  sendAttempts?: number;
  lastSendError?: string | null;
  lateOutcome?: string | null;
  lateReason?: string | null;
  settledBy?: string | null;
  reference?: string | null;
}

/** `amount` credits earned by the creator: a fan buys them, finance moves them to the creator's earnings. */
export async function earn(
  t: PairlyTestApp,
  finance: TestUser,
  fan: TestUser,
  creator: TestUser,
  amount: number,
  reason = 'paid messages',
): Promise<void> {
  await grant(t, finance, fan, amount);
  const response = await keyed(t, finance, {
    method: 'POST',
    url: '/admin/credits/transfers',
    payload: { fromUserId: fan.id, toUserId: creator.id, amount, from: 'spendable', to: 'earnings', reason },
  });
  expect(response.statusCode, response.body).toBe(200);
}

export function postPayout(
  t: PairlyTestApp,
  creator: TestUser,
  body: Record<string, unknown>,
  key?: string,
): Promise<Response> {
  return keyed(t, creator, { method: 'POST', url: '/payouts', payload: body, ...(key && { key }) });
}

/** Requests a payout and expects 201. */
export async function requestPayout(
  t: PairlyTestApp,
  creator: TestUser,
  credits: number,
  currency = 'USD',
): Promise<PayoutJson> {
  const response = await postPayout(t, creator, { credits, currency });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as PayoutJson;
}

export function decide(
  t: PairlyTestApp,
  staff: TestUser,
  payoutId: string,
  action: 'approve' | 'reject' | 'confirm',
  payload?: Record<string, unknown>,
): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: `/admin/payouts/${payoutId}/${action}`,
    headers: staff.headers,
    ...(payload && { payload }),
  });
}

/** Approves and expects 200; answers the staff view of the payout. */
export async function approve(t: PairlyTestApp, finance: TestUser, payoutId: string): Promise<PayoutJson> {
  const response = await decide(t, finance, payoutId, 'approve');
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as PayoutJson;
}

export async function payoutBalance(t: PairlyTestApp, creator: TestUser) {
  const response = await t.app.inject({ method: 'GET', url: '/payouts/balance', headers: creator.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { available: number; heldForPayouts: number; minimum: number };
}

export async function staffPayout(t: PairlyTestApp, staff: TestUser, payoutId: string): Promise<PayoutJson> {
  const response = await t.app.inject({
    method: 'GET',
    url: `/admin/payouts/${payoutId}`,
    headers: staff.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as PayoutJson;
}

/** The hold behind a payout as the ledger has it, and how often it was captured and released. */
export async function holdOf(t: PairlyTestApp, holdId: string) {
  const { rows } = await t.db.executeSql(
    `select h.status, h.amount::bigint as amount, h.captured::bigint as captured,
            (select count(*)::int from credit_transfers where kind = 'hold_capture' and memo ->> 'holdId' = $1::text) as captures,
            (select count(*)::int from credit_transfers where kind = 'hold_release' and memo ->> 'holdId' = $1::text) as releases
       from credit_holds h where h.id = $1::uuid`,
    [holdId],
  );
  const row = rows[0] as {
    status: string;
    amount: number;
    captured: number;
    captures: number;
    releases: number;
  };
  return { ...row, amount: Number(row.amount), captured: Number(row.captured) };
}

/** The balance of the payouts system account (what has been paid out). */
export async function paidOut(t: PairlyTestApp): Promise<number> {
  const { rows } = await t.db.executeSql(
    `select balance::bigint as balance from credit_accounts where system_name = 'payouts'`,
  );
  return Number((rows[0] as { balance: number }).balance);
}

export async function auditRows(t: PairlyTestApp, action: string, targetId: string) {
  const { rows } = await t.db.executeSql(
    'select actor_id, target_type, target_id, before, after from audit_log where action = $1 and target_id = $2',
    [action, targetId],
  );
  return rows as Array<{
    actor_id: string;
    target_type: string;
    before: unknown;
    after: Record<string, unknown>;
  }>;
}
