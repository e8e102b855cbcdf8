// Payout statements read from the ledger: earnings credited, payouts held, paid, failed and released
// in a period, with running totals, as JSON or as a CSV attachment (RFC 4180 quoting, and no cell a
// spreadsheet would run as a formula). A creator sees only their own, never the reason staff wrote
// on a movement; staff with payouts:read see any creator's, with it.
// The settings: malformed values refuse start-up, naming them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPayoutSettings } from '../../src/modules/payouts/settings.js';
import { csvCell } from '../../src/modules/payouts/statements.js';
import { expectProblem } from '../credits/http-support.js';
import { buildPairlyTestApp, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { approve, decide, earn, requestPayout } from './support.js';

let t: PairlyTestApp;
let finance: TestUser;
let creator: TestUser;
let from: string;

beforeAll(async () => {
  t = await buildPairlyTestApp({}, { env: { PAYOUT_MINIMUM_CREDITS: '100' } });
  const fan = await signUp(t, 'fan');
  [finance, creator] = await Promise.all([signUp(t, 'finance'), signUp(t, 'creator')]);
  await earn(t, finance, fan, creator, 300, 'Before the period');
  t.clock.advance(60_000);
  from = t.clock.now().toISOString();
  await earn(t, finance, fan, creator, 1000, '=HYPERLINK("http://evil.example","click"), "tip"');
  const paid = await requestPayout(t, creator, 400);
  await approve(t, finance, paid.id);
  expect(
    (await decide(t, finance, paid.id, 'confirm', { outcome: 'paid', reference: 'W-1' })).statusCode,
  ).toBe(200);
  const rejected = await requestPayout(t, creator, 200);
  expect((await decide(t, finance, rejected.id, 'reject', { reason: 'check' })).statusCode).toBe(200);
  const failed = await requestPayout(t, creator, 100);
  await approve(t, finance, failed.id);
  expect(
    (await decide(t, finance, failed.id, 'confirm', { outcome: 'failed', reference: 'B-1' })).statusCode,
  ).toBe(200);
  await requestPayout(t, creator, 150);
  t.clock.advance(60_000);
});
afterAll(async () => t?.close());

describe('statements', () => {
  it('lists the period with running totals as JSON', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/payouts/statement?from=${encodeURIComponent(from)}`,
      headers: creator.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const statement = response.json();
    expect(statement.opening).toEqual({ available: 300, heldForPayouts: 0 });
    expect(statement.totals).toEqual({
      earningsCredited: 1000,
      otherDebits: 0,
      payoutsHeld: 850,
      payoutsPaid: 400,
      payoutsFailed: 100,
      payoutsReleased: 200,
    });
    expect(statement.closing).toEqual({ available: 750, heldForPayouts: 150 });
    expect(statement.lines.map((line: { type: string }) => line.type)).toEqual([
      'earning',
      'payout_held',
      'payout_paid',
      'payout_held',
      'payout_released',
      'payout_held',
      'payout_failed',
      'payout_held',
    ]);
    expect(statement.lines.at(-1)).toMatchObject({ available: 750, heldForPayouts: 150, credits: -150 });
    // The reason finance wrote on the transfer is staff's: the creator's own statement never shows it.
    expect(statement.lines[0]).toMatchObject({ type: 'earning', description: '' });
    expect(response.body).not.toContain('evil.example');
  });

  it("shows the creator an earning without staff's reason in CSV", async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/payouts/statement?format=csv&from=${encodeURIComponent(from)}`,
      headers: creator.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const lines = response.body.split('\r\n');
    expect(lines[1]).toMatch(/,earning,transfer,,1000,1300,0,$/);
    expect(response.body).not.toContain('evil.example');
  });

  it('answers CSV as an attachment, quoted and safe from formulas', async () => {
    const admin = await signUp(t, 'admin');
    const response = await t.app.inject({
      method: 'GET',
      url: `/admin/payouts/statements/${creator.id}?format=csv&from=${encodeURIComponent(from)}`,
      headers: admin.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="payout-statement-.*\.csv"$/,
    );
    const lines = response.body.split('\r\n');
    expect(lines[0]).toBe('at,type,kind,payout_id,credits,available,held_for_payouts,description');
    expect(lines).toHaveLength(10); // header, 8 lines, the final CRLF
    expect(lines[1]).toMatch(
      /,earning,transfer,,1000,1300,0,"'=HYPERLINK\(""http:\/\/evil.example"",""click""\), ""tip"""$/,
    );
    expect(lines[2]).toMatch(/,payout_held,hold,[0-9a-f-]{36},-400,900,400,payout$/);
  });

  it("is one's own; staff with payouts:read see any creator's; bad periods are 400s naming the field", async () => {
    const admin = await signUp(t, 'admin');
    const staff = await t.app.inject({
      method: 'GET',
      url: `/admin/payouts/statements/${creator.id}?from=${encodeURIComponent(from)}`,
      headers: admin.headers,
    });
    expect(staff.statusCode, staff.body).toBe(200);
    expect(staff.json().totals.payoutsPaid).toBe(400);
    const other = await signUp(t, 'creator');
    const own = await t.app.inject({ method: 'GET', url: '/payouts/statement', headers: other.headers });
    expect(own.json()).toMatchObject({ creatorId: other.id, lines: [] });
    const readonly = await signUp(t, 'readonly');
    const refused = await t.app.inject({
      method: 'GET',
      url: `/admin/payouts/statements/${creator.id}`,
      headers: readonly.headers,
    });
    expectProblem(refused, 403, 'permission_denied');
    const backwards = await t.app.inject({
      method: 'GET',
      url: `/payouts/statement?from=${encodeURIComponent(from)}&to=${encodeURIComponent(from)}`,
      headers: creator.headers,
    });
    expectProblem(backwards, 400, 'invalid_statement_period', '/querystring/from');
    const bad = await t.app.inject({
      method: 'GET',
      url: '/payouts/statement?format=xls',
      headers: creator.headers,
    });
    expectProblem(bad, 400, undefined, '/querystring/format');
  });
});

describe('CSV cells and settings', () => {
  it('prefixes formula-like text and quotes as RFC 4180 says', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
  });

  it('refuses malformed settings, naming each', () => {
    expect(readPayoutSettings({})).toMatchObject({
      minimumCredits: 1000,
      provider: 'manual',
      rates: { USD: 1 },
    });
    expect(() => readPayoutSettings({ PAYOUT_MINIMUM_CREDITS: '10.5' })).toThrow(/PAYOUT_MINIMUM_CREDITS/);
    expect(() => readPayoutSettings({ PAYOUT_PROVIDER: 'paypal' })).toThrow(/PAYOUT_PROVIDER/);
    expect(() => readPayoutSettings({ PAYOUT_RATES: 'USD:1.5' })).toThrow(/PAYOUT_RATES entry "USD:1.5"/);
    expect(() => readPayoutSettings({ PAYOUT_RATES: 'USD:1,USD:2' })).toThrow(/PAYOUT_RATES/);
    expect(() => readPayoutSettings({ PAYOUT_PROVIDER: 'razorpay' })).toThrow(
      /RAZORPAYX_ACCOUNT_NUMBER is required/,
    );
    expect(() =>
      readPayoutSettings({
        PAYOUT_PROVIDER: 'razorpay',
        RAZORPAYX_ACCOUNT_NUMBER: '123456',
        PAYOUT_RATES: 'USD:1',
      }),
    ).toThrow(/only INR/);
  });

  it('refuses to start with a malformed value', async () => {
    await expect(buildPairlyTestApp({}, { env: { PAYOUT_RATES: 'dollars' } })).rejects.toThrow(
      /PAYOUT_RATES/,
    );
  });
});
