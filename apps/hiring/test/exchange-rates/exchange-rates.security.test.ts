// Who may read and replace the exchange rates: reading needs a signed-in user with `jobs:read`
// (candidates, employers, admins); replacing needs `exchange-rates:manage`, which only admins hold
// (through '*'), never employers or candidates. Refused callers change nothing and leave no audit
// entry, and the guard answers before the body is looked at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hiringAccessPolicy } from '../../src/modules/identity/access-policy.js';
import {
  buildHiringTestApp,
  type HiringTestApp,
  signUp,
  signUpAdmin,
  type TestUser,
} from '../support/hiring-client.js';

let t: HiringTestApp;
let employer: TestUser;
let candidate: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await buildHiringTestApp();
  employer = await signUp(t, 'employer');
  candidate = await signUp(t, 'candidate');
  admin = await signUpAdmin(t);
});
afterAll(async () => {
  await t?.close();
});

const valid = { asOf: '2025-12-31', rates: { USD: 1.17, GBP: 0.85 } };
const put = (headers: Record<string, string>, payload: unknown = valid) =>
  t.app.inject({ method: 'PUT', url: '/exchange-rates', headers, payload: payload as object });

async function nothingChanged(): Promise<void> {
  const stored = await t.db.executeSql('select currency from hiring_exchange_rates');
  expect(stored.rows).toEqual([]);
  const audited = await t.db.executeSql(
    "select id from audit_log where action = 'hiring.exchange_rates_replaced'",
  );
  expect(audited.rows).toEqual([]);
}

describe('exchange rates: access', () => {
  it('grants exchange-rates:manage to admins only', () => {
    expect(hiringAccessPolicy.can('admin', 'exchange-rates:manage')).toBe(true);
    expect(hiringAccessPolicy.can('employer', 'exchange-rates:manage')).toBe(false);
    expect(hiringAccessPolicy.can('candidate', 'exchange-rates:manage')).toBe(false);
  });

  it('an anonymous caller gets 401 on both routes, whatever the body', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/exchange-rates' })).statusCode).toBe(401);
    expect((await put({})).statusCode).toBe(401);
    expect((await put({}, { nonsense: true })).statusCode).toBe(401);
    await nothingChanged();
  });

  it('an employer or a candidate may read the rates but gets 403 on PUT, even with a bad body', async () => {
    for (const user of [employer, candidate]) {
      expect(
        (await t.app.inject({ method: 'GET', url: '/exchange-rates', headers: user.headers })).statusCode,
      ).toBe(200);
      const refused = await put(user.headers);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'permission_denied' });
      expect((await put(user.headers, { rates: 'nonsense' })).statusCode).toBe(403);
    }
    await nothingChanged();
  });

  it('an admin may replace them', async () => {
    expect((await put(admin.headers)).statusCode).toBe(200);
  });
});
