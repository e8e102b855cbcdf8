// Salary fit asks whether the job's pay can meet the candidate's ask, comparing yearly amounts in
// one currency; anything it cannot compare is neutral, never an error.
import { describe, expect, it } from 'vitest';
import type { SalaryRange } from '../../src/modules/matching/index.js';
import { candidate, job, matchOne } from './builders.js';

const range = (
  min: number | null,
  max: number | null,
  interval: SalaryRange['interval'] = 'YEAR',
  currency = 'EUR',
) => ({
  min,
  max,
  currency,
  interval,
});
const fit = (offered: SalaryRange | null, asked: SalaryRange | null) =>
  matchOne(job({ salary: offered }), candidate({ desiredSalary: asked })).components.salary;

describe('salary fit', () => {
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

  it('cannot tell (0.5) across currencies or with unknown figures', () => {
    expect(fit(range(60_000_00, 80_000_00, 'YEAR', 'USD'), range(200_000_00, null, 'YEAR', 'EUR'))).toBe(0.5);
    expect(fit(null, range(60_000_00, null))).toBe(0.5);
    expect(fit(range(60_000_00, null), null)).toBe(0.5);
    expect(fit(range(null, null), range(60_000_00, null))).toBe(0.5);
    expect(fit(range(Number.NaN, -5), range(60_000_00, null))).toBe(0.5);
    expect(fit(range(1, 2, 'FORTNIGHT' as SalaryRange['interval']), range(60_000_00, null))).toBe(0.5);
  });

  it('compares currency codes without case or padding', () => {
    expect(fit(range(60_000_00, 80_000_00, 'YEAR', 'eur '), range(100_000_00, null))).toBe(0.3333);
  });
});
