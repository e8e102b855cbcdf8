// The exchange rates salaries are compared with (issue 18): a dated snapshot ships with the code,
// and an operator replaces it through `PUT /exchange-rates`, audited. Stored rates override the
// snapshot currency by currency; the service the ranking reads (`current()`) converts with them at
// once in this process and within a minute in another. A bad table is a 400 naming each field,
// and nothing of it is stored. Time moves only by the fake clock (2026-01-01 at the start).
import { operationsWithoutExamples } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExchangeRateService } from '../../src/modules/exchange-rates/service.js';
import { convert, SHIPPED_RATES } from '../../src/modules/matching/exchange-rates.js';
import { advanceClock } from '../applications/support.js';
import {
  buildHiringTestApp,
  type HiringTestApp,
  type Response,
  signUp,
  signUpAdmin,
  type TestUser,
} from '../support/hiring-client.js';

let t: HiringTestApp;
let admin: TestUser;
let candidate: TestUser;

beforeAll(async () => {
  t = await buildHiringTestApp();
  admin = await signUpAdmin(t);
  candidate = await signUp(t, 'candidate');
});
afterAll(async () => {
  await t?.close();
});

const read = (user: TestUser) =>
  t.app.inject({ method: 'GET', url: '/exchange-rates', headers: user.headers });
const put = (user: TestUser, payload: unknown) =>
  t.app.inject({ method: 'PUT', url: '/exchange-rates', headers: user.headers, payload: payload as object });

async function storedRows(): Promise<number> {
  const { rows } = await t.db.executeSql('select count(*)::int as n from hiring_exchange_rates');
  return (rows[0] as { n: number }).n;
}
async function auditRows() {
  const { rows } = await t.db.executeSql(
    "select actor_id, target_type, target_id, before, after from audit_log where action = 'hiring.exchange_rates_replaced' order by id",
  );
  return rows;
}
const rateOf = (response: Response, currency: string) =>
  response.json().currencies.find((rate: { currency: string }) => rate.currency === currency);

describe('exchange rates', () => {
  it('shows any signed-in user the shipped snapshot until an operator stores rates', async () => {
    const response = await read(candidate);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ asOf: SHIPPED_RATES.asOf, source: SHIPPED_RATES.source, updatedAt: null });
    expect(body.currencies.length).toBe(SHIPPED_RATES.unitsPerEuro.size);
    expect(rateOf(response, 'EUR')).toEqual({
      currency: 'EUR',
      unitsPerEuro: 1,
      minorDigits: 2,
      asOf: SHIPPED_RATES.asOf,
      origin: 'snapshot',
    });
    expect(rateOf(response, 'JPY')).toMatchObject({ minorDigits: 0, origin: 'snapshot' });
    expect(rateOf(response, 'KWD')).toMatchObject({ minorDigits: 3, origin: 'snapshot' });
  });

  it('refuses a bad table with 400, naming each field, and stores nothing', async () => {
    const cases: Array<{ payload: unknown; code: string; paths: string[] }> = [
      { payload: undefined, code: 'validation_failed', paths: ['/body'] },
      { payload: {}, code: 'validation_failed', paths: ['/body/asOf', '/body/rates'] },
      { payload: { asOf: '2025-12-31', rates: {} }, code: 'exchange_rates_invalid', paths: ['/body/rates'] },
      {
        payload: { asOf: '2025-12-31', rates: { EUR: 1 } },
        code: 'exchange_rates_invalid',
        paths: ['/body/rates'],
      },
      {
        payload: { asOf: '2026-01-02', rates: { USD: 1.17 } },
        code: 'exchange_rates_invalid',
        paths: ['/body/asOf'],
      },
      {
        payload: { asOf: '2025-12-31', rates: { USD: 1.17, EUR: 1.05 } },
        code: 'exchange_rates_invalid',
        paths: ['/body/rates/EUR'],
      },
      {
        payload: { asOf: '2025-12-31', rates: { USD: 0, GBP: -0.85, JPY: 2e8, usd: 1.1, US: 1.1 } },
        code: 'exchange_rates_invalid',
        paths: ['/body/rates/USD', '/body/rates/GBP', '/body/rates/JPY', '/body/rates/usd', '/body/rates/US'],
      },
      {
        payload: { asOf: '2025-12-31', rates: { CLP: 1061.4 } },
        code: 'exchange_rates_invalid',
        paths: ['/body/minorDigits/CLP'],
      },
      {
        payload: { asOf: '2025-12-31', rates: { USD: '1.17' } },
        code: 'validation_failed',
        paths: ['/body/rates/USD'],
      },
      {
        payload: { asOf: '2025-13-01', rates: { USD: 1.17 } },
        code: 'validation_failed',
        paths: ['/body/asOf'],
      },
      {
        payload: { asOf: '2025-12-31', rates: { USD: 1.17 }, minorDigits: { USD: 7 } },
        code: 'validation_failed',
        paths: ['/body/minorDigits/USD'],
      },
      {
        payload: { asOf: '2025-12-31', rates: { USD: 1.17 }, base: 'USD' },
        code: 'validation_failed',
        paths: ['/body/base'],
      },
    ];
    for (const { payload, code, paths } of cases) {
      const response = await put(admin, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      const body = response.json();
      expect(body.code, JSON.stringify(payload)).toBe(code);
      const reported = (body.errors ?? []).map((field: { path: string }) => field.path);
      for (const path of paths) expect(reported, JSON.stringify(payload)).toContain(path);
    }
    // A number too large for a double (JSON's 1e400) is caught before the service sees Infinity.
    const infinite = await t.app.inject({
      method: 'PUT',
      url: '/exchange-rates',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      payload: '{"asOf":"2025-12-31","rates":{"USD":1e400}}',
    });
    expect(infinite.statusCode).toBe(400);
    expect(await storedRows()).toBe(0);
    expect(await auditRows()).toEqual([]);
    expect((await read(candidate)).json()).toMatchObject({ asOf: SHIPPED_RATES.asOf, updatedAt: null });
  });

  it('says what is wrong in the detail as well as the field list', async () => {
    const response = await put(admin, { asOf: '2025-12-31', rates: { USD: 1.17, EUR: 2 } });
    expect(response.json()).toMatchObject({
      code: 'exchange_rates_invalid',
      detail: 'The exchange rates were not stored: rates.EUR must be 1: rates are units per euro.',
    });
  });

  it('lets an admin replace the rates; the table, the service and the audit log follow', async () => {
    const elsewhere = createExchangeRateService(t.db, t.clock); // as another instance would
    expect((await elsewhere.current()).asOf).toBe(SHIPPED_RATES.asOf);
    expect((await read(candidate)).json().updatedAt).toBeNull(); // this instance has it cached too

    const response = await put(admin, {
      asOf: '2025-12-31',
      source: 'ECB euro foreign exchange reference rates of 2025-12-31',
      rates: { USD: 1.1676, GBP: 0.8543, EUR: 1, CLP: 1061.4 },
      minorDigits: { CLP: 0 },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      asOf: '2025-12-31',
      source: `ECB euro foreign exchange reference rates of 2025-12-31 (3 currencies); the other ${SHIPPED_RATES.unitsPerEuro.size - 3} from the shipped snapshot of ${SHIPPED_RATES.asOf}`,
      updatedAt: t.clock.now().toISOString(),
    });
    expect(rateOf(response, 'GBP')).toEqual({
      currency: 'GBP',
      unitsPerEuro: 0.8543,
      minorDigits: 2,
      asOf: '2025-12-31',
      origin: 'operator',
    });
    expect(rateOf(response, 'CLP')).toMatchObject({
      unitsPerEuro: 1061.4,
      minorDigits: 0,
      origin: 'operator',
    });
    expect(rateOf(response, 'JPY')).toMatchObject({ asOf: SHIPPED_RATES.asOf, origin: 'snapshot' });
    // This instance dropped its cache on the write: readers see the new table at once.
    expect((await read(candidate)).json()).toEqual(body);

    // Another instance converts with them within a minute (its cache lives 60 s by the clock).
    await advanceClock(t, 60_000, [admin, candidate]);
    const rates = await elsewhere.current();
    expect(rates.asOf).toBe('2025-12-31');
    expect(convert(85_43, 'GBP', 'EUR', rates)).toBe(100_00);
    expect(convert(100_00, 'EUR', 'CLP', rates)).toBe(106_140);
    expect(convert(100_00, 'EUR', 'JPY', rates)).toBe(convert(100_00, 'EUR', 'JPY', SHIPPED_RATES));

    const audit = await auditRows();
    expect(audit).toEqual([
      {
        actor_id: admin.id,
        target_type: 'exchange_rates',
        target_id: '2025-12-31',
        before: null,
        after: {
          asOf: '2025-12-31',
          source: 'ECB euro foreign exchange reference rates of 2025-12-31',
          rates: { CLP: 1061.4, GBP: 0.8543, USD: 1.1676 },
          minorDigits: { CLP: 0, GBP: 2, USD: 2 },
        },
      },
    ]);
  });

  it('replaces the whole stored set: a currency left out falls back to the snapshot, and the audit keeps both', async () => {
    const response = await put(admin, { asOf: '2026-01-01', rates: { USD: 1.17 } });
    expect(response.statusCode).toBe(200);
    expect(response.json().source).toMatch(/^Entered by an operator \(1 currency\); the other /);
    expect(rateOf(response, 'GBP')).toMatchObject({
      unitsPerEuro: SHIPPED_RATES.unitsPerEuro.get('GBP'),
      origin: 'snapshot',
    });
    expect(rateOf(response, 'CLP')).toBeUndefined();
    expect(await storedRows()).toBe(1);
    const audit = await auditRows();
    expect(audit).toHaveLength(2);
    expect(audit[1]).toMatchObject({
      before: { asOf: '2025-12-31', rates: { CLP: 1061.4, GBP: 0.8543, USD: 1.1676 } },
      after: { asOf: '2026-01-01', source: 'Entered by an operator', rates: { USD: 1.17 } },
    });
  });

  it("judges 'in the future' by the server's clock", async () => {
    expect((await put(admin, { asOf: '2026-01-02', rates: { USD: 1.18 } })).statusCode).toBe(400);
    await advanceClock(t, 24 * 60 * 60_000, [admin, candidate]);
    const response = await put(admin, { asOf: '2026-01-02', rates: { USD: 1.18 } });
    expect(response.statusCode).toBe(200);
    expect(response.json().asOf).toBe('2026-01-02');
  });
});

describe('the API documents', () => {
  it('show an example for the request body and answers of the exchange-rate routes', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    expect(Object.keys(document.paths['/exchange-rates'] ?? {}).sort()).toEqual(['get', 'put']);
    expect(operationsWithoutExamples(document, ['/exchange-rates'])).toEqual([]);
  });
});
