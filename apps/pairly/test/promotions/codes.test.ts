// Managing promo codes (issue 14, "Promo codes"): finance and admins create, list, read and disable
// codes with their redemption counts, every change is audited, other roles are refused, and bad
// input is a 400 naming the field that creates nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPairlyTestApp, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { codeInput, createCode, postCode, redeem, uniqueCode } from './support.js';

const MAX_AMOUNT = 10_000;

let t: PairlyTestApp;
let finance: TestUser;
let admin: TestUser;
let readonly: TestUser;

beforeAll(async () => {
  t = await buildPairlyTestApp({ credits: { maxAmount: MAX_AMOUNT } });
  [finance, admin, readonly] = await Promise.all([
    signUp(t, 'finance'),
    signUp(t, 'admin'),
    signUp(t, 'readonly'),
  ]);
});
afterAll(async () => {
  await t?.close();
});

async function codeCount(): Promise<number> {
  const { rows } = await t.db.executeSql('select count(*)::int as n from promo_codes');
  return (rows[0] as { n: number }).n;
}

const get = (user: TestUser, url: string) => t.app.inject({ method: 'GET', url, headers: user.headers });

describe('promo codes: managing them', () => {
  it('finance creates a code (stored upper-case) that reads back with zero redemptions, audited', async () => {
    const input = codeInput(t, {
      code: 'welcome-Fifty',
      amount: 50,
      maxRedemptions: 3,
      perUserLimit: 2,
      newUsersOnly: true,
      creditExpiryDays: 30,
    });
    const created = await postCode(t, finance, input);
    expect(created.statusCode, created.body).toBe(201);
    const code = created.json();
    expect(code).toMatchObject({
      code: 'WELCOME-FIFTY',
      campaign: 'spring-launch',
      amount: 50,
      maxRedemptions: 3,
      perUserLimit: 2,
      newUsersOnly: true,
      creditExpiryDays: 30,
      status: 'active',
      redemptions: 0,
      remaining: 3,
      redeemers: 0,
      disabledAt: null,
      createdBy: finance.id,
    });

    const read = await get(readonly, `/promotions/codes/${code.id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toEqual(code);

    const { rows } = await t.db.executeSql(
      "select actor_id, target_type, after from audit_log where action = 'promotions.code_created' and target_id = $1",
      [code.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_id: finance.id, target_type: 'promo_code' });
    expect((rows[0] as { after: { code: string } }).after.code).toBe('WELCOME-FIFTY');
  });

  it('defaults: starts now, one redemption per user, open to everyone, credits that never expire', async () => {
    const { startsAt: _omitted, ...input } = codeInput(t);
    const response = await postCode(t, admin, input);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      startsAt: t.clock.now().toISOString(),
      perUserLimit: 1,
      newUsersOnly: false,
      creditExpiryDays: null,
      createdBy: admin.id,
    });
  });

  it('refuses a code whose text exists in any letter case (409) and keeps the first', async () => {
    const text = uniqueCode('DUP');
    await createCode(t, finance, { code: text, amount: 10 });
    const before = await codeCount();
    const again = await postCode(t, admin, codeInput(t, { code: text.toLowerCase(), amount: 99 }));
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json().code).toBe('promo_code_taken');
    expect(await codeCount()).toBe(before);
  });

  it('lists codes newest first with redemption counts, by campaign, page by page', async () => {
    const campaign = `list-${uniqueCode()}`;
    const first = await createCode(t, finance, { campaign, maxRedemptions: 5, perUserLimit: 2 });
    t.clock.advance(1_000);
    const second = await createCode(t, finance, { campaign });
    const fan = await signUp(t, 'fan');
    const other = await signUp(t, 'creator');
    for (const user of [fan, fan, other]) {
      expect((await redeem(t, user, first.code)).statusCode).toBe(201);
    }

    const page1 = await get(readonly, `/promotions/codes?campaign=${campaign}&limit=1`);
    expect(page1.statusCode, page1.body).toBe(200);
    expect(page1.json().items.map((c: { id: string }) => c.id)).toEqual([second.id]);
    const cursor = page1.json().nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const page2 = await get(finance, `/promotions/codes?campaign=${campaign}&limit=1&cursor=${cursor}`);
    expect(page2.json().nextCursor).toBeNull();
    expect(page2.json().items).toEqual([
      expect.objectContaining({ id: first.id, redemptions: 3, remaining: 2, redeemers: 2, status: 'active' }),
    ]);

    const bad = await get(finance, '/promotions/codes?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['/querystring/cursor']);
  });

  it('refuses a crafted cursor whose date lies outside the years 1970-9999 (400, not a 500)', async () => {
    const id = '00000000-0000-4000-8000-0000000000aa';
    for (const createdAt of [
      '-200000-01-01T00:00:00Z',
      '+275000-01-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59-23:59',
    ]) {
      const cursor = Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
      const response = await get(finance, `/promotions/codes?cursor=${cursor}`);
      expect(response.statusCode, `${createdAt}: ${response.body}`).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'cursor_invalid',
        errors: [{ path: '/querystring/cursor', message: expect.any(String) }],
      });
    }
  });

  it('disables a code once (audited once), after which it refuses redemptions', async () => {
    const code = await createCode(t, admin);
    const fan = await signUp(t, 'fan');
    const disabled = await t.app.inject({
      method: 'POST',
      url: `/promotions/codes/${code.id}/disable`,
      headers: admin.headers,
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json()).toMatchObject({ status: 'disabled', disabledAt: t.clock.now().toISOString() });

    const again = await t.app.inject({
      method: 'POST',
      url: `/promotions/codes/${code.id}/disable`,
      headers: finance.headers,
    });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(disabled.json());

    const refused = await redeem(t, fan, code.code);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().code).toBe('promo_code_disabled');

    const { rows } = await t.db.executeSql(
      "select actor_id, before, after from audit_log where action = 'promotions.code_disabled' and target_id = $1",
      [code.id],
    );
    expect(rows).toEqual([
      {
        actor_id: admin.id,
        before: { status: 'active', redemptions: 0 },
        after: { status: 'disabled', disabledAt: t.clock.now().toISOString() },
      },
    ]);
  });

  it('answers 404 for an unknown code id, to read or to disable', async () => {
    const unknown = '00000000-0000-4000-8000-0000000000aa';
    expect((await get(finance, `/promotions/codes/${unknown}`)).json().code).toBe('promo_code_not_found');
    const disable = await t.app.inject({
      method: 'POST',
      url: `/promotions/codes/${unknown}/disable`,
      headers: finance.headers,
    });
    expect(disable.statusCode).toBe(404);
  });
});

describe('promo codes: who may manage them', () => {
  it('fans and creators may neither create, list, read nor disable codes (403)', async () => {
    const code = await createCode(t, finance);
    for (const role of ['fan', 'creator', 'moderator'] as const) {
      const user = await signUp(t, role);
      const attempts = [
        await postCode(t, user, codeInput(t)),
        await get(user, '/promotions/codes'),
        await get(user, `/promotions/codes/${code.id}`),
        await t.app.inject({
          method: 'POST',
          url: `/promotions/codes/${code.id}/disable`,
          headers: user.headers,
        }),
      ];
      for (const response of attempts) {
        expect(response.statusCode, `${role}: ${response.body}`).toBe(403);
        expect(response.json().code).toBe('permission_denied');
      }
    }
    expect((await get(finance, `/promotions/codes/${code.id}`)).json().status).toBe('active');
  });

  it('checks the permission before the body: a fan sending a malformed code still meets 403', async () => {
    const fan = await signUp(t, 'fan');
    const response = await postCode(t, fan, { code: '!', amount: -1 });
    expect(response.statusCode, response.body).toBe(403);
    expect(response.json().code).toBe('permission_denied');
  });

  it('readonly staff may list and read codes but not create or disable them', async () => {
    const code = await createCode(t, admin);
    expect((await get(readonly, '/promotions/codes')).statusCode).toBe(200);
    const before = await codeCount();
    const create = await postCode(t, readonly, codeInput(t));
    expect(create.statusCode).toBe(403);
    const disable = await t.app.inject({
      method: 'POST',
      url: `/promotions/codes/${code.id}/disable`,
      headers: readonly.headers,
    });
    expect(disable.statusCode).toBe(403);
    expect(await codeCount()).toBe(before);
    expect((await get(readonly, `/promotions/codes/${code.id}`)).json().status).toBe('active');
  });

  it('staff may not redeem (403): finance and admins who manage codes, readonly and moderators', async () => {
    const code = await createCode(t, finance);
    for (const user of [finance, admin, readonly, await signUp(t, 'moderator')]) {
      const response = await redeem(t, user, code.code);
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().code).toBe('permission_denied');
    }
    expect((await get(finance, `/promotions/codes/${code.id}`)).json().redemptions).toBe(0);
    const { rows } = await t.db.executeSql(
      "select count(*)::int as n from credit_transfers where memo ->> 'codeId' = $1::text",
      [code.id],
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('refuses anonymous callers (401)', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/promotions/codes' });
    expect(response.statusCode).toBe(401);
  });
});

describe('promo codes: bad input creates nothing', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['amount 0', { amount: 0 }, '/body/amount'],
    ['a negative amount', { amount: -5 }, '/body/amount'],
    ['a fractional amount', { amount: 2.5 }, '/body/amount'],
    ['an amount as a string', { amount: '25' }, '/body/amount'],
    ['an amount over the maximum', { amount: MAX_AMOUNT + 1 }, '/body/amount'],
    ['a code with a space', { code: 'BAD CODE' }, '/body/code'],
    ['a code with an underscore', { code: 'BAD_CODE' }, '/body/code'],
    ['a code with a non-ASCII letter', { code: 'ÄPFEL-1' }, '/body/code'],
    ['a code too short', { code: 'AB1' }, '/body/code'],
    ['a code too long', { code: 'A'.repeat(33) }, '/body/code'],
    ['an empty campaign', { campaign: '' }, '/body/campaign'],
    ['maxRedemptions 0', { maxRedemptions: 0 }, '/body/maxRedemptions'],
    ['perUserLimit 0', { perUserLimit: 0 }, '/body/perUserLimit'],
    ['creditExpiryDays 0', { creditExpiryDays: 0 }, '/body/creditExpiryDays'],
    ['endsAt not a date', { endsAt: 'tomorrow' }, '/body/endsAt'],
    ['startsAt in the year 0000', { startsAt: '0000-01-01T00:00:00Z' }, '/body/startsAt'],
    ['startsAt before 1970', { startsAt: '1969-12-31T23:59:59Z' }, '/body/startsAt'],
    [
      'endsAt whose offset carries it into the year 10000',
      { endsAt: '9999-12-31T23:59:59-23:59' },
      '/body/endsAt',
    ],
    ['newUsersOnly not a boolean', { newUsersOnly: 'yes' }, '/body/newUsersOnly'],
    ['an unknown field', { bonus: 5 }, '/body/bonus'],
  ];
  for (const [what, changes, path] of cases) {
    it(`refuses ${what} with a 400 naming ${path}`, async () => {
      const before = await codeCount();
      const response = await postCode(t, finance, codeInput(t, changes));
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await codeCount()).toBe(before);
    });
  }

  it('refuses an amount of 1e309 (400 naming the amount)', async () => {
    const before = await codeCount();
    const body = JSON.stringify(codeInput(t)).replace('"amount":25', '"amount":1e309');
    const response = await t.app.inject({
      method: 'POST',
      url: '/promotions/codes',
      headers: { ...finance.headers, 'content-type': 'application/json' },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().errors.map((e: { path: string }) => e.path)).toContain('/body/amount');
    expect(await codeCount()).toBe(before);
  });

  it('accepts the edges of the storable years: startsAt 1970-01-01 and endsAt 9999-12-31 (UTC)', async () => {
    const response = await postCode(
      t,
      finance,
      codeInput(t, { startsAt: '1970-01-01T00:00:00Z', endsAt: '9999-12-31T23:59:59.999Z' }),
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      startsAt: '1970-01-01T00:00:00.000Z',
      endsAt: '9999-12-31T23:59:59.999Z',
      status: 'active',
    });
  });

  it('refuses a code whose budget (amount x maxRedemptions) passes 10,000,000 credits by default', async () => {
    const before = await codeCount();
    const over = await postCode(t, finance, codeInput(t, { amount: MAX_AMOUNT, maxRedemptions: 1_001 }));
    expect(over.statusCode, over.body).toBe(400);
    expect(over.json().code).toBe('promo_budget_exceeded');
    expect(over.json().errors.map((e: { path: string }) => e.path)).toEqual([
      '/body/amount',
      '/body/maxRedemptions',
    ]);
    expect(await codeCount()).toBe(before);

    const atBudget = await postCode(t, finance, codeInput(t, { amount: MAX_AMOUNT, maxRedemptions: 1_000 }));
    expect(atBudget.statusCode, atBudget.body).toBe(201);
    const { rows } = await t.db.executeSql(
      "select after from audit_log where action = 'promotions.code_created' and target_id = $1",
      [atBudget.json().id],
    );
    expect(rows).toEqual([
      {
        after: expect.objectContaining({
          amount: MAX_AMOUNT,
          maxRedemptions: 1_000,
          budget: 10_000_000,
          maxBudgetPerCode: 10_000_000,
        }),
      },
    ]);
  });

  it('refuses a window that ends before it starts, or has already ended (400 naming endsAt)', async () => {
    const before = await codeCount();
    const now = t.clock.now().getTime();
    for (const window of [
      { startsAt: new Date(now + 86_400_000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString() },
      { startsAt: new Date(now).toISOString(), endsAt: new Date(now).toISOString() },
      { startsAt: new Date(now - 7_200_000).toISOString(), endsAt: new Date(now - 3_600_000).toISOString() },
    ]) {
      const response = await postCode(t, finance, codeInput(t, window));
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().errors).toEqual([{ path: '/body/endsAt', message: expect.any(String) }]);
    }
    expect(await codeCount()).toBe(before);
  });
});

describe('promo codes: documented', () => {
  it('documents every route with a summary, the permission, examples and its error statuses', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    const expected: Array<[string, string, string, string[]]> = [
      ['/promotions/codes', 'post', 'promotions:manage', ['201', '400', '401', '403', '409']],
      ['/promotions/codes', 'get', 'promotions:read', ['200', '400', '401', '403']],
      ['/promotions/codes/{codeId}', 'get', 'promotions:read', ['200', '404']],
      ['/promotions/codes/{codeId}/disable', 'post', 'promotions:manage', ['200', '404']],
      ['/promotions/redeem', 'post', 'promotions:redeem', ['201', '400', '404', '409', '423']],
    ];
    for (const [path, method, permission, statuses] of expected) {
      const operation = spec.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation.summary).toEqual(expect.any(String));
      expect(operation.description).toContain(permission);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(statuses));
      const success = operation.responses[statuses[0] as string].content['application/json'];
      expect(success.example ?? success.examples, `${method} ${path} response example`).toBeDefined();
    }
    const createBody = spec.paths['/promotions/codes'].post.requestBody.content['application/json'];
    expect(createBody.example).toMatchObject({ code: 'WELCOME-50', amount: 50 });
    expect(spec.paths['/promotions/redeem'].post.requestBody.content['application/json'].example).toEqual({
      code: 'welcome-50',
    });
  });
});
