// Bad input on every credits route is a 400 naming the offending field (or the Idempotency-Key
// header), never a 500, and changes nothing: no balance, transfer, hold or audit row moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPairlyTestApp,
  keyed,
  type PairlyTestApp,
  signUp,
  type TestUser,
} from '../support/pairly-client.js';
import { balanceOf, expectProblem, grant, hold, transferCount } from './http-support.js';

const MAX = 10_000;
let t: PairlyTestApp;
let finance: TestUser;
let fan: TestUser;
let creator: TestUser;
let holdId: string;

beforeAll(async () => {
  t = await buildPairlyTestApp({ credits: { maxAmount: MAX } });
  finance = await signUp(t, 'finance');
  fan = await signUp(t, 'fan');
  creator = await signUp(t, 'creator');
  await grant(t, finance, fan, 500);
  holdId = (await hold(t, fan, 100)).id;
});
afterAll(async () => t?.close());

interface Case {
  name: string;
  as: () => TestUser;
  method: 'GET' | 'POST' | 'PUT';
  url: () => string;
  /** An object sent as JSON, or raw JSON text (for numbers JSON.stringify cannot write). */
  body?: () => Record<string, unknown> | string;
  headers?: Record<string, string>;
  /** Sent without an Idempotency-Key at all. */
  keyless?: boolean;
  path: string;
}

const past = () => new Date(t.clock.now().getTime() - 1000).toISOString();
const holdBody = (amount: unknown) => () => ({ amount, purpose: 'call' });
const grantBody = (overrides: Record<string, unknown>) => () => ({
  userId: fan.id,
  amount: 10,
  source: 'purchase',
  reason: 'test',
  ...overrides,
});

/** The amount rules, on one user route and one staff route. */
const amountCases = (
  route: string,
  as: () => TestUser,
  url: () => string,
  body: (amount: unknown) => () => Record<string, unknown>,
): Case[] => [
  ...(
    [
      ['zero', 0],
      ['negative', -1],
      ['fractional', 1.5],
      ['a string', '10'],
      ['over the maximum', MAX + 1],
      ['past the safe integers', 2 ** 53 + 2],
      ['null', null],
    ] as const
  ).map(
    ([name, amount]): Case => ({
      name: `${route}: amount ${name}`,
      as,
      method: 'POST',
      url,
      body: body(amount),
      path: '/body/amount',
    }),
  ),
  {
    name: `${route}: amount 1e309 (raw JSON)`,
    as,
    method: 'POST',
    url,
    body: () => JSON.stringify(body(1)()).replace('"amount":1', '"amount":1e309'),
    path: '/body/amount',
  },
];

const cases: Case[] = [
  ...amountCases(
    'hold',
    () => fan,
    () => '/credits/holds',
    holdBody,
  ),
  ...amountCases(
    'grant',
    () => finance,
    () => '/admin/credits/grants',
    (amount) => grantBody({ amount }),
  ),
  {
    name: 'hold: purpose missing',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: () => ({ amount: 5 }),
    path: '/body/purpose',
  },
  {
    name: 'hold: amount missing',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: () => ({ purpose: 'call' }),
    path: '/body/amount',
  },
  {
    name: 'hold: blank purpose',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: () => ({ amount: 5, purpose: '   ' }),
    path: '/body/purpose',
  },
  {
    name: 'hold: unknown field',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: () => ({ amount: 5, purpose: 'call', userId: creator.id }),
    path: '/body/userId',
  },
  {
    name: 'hold: expiry in the past',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: () => ({ amount: 5, purpose: 'call', expiresAt: past() }),
    path: '/body/expiresAt',
  },
  {
    name: 'hold: expiry not a date',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: () => ({ amount: 5, purpose: 'call', expiresAt: 'tomorrow' }),
    path: '/body/expiresAt',
  },
  {
    name: 'hold: no Idempotency-Key',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: holdBody(5),
    keyless: true,
    path: '/headers/idempotency-key',
  },
  {
    name: 'hold: empty Idempotency-Key',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: holdBody(5),
    headers: { 'idempotency-key': '' },
    path: '/headers/idempotency-key',
  },
  {
    name: 'hold: Idempotency-Key with a space',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: holdBody(5),
    headers: { 'idempotency-key': 'two words' },
    path: '/headers/idempotency-key',
  },
  {
    name: 'hold: Idempotency-Key of 256 characters',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: holdBody(5),
    headers: { 'idempotency-key': 'k'.repeat(256) },
    path: '/headers/idempotency-key',
  },
  {
    name: 'hold: Idempotency-Key not ASCII',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds',
    body: holdBody(5),
    headers: { 'idempotency-key': 'cl\u00e9' },
    path: '/headers/idempotency-key',
  },
  {
    name: 'hold read: id not a uuid',
    as: () => fan,
    method: 'GET',
    url: () => '/credits/holds/42',
    path: '/params/holdId',
  },
  {
    name: 'release: id not a uuid',
    as: () => fan,
    method: 'POST',
    url: () => '/credits/holds/42/release',
    path: '/params/holdId',
  },
  {
    name: 'release: unknown field',
    as: () => fan,
    method: 'POST',
    url: () => `/credits/holds/${holdId}/release`,
    body: () => ({ amount: 1 }),
    path: '/body/amount',
  },
  {
    name: 'history: limit 0',
    as: () => fan,
    method: 'GET',
    url: () => '/credits/transactions?limit=0',
    path: '/querystring/limit',
  },
  {
    name: 'history: limit 101',
    as: () => fan,
    method: 'GET',
    url: () => '/credits/transactions?limit=101',
    path: '/querystring/limit',
  },
  {
    name: 'history: limit 1.5',
    as: () => fan,
    method: 'GET',
    url: () => '/credits/transactions?limit=1.5',
    path: '/querystring/limit',
  },
  {
    name: 'history: cursor not ours',
    as: () => fan,
    method: 'GET',
    url: () => '/credits/transactions?cursor=bm90LWEtY3Vyc29y',
    path: '/querystring/cursor',
  },
  {
    name: 'history: cursor with bad characters',
    as: () => fan,
    method: 'GET',
    url: () => '/credits/transactions?cursor=%2F%2F',
    path: '/querystring/cursor',
  },
  {
    name: 'history: unknown account',
    as: () => fan,
    method: 'GET',
    url: () => '/credits/transactions?account=savings',
    path: '/querystring/account',
  },
  {
    name: 'history: since not a date',
    as: () => fan,
    method: 'GET',
    url: () => '/credits/transactions?since=yesterday',
    path: '/querystring/since',
  },
  {
    name: 'history: until in year 0',
    as: () => fan,
    method: 'GET',
    url: () => '/credits/transactions?until=0000-01-01T00:00:00Z',
    path: '/querystring/until',
  },
  {
    name: 'history: unknown filter',
    as: () => fan,
    method: 'GET',
    url: () => '/credits/transactions?userId=x',
    path: '/querystring/userId',
  },
  {
    name: 'staff balance: user id not a uuid',
    as: () => finance,
    method: 'GET',
    url: () => '/admin/credits/users/me/balance',
    path: '/params/userId',
  },
  {
    name: 'staff history: bad cursor',
    as: () => finance,
    method: 'GET',
    url: () => `/admin/credits/users/${fan.id}/transactions?cursor=MC4x`,
    path: '/querystring/cursor',
  },
  {
    name: 'grant: unknown source',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/grants',
    body: grantBody({ source: 'gift' }),
    path: '/body/source',
  },
  {
    name: 'grant: user id not a uuid',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/grants',
    body: grantBody({ userId: 'bob' }),
    path: '/body/userId',
  },
  {
    name: 'grant: reason missing',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/grants',
    body: grantBody({ reason: undefined }),
    path: '/body/reason',
  },
  {
    name: 'grant: unknown field',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/grants',
    body: grantBody({ balance: 1 }),
    path: '/body/balance',
  },
  {
    name: 'grant: expiry in the past',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/grants',
    body: () => grantBody({ expiresAt: past() })(),
    path: '/body/expiresAt',
  },
  {
    name: 'deduction: from the held account',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/deductions',
    body: () => ({ userId: fan.id, amount: 1, account: 'held', reason: 'x' }),
    path: '/body/account',
  },
  {
    name: 'deduction: amount missing',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/deductions',
    body: () => ({ userId: fan.id, reason: 'x' }),
    path: '/body/amount',
  },
  {
    name: 'transfer: to the same user',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/transfers',
    body: () => ({
      fromUserId: fan.id,
      toUserId: fan.id,
      amount: 1,
      from: 'spendable',
      to: 'earnings',
      reason: 'x',
    }),
    path: '/body/toUserId',
  },
  {
    name: 'transfer: fractional amount',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/transfers',
    body: () => ({ fromUserId: fan.id, toUserId: creator.id, amount: 0.5, reason: 'x' }),
    path: '/body/amount',
  },
  {
    name: 'capture: more than the hold',
    as: () => finance,
    method: 'POST',
    url: () => `/admin/credits/holds/${holdId}/capture`,
    body: () => ({ amount: 101, to: { system: 'payouts' }, reason: 'x' }),
    path: '/body/amount',
  },
  {
    name: 'capture: to the owner',
    as: () => finance,
    method: 'POST',
    url: () => `/admin/credits/holds/${holdId}/capture`,
    body: () => ({ amount: 1, to: { userId: fan.id, account: 'spendable' }, reason: 'x' }),
    path: '/body/to',
  },
  {
    name: 'capture: to a source account',
    as: () => finance,
    method: 'POST',
    url: () => `/admin/credits/holds/${holdId}/capture`,
    body: () => ({ amount: 1, to: { system: 'purchases' }, reason: 'x' }),
    path: '/body/to/system',
  },
  {
    name: 'capture: hold id not a uuid',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/holds/1/capture',
    body: () => ({ amount: 1, to: { system: 'payouts' }, reason: 'x' }),
    path: '/params/holdId',
  },
  {
    name: 'staff release: reason missing',
    as: () => finance,
    method: 'POST',
    url: () => `/admin/credits/holds/${holdId}/release`,
    body: () => ({}),
    path: '/body/reason',
  },
  {
    name: 'freeze: not a boolean',
    as: () => finance,
    method: 'PUT',
    url: () => `/admin/credits/users/${fan.id}/frozen`,
    body: () => ({ frozen: 'yes', reason: 'x' }),
    path: '/body/frozen',
  },
  {
    name: 'freeze: no Idempotency-Key',
    as: () => finance,
    method: 'PUT',
    url: () => `/admin/credits/users/${fan.id}/frozen`,
    body: () => ({ frozen: true, reason: 'x' }),
    keyless: true,
    path: '/headers/idempotency-key',
  },
  {
    name: 'grant: no Idempotency-Key',
    as: () => finance,
    method: 'POST',
    url: () => '/admin/credits/grants',
    body: grantBody({}),
    keyless: true,
    path: '/headers/idempotency-key',
  },
];

async function state() {
  const { rows: holds } = await t.db.executeSql('select id, status, captured from credit_holds order by id');
  const { rows: audits } = await t.db.executeSql('select count(*)::int as n from audit_log');
  const { rows: frozen } = await t.db.executeSql(
    'select count(*)::int as n from credit_accounts where frozen',
  );
  return {
    fan: await balanceOf(t, fan),
    creator: await balanceOf(t, creator),
    transfers: await transferCount(t),
    holds,
    audits,
    frozen,
  };
}

describe('bad input on the credits routes', () => {
  it.each(cases)('$name: 400 naming $path, nothing changed', async (c) => {
    const before = await state();
    const body = c.body?.();
    const request = {
      method: c.method,
      url: c.url(),
      ...(body !== undefined && { payload: body }),
      headers: { ...(typeof body === 'string' && { 'content-type': 'application/json' }), ...c.headers },
    };
    const response = c.keyless
      ? await t.app.inject({ ...request, headers: { ...request.headers, ...c.as().headers } })
      : await keyed(t, c.as(), request);
    expectProblem(response, 400, undefined, c.path);
    expect(await state()).toEqual(before);
  });

  it('accepts what the refused requests got wrong once it is right (the cases are not refused for another reason)', async () => {
    const okHold = await keyed(t, fan, {
      method: 'POST',
      url: '/credits/holds',
      payload: { amount: 400, purpose: 'call' },
    });
    expect(okHold.statusCode, okHold.body).toBe(201);
    const okGrant = await keyed(t, finance, {
      method: 'POST',
      url: '/admin/credits/grants',
      payload: grantBody({ amount: MAX })(),
    });
    expect(okGrant.statusCode, okGrant.body).toBe(201);
    const okCapture = await keyed(t, finance, {
      method: 'POST',
      url: `/admin/credits/holds/${holdId}/capture`,
      payload: { amount: 100, to: { userId: creator.id, account: 'earnings' }, reason: 'x' },
    });
    expect(okCapture.statusCode, okCapture.body).toBe(200);
    const page = await t.app.inject({
      method: 'GET',
      url: '/credits/transactions?limit=100&account=held',
      headers: fan.headers,
    });
    expect(page.statusCode, page.body).toBe(200);
  });
});
