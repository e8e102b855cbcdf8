// The total cap of a promo code under load (issue 14, "Must show"): a code with cap 10 redeemed by
// 100 different users at once grants exactly 10 redemptions; the other 90 are 409 and the
// promotions account moved exactly 10 x amount. With DATABASE_URL the requests run truly
// concurrently over the connection pool (5 in tests); on PGlite they interleave on its one session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPairlyTestApp, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { createCode, promotionsBalance, redeem, spendable } from './support.js';

const USERS = 100;
const CAP = 10;
const AMOUNT = 35;

let t: PairlyTestApp;
let finance: TestUser;
let users: TestUser[];

beforeAll(async () => {
  t = await buildPairlyTestApp();
  finance = await signUp(t, 'finance');
  users = [];
  for (let i = 0; i < USERS; i++) users.push(await signUp(t, i % 2 ? 'creator' : 'fan'));
  // Open every spendable account first, so the race below is only about the code's slots.
  await Promise.all(users.map((user) => redeem(t, user, 'NOT-A-CODE')));
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('a promo code redeemed by many users at once', () => {
  it(`grants exactly ${CAP} of ${USERS} simultaneous redemptions`, async () => {
    const code = await createCode(t, finance, { maxRedemptions: CAP, amount: AMOUNT });
    const promotionsBefore = await promotionsBalance(t);

    const responses = await Promise.all(users.map((user) => redeem(t, user, code.code)));

    const granted = responses.filter((response) => response.statusCode === 201);
    const refused = responses.filter((response) => response.statusCode === 409);
    expect(granted).toHaveLength(CAP);
    expect(refused).toHaveLength(USERS - CAP);
    for (const response of refused) expect(response.json().code).toBe('promo_code_exhausted');
    expect(await promotionsBalance(t)).toBe(promotionsBefore - CAP * AMOUNT);

    const balances = await Promise.all(users.map((user) => spendable(t, user.id)));
    expect(balances.filter((balance) => balance === AMOUNT)).toHaveLength(CAP);
    expect(balances.filter((balance) => balance === 0)).toHaveLength(USERS - CAP);

    const { rows } = await t.db.executeSql(
      `select (select count(*)::int from credit_transfers where memo ->> 'codeId' = $1::text) as transfers,
              (select count(*)::int from audit_log where action = 'promotions.code_redeemed' and target_id::text = $1::text) as audited,
              (select redeemed from promo_codes where id = $1::uuid) as redeemed`,
      [code.id],
    );
    expect(rows[0]).toEqual({ transfers: CAP, audited: CAP, redeemed: CAP });
  });
});
