// Converting salaries between currencies (issue 18): amounts are integers in each currency's minor
// units, which are not always cents (JPY has none, KWD three decimals), so a conversion goes through
// major units and lands on a whole number of the target's minor units. The shipped snapshot says
// honestly what it is, and an operator's table is checked before it is ever used.
import { describe, expect, it } from 'vitest';
import {
  convert,
  type ExchangeRates,
  SHIPPED_RATES,
  validateRates,
} from '../../src/modules/matching/exchange-rates.js';
import snapshot from '../../src/modules/matching/exchange-rates.json' with { type: 'json' };

const rates: ExchangeRates = {
  asOf: '2025-06-30',
  source: 'test rates',
  unitsPerEuro: new Map([
    ['EUR', 1],
    ['GBP', 0.85],
    ['JPY', 160],
    ['KWD', 0.32],
    ['USD', 1.1],
  ]),
  minorDigits: new Map([
    ['EUR', 2],
    ['GBP', 2],
    ['JPY', 0],
    ['KWD', 3],
    ['USD', 2],
  ]),
};

describe('convert', () => {
  it('converts through the euro between cent currencies', () => {
    expect(convert(100_00, 'EUR', 'GBP', rates)).toBe(85_00); // 100 EUR is 85 GBP
    expect(convert(85_00, 'GBP', 'EUR', rates)).toBe(100_00);
    expect(convert(85_00, 'GBP', 'USD', rates)).toBe(110_00);
    expect(convert(1, 'EUR', 'GBP', rates)).toBe(1); // 0.85 of a penny rounds to one
  });

  it('minds JPY, which has no minor unit', () => {
    expect(convert(100_00, 'EUR', 'JPY', rates)).toBe(16_000); // 100 EUR is 16,000 yen, written 16000
    expect(convert(16_000, 'JPY', 'EUR', rates)).toBe(100_00);
    expect(convert(1, 'JPY', 'EUR', rates)).toBe(1); // 1 yen is 0.625 of a cent
    expect(convert(99, 'JPY', 'USD', rates)).toBe(68); // 0.6806 USD
  });

  it('minds KWD, whose minor unit (the fils) is a thousandth', () => {
    expect(convert(100_00, 'EUR', 'KWD', rates)).toBe(32_000); // 32.000 KWD
    expect(convert(32_000, 'KWD', 'EUR', rates)).toBe(100_00);
    expect(convert(1_000, 'KWD', 'JPY', rates)).toBe(500); // 1 KWD is 3.125 EUR is 500 yen
    expect(convert(500, 'JPY', 'KWD', rates)).toBe(1_000);
    expect(convert(2_000_000, 'KWD', 'USD', rates)).toBe(6_875_00); // 2,000 KWD is 6,250 EUR is 6,875 USD
  });

  it('rounds once, to a whole number of the target minor unit, even for large yearly amounts', () => {
    const amount = convert(123_456_789_01, 'GBP', 'JPY', rates);
    expect(Number.isInteger(amount)).toBe(true);
    expect(amount).toBe(Math.round((123_456_789.01 / 0.85) * 160));
  });

  it('returns null when a currency is not in the table, and the same amount for the same currency', () => {
    expect(convert(100_00, 'EUR', 'XTS', rates)).toBeNull();
    expect(convert(100_00, 'XTS', 'EUR', rates)).toBeNull();
    expect(convert(100_00, 'XTS', 'xts ', rates)).toBe(100_00);
    expect(convert(100_00, 'eur', ' GBP', rates)).toBe(85_00);
    expect(convert(Number.NaN, 'EUR', 'GBP', rates)).toBeNull();
  });
});

describe('the shipped snapshot', () => {
  it('is dated, says it is a hand-entered approximation and not an official copy', () => {
    expect(SHIPPED_RATES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(SHIPPED_RATES.source).toMatch(/approximation/);
    expect(SHIPPED_RATES.source).toMatch(/not an official copy/);
    expect(snapshot.about).toMatch(/NOT copied from an official ECB publication/);
  });

  it('covers the major currencies with their ISO 4217 minor digits, EUR being 1', () => {
    const codes = [...SHIPPED_RATES.unitsPerEuro.keys()];
    expect(codes.length).toBeGreaterThanOrEqual(30);
    for (const code of ['USD', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'NZD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK']) {
      expect(codes).toContain(code);
    }
    for (const code of ['HUF', 'RON', 'BGN', 'TRY', 'INR', 'CNY', 'HKD', 'SGD', 'KRW', 'BRL', 'MXN', 'ZAR']) {
      expect(codes).toContain(code);
    }
    for (const code of ['ILS', 'AED', 'SAR', 'THB', 'IDR', 'MYR', 'PHP', 'KWD', 'BHD'])
      expect(codes).toContain(code);
    expect(SHIPPED_RATES.unitsPerEuro.get('EUR')).toBe(1);
    expect(
      Object.fromEntries(
        ['EUR', 'USD', 'JPY', 'KRW', 'ISK', 'KWD', 'BHD'].map((c) => [c, SHIPPED_RATES.minorDigits.get(c)]),
      ),
    ).toEqual({ EUR: 2, USD: 2, JPY: 0, KRW: 0, ISK: 0, KWD: 3, BHD: 3 });
  });

  it('passes the same rules an operator table must pass', () => {
    const rates = Object.fromEntries(SHIPPED_RATES.unitsPerEuro);
    expect(validateRates({ asOf: SHIPPED_RATES.asOf, rates }, SHIPPED_RATES.asOf).ok).toBe(true);
  });
});

describe('validateRates', () => {
  const today = '2026-01-01';

  it('accepts a table, without EUR, sorted by code, with the shipped minor digits', () => {
    expect(validateRates({ asOf: '2025-12-31', rates: { USD: 1.17, EUR: 1, JPY: 183.5 } }, today)).toEqual({
      ok: true,
      value: {
        asOf: '2025-12-31',
        rates: [
          { currency: 'JPY', unitsPerEuro: 183.5, minorDigits: 0 },
          { currency: 'USD', unitsPerEuro: 1.17, minorDigits: 2 },
        ],
      },
    });
  });

  it('takes a new currency only with its minor digits', () => {
    expect(validateRates({ asOf: today, rates: { CLP: 1061.4 } }, today)).toEqual({
      ok: false,
      problems: [
        {
          path: '/minorDigits/CLP',
          message: expect.stringMatching(/is needed: CLP is not in the shipped table/),
        },
      ],
    });
    expect(
      validateRates({ asOf: today, rates: { CLP: 1061.4 }, minorDigits: { CLP: 0 } }, today),
    ).toMatchObject({
      ok: true,
      value: { rates: [{ currency: 'CLP', unitsPerEuro: 1061.4, minorDigits: 0 }] },
    });
  });

  it("refuses to change a listed currency's minor-unit digits, which stored salaries depend on", () => {
    const result = validateRates({ asOf: today, rates: { USD: 1.1 }, minorDigits: { USD: 0 } }, today);
    expect(result.ok ? [] : result.problems).toEqual([
      {
        path: '/minorDigits/USD',
        message: 'must be 2 or left out: USD amounts are already stored in units of 2 decimal places',
      },
    ]);
    expect(validateRates({ asOf: today, rates: { USD: 1.1 }, minorDigits: { USD: 2 } }, today).ok).toBe(true);
  });

  it('lists every problem with its field path', () => {
    const result = validateRates(
      {
        asOf: '2026-01-02',
        rates: { usd: 1.1, EUR: 1.2, GBP: 0, JPY: -160, CHF: Number.NaN, IDR: 2e7, NOK: '11' },
        minorDigits: { GBP: 7, SEK: 2 },
      },
      today,
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([
      { path: '/asOf', message: 'must not be after today (2026-01-01)' },
      { path: '/minorDigits/SEK', message: 'names a currency that has no rate in rates' },
      { path: '/rates/usd', message: 'must be an ISO 4217 code: three capital letters' },
      { path: '/rates/EUR', message: 'must be 1: rates are units per euro' },
      { path: '/rates/GBP', message: 'must be above 0' },
      {
        path: '/minorDigits/GBP',
        message: 'must be 2 or left out: GBP amounts are already stored in units of 2 decimal places',
      },
      { path: '/rates/JPY', message: 'must be above 0' },
      { path: '/rates/CHF', message: 'must be a finite number' },
      { path: '/rates/IDR', message: 'must be at most 10000000 units per euro' },
      { path: '/rates/NOK', message: 'must be a finite number' },
    ]);
  });

  it('refuses an empty table, one with only EUR, and dates that are not real or predate the euro', () => {
    const problems = (update: Parameters<typeof validateRates>[0]) => {
      const result = validateRates(update, today);
      return result.ok ? [] : result.problems.map((problem) => `${problem.path} ${problem.message}`);
    };
    expect(problems({ asOf: today, rates: {} })).toEqual([
      '/rates must give at least one currency other than EUR',
    ]);
    expect(problems({ asOf: today, rates: { EUR: 1 } })).toEqual([
      '/rates must give at least one currency other than EUR',
    ]);
    expect(problems({ asOf: '2025-02-30', rates: { USD: 1.1 } })).toEqual([
      '/asOf must be a calendar date, YYYY-MM-DD',
    ]);
    expect(problems({ asOf: '1998-12-31', rates: { USD: 1.1 } })).toEqual([
      '/asOf must not be before 1999-01-01, when the euro began',
    ]);
    expect(problems({ asOf: today, rates: { USD: 1e-7 } })).toEqual([
      '/rates/USD must be at least 0.000001 units per euro',
    ]);
  });
});
