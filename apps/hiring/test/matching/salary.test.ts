// Salary fit asks whether the job's pay can meet the candidate's ask, comparing yearly amounts in
// the job's currency: the candidate's range is converted with the rates table in use (the shipped
// snapshot unless an operator stored others). Anything it cannot compare is neutral (0.5), never an
// error, and every answer carries a one-sentence reason.
import { describe, expect, it } from 'vitest';
import { type ExchangeRates, SHIPPED_RATES } from '../../src/modules/matching/exchange-rates.js';
import type { SalaryRange } from '../../src/modules/matching/index.js';
import { salaryFit, salaryScore, yearly } from '../../src/modules/matching/salary.js';

const range = (
  min: number | null,
  max: number | null,
  interval: SalaryRange['interval'] = 'YEAR',
  currency = 'EUR',
): SalaryRange => ({ min, max, currency, interval });

/** Fit and reason, the fit rounded to 4 decimals as the ranking rounds components. */
function judge(offered: SalaryRange | null, asked: SalaryRange | null, rates: ExchangeRates = SHIPPED_RATES) {
  const { fit, reason } = salaryFit(yearly(offered), yearly(asked), rates, true);
  return { fit: Math.round(fit * 10_000) / 10_000, reason };
}
const fit = (offered: SalaryRange | null, asked: SalaryRange | null, rates?: ExchangeRates) =>
  judge(offered, asked, rates).fit;

/** The shipped table with two rates changed, as an operator's update would change them. */
const withRates = (changes: Record<string, number>): ExchangeRates => ({
  ...SHIPPED_RATES,
  asOf: '2025-12-31',
  unitsPerEuro: new Map([...SHIPPED_RATES.unitsPerEuro, ...Object.entries(changes)]),
});

describe('salary fit in one currency', () => {
  it('is 1 when the ranges overlap or the job pays more than asked', () => {
    expect(fit(range(60_000_00, 80_000_00), range(75_000_00, 90_000_00))).toBe(1);
    expect(fit(range(60_000_00, 80_000_00), range(40_000_00, 50_000_00))).toBe(1);
    expect(fit(range(60_000_00, 80_000_00), range(80_000_00, null))).toBe(1);
  });

  it('falls linearly with the shortfall, to 0 when the ask is 30% above the top', () => {
    expect(fit(range(60_000_00, 80_000_00), range(100_000_00, 120_000_00))).toBe(0.3333); // 20% short
    expect(fit(range(60_000_00, 80_000_00), range(200_000_00, null))).toBe(0);
  });

  it('reads a single known end as the whole range', () => {
    expect(fit(range(null, 80_000_00), range(88_000_00, null))).toBe(0.697);
    expect(fit(range(80_000_00, null), range(88_000_00, null))).toBe(0.697);
  });

  it('converts every interval to a year before comparing', () => {
    // 40 EUR an hour is 83,200 a year; 7,000 a month is 84,000; 1,600 a week is 83,200; 320 a day is 83,200.
    expect(fit(range(4_000, 4_000, 'HOUR'), range(80_000_00, 90_000_00))).toBe(1);
    expect(fit(range(null, 80_000_00), range(7_000_00, null, 'MONTH'))).toBe(0.8413);
    expect(fit(range(1_600_00, null, 'WEEK'), range(83_200_00, null))).toBe(1);
    expect(fit(range(320_00, null, 'DAY'), range(83_200_00, null))).toBe(1);
    expect(fit(range(320_00, null, 'DAY'), range(90_000_00, null))).toBe(0.7481);
  });

  it('compares currency codes without case or padding', () => {
    expect(fit(range(60_000_00, 80_000_00, 'YEAR', 'eur '), range(100_000_00, null))).toBe(0.3333);
  });

  it('says why in one sentence, with plain figures in major units', () => {
    expect(judge(range(75_000_00, 95_000_00), range(68_000_00, 75_000_00)).reason).toBe(
      "asks 68,000–75,000 EUR a year, within the job's 75,000–95,000 EUR",
    );
    expect(judge(range(60_000_00, 80_000_00), range(100_000_00, 120_000_00)).reason).toBe(
      "asks 100,000–120,000 EUR a year, 25% above the job's top of 80,000 EUR",
    );
    expect(judge(range(60_000_00, 80_000_00), range(200_000_00, null)).reason).toBe(
      "asks 200,000 EUR a year, 150% above the job's top of 80,000 EUR, too far above for any credit",
    );
    expect(judge(range(null, 80_000_00), range(7_000_00, null, 'MONTH')).reason).toBe(
      "asks 84,000 EUR a year (from a monthly figure), 5% above the job's top of 80,000 EUR",
    );
  });

  it('compares a currency the table does not know with itself, as before', () => {
    expect(
      judge(range(5_000_000_00, 7_000_000_00, 'YEAR', 'ARS'), range(6_000_000_00, null, 'YEAR', 'ARS')),
    ).toEqual({
      fit: 1,
      reason: "asks 6,000,000 ARS a year, within the job's 5,000,000–7,000,000 ARS",
    });
  });
});

describe('salary fit across currencies (issue 18)', () => {
  it('scores EUR against GBP by the amounts, not 0.5 whatever they are', () => {
    // 68,000–75,000 GBP is about 82,000–90,500 EUR at the snapshot's 0.82918 GBP per euro.
    expect(judge(range(75_000_00, 95_000_00), range(68_000_00, 75_000_00, 'YEAR', 'GBP'))).toEqual({
      fit: 1,
      reason: "asks 68,000–75,000 GBP a year (about 82,000–90,500 EUR), within the job's 75,000–95,000 EUR",
    });
    // 120,000 GBP is about 144,700 EUR: 52% above the top, more than the 30% tolerance.
    expect(judge(range(75_000_00, 95_000_00), range(120_000_00, null, 'YEAR', 'GBP'))).toEqual({
      fit: 0,
      reason:
        "asks 120,000 GBP a year (about 145,000 EUR), 52% above the job's top of 95,000 EUR, too far above for any credit",
    });
    // The other way round: a GBP job, a EUR ask of 100,000 (about 82,900 GBP) against an 80,000 top.
    expect(judge(range(60_000_00, 80_000_00, 'YEAR', 'GBP'), range(100_000_00, null))).toEqual({
      fit: 0.8827,
      reason: "asks 100,000 EUR a year (about 82,900 GBP), 4% above the job's top of 80,000 GBP",
    });
  });

  it('converts intervals and currencies together', () => {
    // 50 USD an hour is 104,000 USD a year; 6,000 GBP a month is 72,000 GBP, about 90,200 USD.
    expect(judge(range(5_000, null, 'HOUR', 'USD'), range(6_000_00, null, 'MONTH', 'GBP'))).toEqual({
      fit: 1,
      reason:
        "asks 72,000 GBP a year (from a monthly figure; about 90,200 USD), within the job's 104,000 USD",
    });
    // 600 CHF a day is 156,000 CHF a year, about 172,200 USD: the job's top is 40% short of it.
    expect(fit(range(5_000, null, 'HOUR', 'USD'), range(600_00, null, 'DAY', 'CHF'))).toBe(0);
    // 450 CHF a day is 117,000 CHF, about 129,100 USD: 24% above the top, 19% short of the ask.
    expect(judge(range(5_000, null, 'HOUR', 'USD'), range(450_00, null, 'DAY', 'CHF'))).toEqual({
      fit: 0.351,
      reason:
        "asks 117,000 CHF a year (from a daily figure; about 129,000 USD), 24% above the job's top of 104,000 USD",
    });
    // 20,000 SEK a week is 1,040,000 SEK a year, about 90,800 EUR: within 7,500–8,000 EUR a month.
    expect(fit(range(7_500_00, 8_000_00, 'MONTH'), range(20_000_00, null, 'WEEK', 'SEK'))).toBe(1);
  });

  it('minds currencies whose minor unit is not a cent (JPY none, KWD three decimals)', () => {
    // 9,000,000 JPY a year is written 9000000 (no minor unit); 50,000 EUR is about 8,150,000 JPY.
    expect(judge(range(7_000_000, 9_000_000, 'YEAR', 'JPY'), range(50_000_00, null))).toEqual({
      fit: 1,
      reason: "asks 50,000 EUR a year (about 8,150,000 JPY), within the job's 7,000,000–9,000,000 JPY",
    });
    // 2,000 KWD a month is 2000000 fils, 24,000 KWD a year; 90,000 USD is about 27,700 KWD.
    expect(judge(range(null, 2_000_000, 'MONTH', 'KWD'), range(90_000_00, null, 'YEAR', 'USD'))).toEqual({
      fit: 0.5516,
      reason: "asks 90,000 USD a year (about 27,700 KWD), 16% above the job's top of 24,000 KWD",
    });
    // And a KWD ask against a JPY job: 1,500 KWD a month is 18,000 KWD, about 9,170,000 JPY.
    expect(fit(range(8_000_000, 10_000_000, 'YEAR', 'JPY'), range(1_500_000, null, 'MONTH', 'KWD'))).toBe(1);
  });

  it('converts with the rates it is given, so an operator update changes the verdict', () => {
    const job = range(75_000_00, 80_000_00);
    const ask = range(75_000_00, null, 'YEAR', 'GBP');
    // At the snapshot's 0.82918, 75,000 GBP is about 90,450 EUR: 13% above 80,000.
    expect(fit(job, ask)).toBe(0.6149);
    // Were the pound at parity with the euro, 75,000 GBP would be 75,000 EUR: within the range.
    expect(judge(job, ask, withRates({ GBP: 1 }))).toEqual({
      fit: 1,
      reason: "asks 75,000 GBP a year (about 75,000 EUR), within the job's 75,000–80,000 EUR",
    });
  });

  it('cannot tell (0.5), with the reason, for an unknown currency or missing figures', () => {
    expect(judge(range(60_000_00, 80_000_00, 'YEAR', 'XTS'), range(60_000_00, null))).toEqual({
      fit: 0.5,
      reason: 'cannot tell: no exchange rate for XTS (asks in EUR, the job pays in XTS)',
    });
    expect(judge(range(60_000_00, 80_000_00), range(60_000_00, null, 'YEAR', 'ABC'))).toEqual({
      fit: 0.5,
      reason: 'cannot tell: no exchange rate for ABC (asks in ABC, the job pays in EUR)',
    });
    expect(judge(null, range(60_000_00, null))).toEqual({
      fit: 0.5,
      reason: 'cannot tell: the job states no salary',
    });
    expect(judge(range(60_000_00, null), null)).toEqual({
      fit: 0.5,
      reason: 'cannot tell: the candidate states no salary expectation',
    });
    expect(judge(range(null, null), range(60_000_00, null)).fit).toBe(0.5);
    expect(judge(range(Number.NaN, -5), range(60_000_00, null)).fit).toBe(0.5);
    expect(judge(range(1, 2, 'FORTNIGHT' as SalaryRange['interval']), range(60_000_00, null)).fit).toBe(0.5);
  });

  it("never quotes the candidate's ask to an employer, only how it stands to the job's range", () => {
    const job = yearly(range(75_000_00, 95_000_00));
    const forEmployer = (min: number, currency = 'EUR') =>
      salaryFit(job, yearly(range(min, min + 5_000_00, 'YEAR', currency)), SHIPPED_RATES, false).reason;
    expect(forEmployer(80_000_00)).toBe("the candidate's expectation is within the job's top of 95,000 EUR");
    expect(forEmployer(110_000_00)).toBe("the candidate expects more than the job's top of 95,000 EUR");
    for (const reason of [forEmployer(80_000_00), forEmployer(68_000_00, 'GBP'), forEmployer(110_000_00)]) {
      expect(reason).not.toMatch(/80,000|85,000|68,000|73,000|110,000|115,000|GBP/);
    }
    expect(forEmployer(80_000_00, 'XTS')).toBe(
      "cannot tell: no exchange rate between the candidate's currency and EUR",
    );
  });

  it('gives the same score without the sentence (salaryScore) as with it', () => {
    const currencies = ['EUR', 'GBP', 'USD', 'JPY', 'KWD', 'XTS'];
    const intervals: SalaryRange['interval'][] = ['HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR'];
    let compared = 0;
    for (const [i, jobCurrency] of currencies.entries()) {
      for (const [j, askCurrency] of currencies.entries()) {
        for (const [k, interval] of intervals.entries()) {
          const job = yearly(range(40_000_00 + i * 7_000_00, 60_000_00 + j * 9_000_00, 'YEAR', jobCurrency));
          const ask = yearly(range((1 + k) * 3_000_00, null, interval, askCurrency));
          expect(salaryScore(job, ask, SHIPPED_RATES)).toBe(salaryFit(job, ask, SHIPPED_RATES, true).fit);
          expect(salaryScore(job, ask, SHIPPED_RATES)).toBe(salaryFit(job, ask, SHIPPED_RATES, false).fit);
          compared += 1;
        }
      }
    }
    expect(compared).toBe(180);
  });
});
