// Test support for the credits routes: a finance member's grant, a user's balance and hold, and
// the checks every refusal shares (status, code, the field it names), all through HTTP as a client.
import { expect } from 'vitest';
import { keyed, type PairlyTestApp, type Response, type TestUser } from '../support/pairly-client.js';

export function expectProblem(response: Response, status: number, code?: string, path?: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json();
  if (code) expect(problem.code, response.body).toBe(code);
  if (path)
    expect(problem.errors?.map((error: { path: string }) => error.path) ?? [], response.body).toContain(path);
}

/** Credits `amount` to the user's spendable balance as a finance member would (a purchase unless told). */
export async function grant(
  t: PairlyTestApp,
  finance: TestUser,
  user: TestUser,
  amount: number,
  extra: Record<string, unknown> = {},
) {
  const response = await keyed(t, finance, {
    method: 'POST',
    url: '/admin/credits/grants',
    payload: { userId: user.id, amount, source: 'purchase', reason: 'test grant', ...extra },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export async function balanceOf(t: PairlyTestApp, user: TestUser) {
  const response = await t.app.inject({ method: 'GET', url: '/credits/balance', headers: user.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    spendable: number;
    earnings: number;
    held: number;
    frozen: boolean;
    expiring: Array<{ amount: number; expiresAt: string }>;
  };
}

/** Puts `amount` of the user's credits on hold; answers the hold. */
export async function hold(t: PairlyTestApp, user: TestUser, amount: number, purpose = 'call') {
  const response = await keyed(t, user, {
    method: 'POST',
    url: '/credits/holds',
    payload: { amount, purpose },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; status: string; amount: number; captured: number };
}

/** How many ledger transfers exist: a refused request must not add one. */
export async function transferCount(t: PairlyTestApp): Promise<number> {
  const { rows } = await t.db.executeSql('select count(*)::int as n from credit_transfers');
  return (rows[0] as { n: number }).n;
}
