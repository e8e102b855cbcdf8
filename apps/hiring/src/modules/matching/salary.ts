// Owns salary fit: whether what a job pays can meet what a candidate asks. Ranges are compared as
// yearly amounts in the same currency only; there is no exchange-rate table, so a currency
// mismatch, like any missing or nonsensical figure, is "cannot tell" (0.5), never an error.
import type { SalaryInterval, SalaryRange } from './types.js';

/** Full-time conversion to a year: 40-hour weeks, 5-day weeks, 52 weeks. */
const PER_YEAR: Record<SalaryInterval, number> = { HOUR: 2080, DAY: 260, WEEK: 52, MONTH: 12, YEAR: 1 };

/** A candidate asking this fraction more than the job's top pay gets no salary credit. */
const GAP_TOLERANCE = 0.3;
const UNKNOWN = 0.5;

export interface YearlyRange {
  currency: string;
  low: number;
  high: number;
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
  };
}

/**
 * 1 when the candidate's floor is within the job's top pay (the ranges overlap, or the job pays
 * more than asked); otherwise credit falls linearly with the shortfall, reaching 0 when the
 * candidate asks GAP_TOLERANCE more than the job's top.
 */
export function salaryFit(job: YearlyRange | null, candidate: YearlyRange | null): number {
  if (!job || !candidate || job.currency !== candidate.currency) return UNKNOWN;
  if (candidate.low <= job.high) return 1;
  const shortfall = (candidate.low - job.high) / candidate.low;
  return Math.max(0, 1 - shortfall / GAP_TOLERANCE);
}
