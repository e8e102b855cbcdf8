// Redeeming promo codes (issue 14, "Promo codes"): a redemption credits the caller's spendable
// balance from the promotions account exactly once per Idempotency-Key, is audited, and is refused
// (changing nothing) outside the validity window, on a disabled or exhausted code, past the
// per-user cap, and for a new-users-only code when the user is not new. Time moves by the fake clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPairlyTestApp,
  newKey,
  type PairlyTestApp,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';
import {
  advanceClock,
  createCode,
  PROMOTIONS_ACCOUNT,
  promotionsBalance,
  redeem,
  spendable,
} from './support.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: PairlyTestApp;
let finance: TestUser;

beforeAll(async () => {
  t = await buildPairlyTestApp();
  finance = await signUp(t, 'finance');
});
afterAll(async () => {
  await t?.close();
});

const codeView = async (id: string) =>
  (await t.app.inject({ method: 'GET', url: `/promotions/codes/${id}`, headers: finance.headers })).json();

async function expectRefused(user: TestUser, code: string, status: number, errorCode: string) {
  const before = await spendable(t, user.id);
  const response = await redeem(t, user, code);
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json().code).toBe(errorCode);
  expect(await spendable(t, user.id)).toBe(before);
}

describe('redeeming a promo code', () => {
  it('credits the spendable balance from the promotions account once, and audits it', async () => {
    const code = await createCode(t, finance, { code: 'HELLO-40', amount: 40 });
    const fan = await signUp(t, 'fan');
    const promotionsBefore = await promotionsBalance(t);

    const response = await redeem(t, fan, 'hello-40');
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      codeId: code.id,
      code: 'HELLO-40',
      campaign: 'spring-launch',
      amount: 40,
      balanceAfter: 40,
      creditsExpireAt: null,
      redeemedAt: t.clock.now().toISOString(),
    });
    expect(await spendable(t, fan.id)).toBe(40);
    expect(await promotionsBalance(t)).toBe(promotionsBefore - 40);

    const { rows: transfers } = await t.db.executeSql(
      'select debit_account_id, amount, kind, memo, operation_id from credit_transfers where id = $1',
      [body.transferId],
    );
    expect(transfers).toEqual([
      {
        debit_account_id: PROMOTIONS_ACCOUNT,
        amount: 40,
        kind: 'promotion',
        memo: { codeId: code.id, campaign: 'spring-launch' },
        operation_id: body.operationId,
      },
    ]);
    const { rows: audit } = await t.db.executeSql(
      "select actor_id, after from audit_log where action = 'promotions.code_redeemed' and target_id = $1",
      [code.id],
    );
    expect(audit).toEqual([
      { actor_id: fan.id, after: { amount: 40, transferId: body.transferId, operationId: body.operationId } },
    ]);
    expect(await codeView(code.id)).toMatchObject({ redemptions: 1, redeemers: 1, remaining: 99 });
  });

  it('replays the first result for the same key and credits nothing more; another code with it is a 409', async () => {
    const code = await createCode(t, finance, { amount: 15, perUserLimit: 5 });
    const fan = await signUp(t, 'fan');
    const key = newKey();
    const first = await redeem(t, fan, code.code, key);
    expect(first.statusCode, first.body).toBe(201);
    const replay = await redeem(t, fan, code.code.toLowerCase(), key);
    expect(replay.statusCode).toBe(201);
    expect(replay.json()).toEqual(first.json());
    expect(await spendable(t, fan.id)).toBe(15);
    expect(await codeView(code.id)).toMatchObject({ redemptions: 1 });

    const other = await createCode(t, finance);
    const reused = await redeem(t, fan, other.code, key);
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('idempotency_key_reused');
    expect(await spendable(t, fan.id)).toBe(15);
  });

  it('replays a refusal for the same key even once the code could be redeemed', async () => {
    const code = await createCode(t, finance, {
      startsAt: new Date(t.clock.now().getTime() + HOUR).toISOString(),
    });
    const fan = await signUp(t, 'fan');
    const key = newKey();
    expect((await redeem(t, fan, code.code, key)).json().code).toBe('promo_code_not_started');
    await advanceClock(t, 2 * HOUR, [fan, finance]);
    const replay = await redeem(t, fan, code.code, key);
    expect(replay.statusCode).toBe(409);
    expect(replay.json().code).toBe('promo_code_not_started');
    expect((await redeem(t, fan, code.code)).statusCode).toBe(201);
  });

  it('answers 404 for an unknown code, 400 for a malformed one or a missing key, and changes nothing', async () => {
    const fan = await signUp(t, 'fan');
    await expectRefused(fan, 'NO-SUCH-CODE', 404, 'promo_code_not_found');
    const malformed = await redeem(t, fan, 'bad code!');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors.map((e: { path: string }) => e.path)).toContain('/body/code');
    const code = await createCode(t, finance);
    const keyless = await t.app.inject({
      method: 'POST',
      url: '/promotions/redeem',
      headers: fan.headers,
      payload: { code: code.code },
    });
    expect(keyless.statusCode).toBe(400);
    expect(keyless.json().errors.map((e: { path: string }) => e.path)).toContain('/headers/idempotency-key');
    expect(await spendable(t, fan.id)).toBe(0);
    expect(await codeView(code.id)).toMatchObject({ redemptions: 0 });
  });

  it('grants credits that expire N days after redemption when the code says so', async () => {
    const code = await createCode(t, finance, { amount: 30, creditExpiryDays: 7 });
    const creator = await signUp(t, 'creator');
    const response = await redeem(t, creator, code.code);
    expect(response.statusCode, response.body).toBe(201);
    const expiresAt = new Date(t.clock.now().getTime() + 7 * DAY).toISOString();
    expect(response.json().creditsExpireAt).toBe(expiresAt);
    const { rows } = await t.db.executeSql(
      'select amount, remaining, expires_at from credit_lots where transfer_id = $1',
      [response.json().transferId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amount: 30, remaining: 30 });
    expect(new Date((rows[0] as { expires_at: Date }).expires_at).toISOString()).toBe(expiresAt);
  });
});

describe('when a code may be redeemed', () => {
  it('only inside its window: not before startsAt, from startsAt, not from endsAt', async () => {
    const now = t.clock.now().getTime();
    const code = await createCode(t, finance, {
      startsAt: new Date(now + HOUR).toISOString(),
      endsAt: new Date(now + 3 * HOUR).toISOString(),
      perUserLimit: 3,
    });
    const fan = await signUp(t, 'fan');
    await expectRefused(fan, code.code, 409, 'promo_code_not_started');
    expect((await codeView(code.id)).status).toBe('scheduled');

    await advanceClock(t, HOUR, [fan, finance]);
    expect((await redeem(t, fan, code.code)).statusCode).toBe(201);

    await advanceClock(t, 2 * HOUR - 1, [fan, finance]);
    expect((await redeem(t, fan, code.code)).statusCode).toBe(201);

    await advanceClock(t, 1, [fan, finance]);
    await expectRefused(fan, code.code, 409, 'promo_code_expired');
    expect(await codeView(code.id)).toMatchObject({ status: 'ended', redemptions: 2 });
  });

  it('up to its total cap: the next redemption is a 409 promo_code_exhausted', async () => {
    const code = await createCode(t, finance, { maxRedemptions: 2 });
    const users = [await signUp(t, 'fan'), await signUp(t, 'creator'), await signUp(t, 'fan')];
    expect((await redeem(t, users[0] as TestUser, code.code)).statusCode).toBe(201);
    expect((await redeem(t, users[1] as TestUser, code.code)).statusCode).toBe(201);
    await expectRefused(users[2] as TestUser, code.code, 409, 'promo_code_exhausted');
    expect(await codeView(code.id)).toMatchObject({ status: 'exhausted', redemptions: 2, remaining: 0 });
  });

  it('up to the per-user cap, which holds under concurrent redemptions with different keys', async () => {
    const code = await createCode(t, finance, { amount: 10, perUserLimit: 3 });
    const fan = await signUp(t, 'fan');
    const other = await signUp(t, 'fan');
    const responses = await Promise.all(Array.from({ length: 12 }, () => redeem(t, fan, code.code)));
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([...Array(3).fill(201), ...Array(9).fill(409)]);
    for (const refused of responses.filter((response) => response.statusCode === 409)) {
      expect(refused.json().code).toBe('promo_code_user_limit_reached');
    }
    expect(await spendable(t, fan.id)).toBe(30);
    expect((await redeem(t, other, code.code)).statusCode).toBe(201);
    expect(await codeView(code.id)).toMatchObject({ redemptions: 4, redeemers: 2 });
  });

  it('disabled: refused even inside its window and under its caps', async () => {
    const code = await createCode(t, finance);
    const fan = await signUp(t, 'fan');
    await t.app.inject({
      method: 'POST',
      url: `/promotions/codes/${code.id}/disable`,
      headers: finance.headers,
    });
    await expectRefused(fan, code.code, 409, 'promo_code_disabled');
  });

  it('a frozen account is refused (423) and the slot is not used', async () => {
    const code = await createCode(t, finance, { maxRedemptions: 1 });
    const fan = await signUp(t, 'fan');
    await redeem(t, fan, 'NO-SUCH-CODE'); // opens the account
    await t.db.executeSql('update credit_accounts set frozen = true where owner_id = $1', [fan.id]);
    await expectRefused(fan, code.code, 423, 'account_frozen');
    expect(await codeView(code.id)).toMatchObject({ redemptions: 0, redeemers: 0, status: 'active' });
  });
});

describe('new-users-only codes', () => {
  it('refuse an account created before the code started, and accept one created since', async () => {
    const veteran = await signUp(t, 'fan');
    await advanceClock(t, HOUR, [finance, veteran]);
    const code = await createCode(t, finance, { newUsersOnly: true, amount: 20 });
    const newcomer = await signUp(t, 'creator');
    await expectRefused(veteran, code.code, 409, 'promo_code_new_users_only');
    expect((await redeem(t, newcomer, code.code)).statusCode).toBe(201);
    expect(await codeView(code.id)).toMatchObject({ redemptions: 1, redeemers: 1 });
  });

  it('refuse a user whose first code of the campaign was another one, even when both race', async () => {
    const campaign = 'welcome-wave';
    const open = await createCode(t, finance, { campaign });
    const newOnly = await createCode(t, finance, { campaign, newUsersOnly: true });
    const elsewhere = await createCode(t, finance, { campaign: 'other-campaign' });

    const first = await signUp(t, 'fan');
    expect((await redeem(t, first, open.code)).statusCode).toBe(201);
    await expectRefused(first, newOnly.code, 409, 'promo_code_new_users_only');

    const second = await signUp(t, 'fan');
    expect((await redeem(t, second, elsewhere.code)).statusCode).toBe(201);
    expect((await redeem(t, second, newOnly.code)).statusCode).toBe(201);
    expect((await redeem(t, second, open.code)).statusCode).toBe(201);

    const racer = await signUp(t, 'fan');
    const [viaOpen, viaNewOnly] = await Promise.all([
      redeem(t, racer, open.code),
      redeem(t, racer, newOnly.code),
    ]);
    expect(viaOpen?.statusCode, viaOpen?.body).toBe(201);
    if (viaNewOnly?.statusCode === 201) {
      // Both granted only when the new-users code came first in the campaign.
      expect(viaNewOnly.json().transferId).toBeLessThan(viaOpen?.json().transferId);
    } else {
      expect(viaNewOnly?.json().code).toBe('promo_code_new_users_only');
    }
  });

  it('allow a new user to use the same code again up to its per-user cap', async () => {
    const code = await createCode(t, finance, { newUsersOnly: true, perUserLimit: 2, campaign: 'repeat' });
    const fan = await signUp(t, 'fan');
    expect((await redeem(t, fan, code.code)).statusCode).toBe(201);
    expect((await redeem(t, fan, code.code)).statusCode).toBe(201);
    await expectRefused(fan, code.code, 409, 'promo_code_user_limit_reached');
  });
});
