// The budget per promo code (credits-review finding 9): a code may grant at most amount x
// maxRedemptions credits, and that product may not pass `promotions.maxBudgetPerCode`, so staff
// with `promotions:manage` cannot mint unbounded credits through codes. Here the option is set low.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promotionOptions } from '../../src/modules/promotions/service.js';
import { buildPairlyTestApp, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { codeInput, postCode } from './support.js';

const BUDGET = 5_000;

let t: PairlyTestApp;
let admin: TestUser;

beforeAll(async () => {
  t = await buildPairlyTestApp({ promotions: { maxBudgetPerCode: BUDGET } });
  admin = await signUp(t, 'admin');
});
afterAll(async () => {
  await t?.close();
});

async function codeCount(): Promise<number> {
  const { rows } = await t.db.executeSql('select count(*)::int as n from promo_codes');
  return (rows[0] as { n: number }).n;
}

describe('the budget per promo code', () => {
  it('refuses a code granting more than the configured budget in all (400 naming both fields)', async () => {
    const before = await codeCount();
    for (const [amount, maxRedemptions] of [
      [BUDGET + 1, 1],
      [1, BUDGET + 1],
      [51, 100],
      [1_000_000_000, 1_000_000],
    ]) {
      const response = await postCode(t, admin, codeInput(t, { amount, maxRedemptions }));
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'promo_budget_exceeded',
        errors: [{ path: '/body/amount' }, { path: '/body/maxRedemptions' }],
      });
      expect(response.json().detail).toContain(String(BUDGET));
    }
    expect(await codeCount()).toBe(before);
  });

  it('accepts a code whose budget is exactly the limit, and audits amount, cap and budget', async () => {
    const response = await postCode(t, admin, codeInput(t, { amount: 50, maxRedemptions: 100 }));
    expect(response.statusCode, response.body).toBe(201);
    const { rows } = await t.db.executeSql(
      "select actor_id, after from audit_log where action = 'promotions.code_created' and target_id = $1",
      [response.json().id],
    );
    expect(rows).toEqual([
      {
        actor_id: admin.id,
        after: expect.objectContaining({
          amount: 50,
          maxRedemptions: 100,
          budget: BUDGET,
          maxBudgetPerCode: BUDGET,
        }),
      },
    ]);
  });

  it('documents the limit and the refusal on the create route', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    const create = spec.paths['/promotions/codes'].post;
    expect(create.description).toContain('promo_budget_exceeded');
    expect(create.description).toContain('5000');
  });

  it('refuses a budget option that is not a positive whole number when the app is built', () => {
    expect(promotionOptions({}).maxBudgetPerCode).toBe(10_000_000);
    for (const maxBudgetPerCode of [0, -1, 2.5, Number.NaN, 2 ** 53]) {
      expect(() => promotionOptions({ maxBudgetPerCode })).toThrow(/maxBudgetPerCode/);
    }
  });
});
