// Owns salary fit: whether what a job pays can meet what a candidate asks, with a one-sentence
// reason. Both ranges become yearly amounts; the candidate's is then converted into the job's
// currency with the rates table in use (exchange-rates.ts: the shipped snapshot or an operator's).
// A currency the table does not know, like any missing or nonsensical figure, is "cannot tell"
// (0.5) with a reason, never an error.
import { convert, type ExchangeRates, minorDigitsOf } from './exchange-rates.js';
import type { SalaryInterval, SalaryRange } from './types.js';

/**
 * Full-time conversion to a year: 40-hour weeks, 5-day weeks, 52 weeks. Kept as it was: paid
 * leave is in these figures on both sides, so a contractor's day rate reads slightly high against
 * an employee's salary, and a recruiter makes the same rough conversion.
 */
const PER_YEAR: Record<SalaryInterval, number> = { HOUR: 2080, DAY: 260, WEEK: 52, MONTH: 12, YEAR: 1 };

/** A candidate asking this fraction more than the job's top pay gets no salary credit. */
const GAP_TOLERANCE = 0.3;
const UNKNOWN = 0.5;

export interface YearlyRange {
  currency: string;
  /** Yearly amounts, integers in the currency's minor units. */
  low: number;
  high: number;
  /** The interval the figures were given in, for the reason; absent: YEAR. */
  interval?: SalaryInterval;
}

interface SalaryFit {
  /** In [0, 1]; 0.5 means "cannot tell". */
  fit: number;
  /** One short sentence for the explanation. */
  reason: string;
}

const amount = (value: number | null) =>
  value !== null && Number.isFinite(value) && value > 0 ? value : null;

/** A range as yearly amounts; one known end stands for both; null when nothing usable is known. */
export function yearly(range: SalaryRange | null): YearlyRange | null {
  const perYear = range ? PER_YEAR[range.interval] : undefined;
  if (!range || perYear === undefined) return null;
  const min = amount(range.min);
  const max = amount(range.max);
  const low = min ?? max;
  const high = max ?? min;
  if (low === null || high === null) return null;
  return {
    currency: range.currency.trim().toUpperCase(),
    low: Math.min(low, high) * perYear,
    high: Math.max(low, high) * perYear,
    interval: range.interval,
  };
}

/** The candidate's yearly range in the job's currency, or the currencies that have no rate. */
function inJobCurrency(
  job: YearlyRange,
  candidate: YearlyRange,
  rates: ExchangeRates,
): { low: number; high: number } | { unknown: string[] } {
  const low = convert(candidate.low, candidate.currency, job.currency, rates);
  const high = convert(candidate.high, candidate.currency, job.currency, rates);
  if (low !== null && high !== null) return { low, high };
  const unknown = [candidate.currency, job.currency].filter((code) => !rates.unitsPerEuro.has(code));
  return { unknown: unknown.length > 0 ? [...new Set(unknown)] : [candidate.currency, job.currency] };
}

/**
 * 1 when the candidate's floor is within the job's top pay (the ranges overlap, or the job pays
 * more than asked); otherwise credit falls linearly with the shortfall, reaching 0 when the
 * candidate asks GAP_TOLERANCE more than the job's top.
 */
const fitOf = (job: YearlyRange, candidateLow: number) =>
  candidateLow <= job.high ? 1 : Math.max(0, 1 - (candidateLow - job.high) / candidateLow / GAP_TOLERANCE);

/**
 * The score alone, with no sentence to build: for ranking many candidates, where only the shown
 * page needs reasons. Always equal to `salaryFit(...).fit`.
 */
export function salaryScore(
  job: YearlyRange | null,
  candidate: YearlyRange | null,
  rates: ExchangeRates,
): number {
  if (!job || !candidate) return UNKNOWN;
  const converted = inJobCurrency(job, candidate, rates);
  return 'unknown' in converted ? UNKNOWN : fitOf(job, converted.low);
}

/**
 * The fit, and one sentence saying why, with every figure a yearly amount in whole major units.
 * The candidate's own figures appear only when `showAsk` (the candidate ranking jobs): employers
 * never see a desired salary, so theirs says only how the ask stands to the job's public range.
 */
export function salaryFit(
  job: YearlyRange | null,
  candidate: YearlyRange | null,
  rates: ExchangeRates,
  showAsk: boolean,
): SalaryFit {
  if (!job && !candidate) return { fit: UNKNOWN, reason: 'cannot tell: neither side states a salary' };
  if (!job) return { fit: UNKNOWN, reason: 'cannot tell: the job states no salary' };
  if (!candidate) return { fit: UNKNOWN, reason: 'cannot tell: the candidate states no salary expectation' };
  const converted = inJobCurrency(job, candidate, rates);
  if ('unknown' in converted)
    return {
      fit: UNKNOWN,
      reason: showAsk
        ? `cannot tell: no exchange rate for ${converted.unknown.join(' or ')} (asks in ${candidate.currency}, the job pays in ${job.currency})`
        : `cannot tell: no exchange rate between the candidate's currency and ${job.currency}`,
    };
  const fit = fitOf(job, converted.low);
  if (!showAsk) {
    const top = figures({ low: job.high, high: job.high }, job.currency, rates, false);
    return {
      fit,
      reason:
        fit === 1
          ? `the candidate's expectation is within the job's top of ${top}`
          : `the candidate expects more than the job's top of ${top}`,
    };
  }
  const asks = `asks ${figures(candidate, candidate.currency, rates, false)} a year`;
  const notes = [
    ...(candidate.interval && candidate.interval !== 'YEAR'
      ? [`from ${PER_INTERVAL[candidate.interval]} figure`]
      : []),
    ...(candidate.currency !== job.currency
      ? [`about ${figures(converted, job.currency, rates, true)}`]
      : []),
  ];
  const asked = notes.length > 0 ? `${asks} (${notes.join('; ')})` : asks;
  const offered = figures(job, job.currency, rates, false);
  if (fit === 1) return { fit, reason: `${asked}, within the job's ${offered}` };
  const above = Math.round(((converted.low - job.high) / job.high) * 100);
  const top = figures({ low: job.high, high: job.high }, job.currency, rates, false);
  const verdict = fit === 0 ? ', too far above for any credit' : '';
  return { fit, reason: `${asked}, ${above}% above the job's top of ${top}${verdict}` };
}

const PER_INTERVAL: Record<Exclude<SalaryInterval, 'YEAR'>, string> = {
  HOUR: 'an hourly',
  DAY: 'a daily',
  WEEK: 'a weekly',
  MONTH: 'a monthly',
};

/**
 * "68,000–75,000 GBP" (or one figure when both ends agree) in whole major units; `approximate`
 * rounds to three significant digits, as a converted amount deserves. Plain digits and commas,
 * the same on every machine (no locale).
 */
function figures(
  range: { low: number; high: number },
  currency: string,
  rates: ExchangeRates,
  approximate: boolean,
): string {
  // A currency the table does not know is only ever compared with itself; most have 2 digits.
  const digits = minorDigitsOf(currency, rates) ?? 2;
  const major = (minor: number) => {
    const value = minor / 10 ** digits;
    return approximate ? significant(value, 3) : Math.round(value);
  };
  const low = major(range.low);
  const high = major(range.high);
  return low === high ? `${grouped(low)} ${currency}` : `${grouped(low)}–${grouped(high)} ${currency}`;
}

function significant(value: number, digits: number): number {
  if (value < 1) return Math.round(value);
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(value)) + 1 - digits);
  return Math.round(value / scale) * scale;
}

/** 1234567 as "1,234,567". */
const grouped = (value: number) => String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
