// Test support for promo codes: creating a code as staff, redeeming one as a user, reading the
// balances the ledger holds, and moving the fake clock (signing users in again, since access
// tokens expire with the clock).
import { expect } from 'vitest';
import {
  keyed,
  PASSWORD,
  type PairlyTestApp,
  type Response,
  type TestUser,
} from '../support/pairly-client.js';

export const PROMOTIONS_ACCOUNT = '00000000-0000-4000-8000-000000000002';

let serial = 0;

/** A code text no other test of the run uses. */
export function uniqueCode(prefix = 'PROMO'): string {
  serial += 1;
  return `${prefix}-${serial}`;
}

const inDays = (t: PairlyTestApp, days: number) =>
  new Date(t.clock.now().getTime() + days * 86_400_000).toISOString();

/** A valid create body (active now, for 30 days), with the given changes. */
export function codeInput(t: PairlyTestApp, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: uniqueCode(),
    campaign: 'spring-launch',
    amount: 25,
    startsAt: t.clock.now().toISOString(),
    endsAt: inDays(t, 30),
    maxRedemptions: 100,
    ...changes,
  };
}

export function postCode(t: PairlyTestApp, staff: TestUser, payload: unknown): Promise<Response> {
  return t.app.inject({
    method: 'POST',
    url: '/promotions/codes',
    headers: staff.headers,
    payload: payload as object,
  });
}

/** Creates a code and returns its body (fails the test unless it is a 201). */
export async function createCode(
  t: PairlyTestApp,
  staff: TestUser,
  changes: Record<string, unknown> = {},
): Promise<{ id: string; code: string; [field: string]: unknown }> {
  const response = await postCode(t, staff, codeInput(t, changes));
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export function redeem(t: PairlyTestApp, user: TestUser, code: string, key?: string): Promise<Response> {
  return keyed(t, user, {
    method: 'POST',
    url: '/promotions/redeem',
    payload: { code },
    ...(key && { key }),
  });
}

export async function spendable(t: PairlyTestApp, userId: string): Promise<number> {
  const { rows } = await t.db.executeSql(
    "select balance from credit_accounts where owner_id = $1 and kind = 'spendable'",
    [userId],
  );
  return Number((rows[0] as { balance?: number } | undefined)?.balance ?? 0);
}

export async function promotionsBalance(t: PairlyTestApp): Promise<number> {
  const { rows } = await t.db.executeSql('select balance from credit_accounts where id = $1', [
    PROMOTIONS_ACCOUNT,
  ]);
  return Number((rows[0] as { balance: number }).balance);
}

/** Moves the fake clock and signs the users in again (their access tokens expire with it). */
export async function advanceClock(t: PairlyTestApp, milliseconds: number, users: TestUser[]): Promise<void> {
  t.clock.advance(milliseconds);
  for (const user of users) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: user.email, password: PASSWORD },
    });
    expect(response.statusCode, response.body).toBe(200);
    user.accessToken = response.json().accessToken;
    user.headers = { authorization: `Bearer ${user.accessToken}` };
  }
}
