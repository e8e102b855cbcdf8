// Owns currency conversion for matching: the rates table's shape, the shipped dated snapshot
// (exchange-rates.json, hand-entered approximations of ECB reference rates; its "about" field says
// exactly what it is and is not), converting an amount between currencies, and the rules an
// operator's replacement table must meet. Pure: no I/O, no clock; the exchange-rates module stores
// the operator's table and hands the merged result here.
//
// Amounts are integers in a currency's minor units, and minor units differ (JPY has none, KWD has
// three decimals), so a conversion goes through major units: minor -> major -> euros -> target
// major -> target minor, rounded once to an integer of the target's minor units.
import snapshot from './exchange-rates.json' with { type: 'json' };

export interface ExchangeRates {
  /** ISO date (YYYY-MM-DD) the rates are of; with operator rates, the operator's date. */
  asOf: string;
  /** Where the rates come from, in a sentence a reader of the API can judge. */
  source: string;
  /** Units of the currency one euro buys; EUR itself is 1. Keys are ISO 4217 codes. */
  unitsPerEuro: ReadonlyMap<string, number>;
  /** ISO 4217 exponent: the decimal places of the currency's minor unit (JPY 0, EUR 2, KWD 3). */
  minorDigits: ReadonlyMap<string, number>;
}

/** Three capital letters; whether ISO 4217 lists it is the operator's call. */
const CURRENCY_CODE = /^[A-Z]{3}$/;
/** Rates outside these bounds are typos: no currency trades near them against the euro. */
const MIN_UNITS_PER_EURO = 0.000_001;
const MAX_UNITS_PER_EURO = 10_000_000;
export const MAX_MINOR_DIGITS = 4;
/** The euro began on this date; a table of rates against it cannot be older. */
const EARLIEST_AS_OF = '1999-01-01';

function shippedRates(): ExchangeRates {
  const unitsPerEuro = new Map<string, number>();
  const minorDigits = new Map<string, number>();
  for (const [code, entry] of Object.entries(snapshot.currencies)) {
    unitsPerEuro.set(code, entry.unitsPerEuro);
    minorDigits.set(code, entry.minorDigits);
  }
  const rates = { asOf: snapshot.asOf, source: snapshot.source, unitsPerEuro, minorDigits };
  // A broken snapshot fails the import, not a ranking.
  const problems = checkTable(rates);
  if (problems.length > 0) throw new Error(`exchange-rates.json: ${JSON.stringify(problems)}`);
  return rates;
}

/** Whether the table is whole: EUR is 1, every rate in bounds, every currency has its digits. */
function checkTable(rates: ExchangeRates): RateProblem[] {
  const problems: RateProblem[] = [];
  if (rates.unitsPerEuro.get('EUR') !== 1) problems.push({ path: '/rates/EUR', message: 'must be 1' });
  for (const [code, rate] of rates.unitsPerEuro) {
    const problem = CURRENCY_CODE.test(code) ? rateProblem(rate) : 'must be an ISO 4217 code';
    if (problem) problems.push({ path: `/rates/${code}`, message: problem });
    const digits = rates.minorDigits.get(code);
    if (digits === undefined || digitsProblem(digits))
      problems.push({ path: `/minorDigits/${code}`, message: 'missing or out of range' });
  }
  return problems;
}

/** The dated snapshot shipped with the code: the default until an operator stores rates. */
export const SHIPPED_RATES: ExchangeRates = shippedRates();

const normalise = (code: string) => code.trim().toUpperCase();

/**
 * `amountMinor` (an integer in `from`'s minor units) in `to`'s minor units, rounded to an integer.
 * The same currency needs no rate and comes back unchanged, even one the table does not know; null
 * when a conversion is needed and either currency is missing from the table.
 */
export function convert(amountMinor: number, from: string, to: string, rates: ExchangeRates): number | null {
  const source = normalise(from);
  const target = normalise(to);
  if (!Number.isFinite(amountMinor)) return null;
  if (source === target) return amountMinor;
  const fromRate = rates.unitsPerEuro.get(source);
  const toRate = rates.unitsPerEuro.get(target);
  const fromDigits = rates.minorDigits.get(source);
  const toDigits = rates.minorDigits.get(target);
  if (fromRate === undefined || toRate === undefined || fromDigits === undefined || toDigits === undefined)
    return null;
  // One division, so the rounding error is one ulp, not one per step.
  return Math.round((amountMinor * toRate * 10 ** toDigits) / (fromRate * 10 ** fromDigits));
}

/** Digits after the point of `currency`'s minor unit; undefined when the table does not know it. */
export const minorDigitsOf = (currency: string, rates: ExchangeRates) =>
  rates.minorDigits.get(normalise(currency));

/** What an operator sends to replace the stored rates (the HTTP body, already shape-checked). */
export interface RatesUpdate {
  asOf: string;
  /** Units per euro by ISO 4217 code. EUR may be given, and must then be 1. */
  rates: Record<string, unknown>;
  /** Minor-unit digits; needed only for currencies the shipped snapshot does not know. */
  minorDigits?: Record<string, unknown>;
}

/** A field of the update that is wrong, as a JSON pointer relative to the update. */
export interface RateProblem {
  path: string;
  message: string;
}

interface ValidRates {
  asOf: string;
  /** Without EUR, sorted by code. */
  rates: Array<{ currency: string; unitsPerEuro: number; minorDigits: number }>;
}

// Declarations, not arrow constants: the snapshot is checked with these while the module loads.
function rateProblem(rate: unknown): string | null {
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return 'must be a finite number';
  if (rate <= 0) return 'must be above 0';
  if (rate < MIN_UNITS_PER_EURO) return `must be at least ${MIN_UNITS_PER_EURO} units per euro`;
  if (rate > MAX_UNITS_PER_EURO) return `must be at most ${MAX_UNITS_PER_EURO} units per euro`;
  return null;
}

function digitsProblem(digits: unknown): string | null {
  return typeof digits === 'number' && Number.isInteger(digits) && digits >= 0 && digits <= MAX_MINOR_DIGITS
    ? null
    : `must be a whole number from 0 to ${MAX_MINOR_DIGITS}`;
}

/** A key as a JSON pointer segment: a client's key may hold "/" or "~". */
const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/** A real calendar date in YYYY-MM-DD form ("2026-02-30" is not). */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * Checks an operator's table: `asOf` a real date from 1999 (the euro's start) to `today` (UTC,
 * from the caller's clock); at least one currency; codes of three capital letters; each rate a
 * finite number in [MIN_UNITS_PER_EURO, MAX_UNITS_PER_EURO]; EUR, if given, exactly 1; minor digits
 * 0..4, given for every currency `known` lacks. Every problem is listed, not only the first.
 */
export function validateRates(
  update: RatesUpdate,
  today: string,
  known: ExchangeRates = SHIPPED_RATES,
): { ok: true; value: ValidRates } | { ok: false; problems: RateProblem[] } {
  const problems: RateProblem[] = [];
  if (!isCalendarDate(update.asOf)) {
    problems.push({ path: '/asOf', message: 'must be a calendar date, YYYY-MM-DD' });
  } else if (update.asOf > today) {
    problems.push({ path: '/asOf', message: `must not be after today (${today})` });
  } else if (update.asOf < EARLIEST_AS_OF) {
    problems.push({ path: '/asOf', message: `must not be before ${EARLIEST_AS_OF}, when the euro began` });
  }
  const entries = Object.entries(update.rates);
  if (entries.filter(([code]) => code !== 'EUR').length === 0)
    problems.push({ path: '/rates', message: 'must give at least one currency other than EUR' });
  const digitsGiven = update.minorDigits ?? {};
  for (const code of Object.keys(digitsGiven)) {
    if (!Object.hasOwn(update.rates, code))
      problems.push({
        path: `/minorDigits/${pointer(code)}`,
        message: 'names a currency that has no rate in rates',
      });
  }
  const valid: ValidRates['rates'] = [];
  for (const [code, rate] of entries) {
    const path = `/rates/${pointer(code)}`;
    if (!CURRENCY_CODE.test(code)) {
      problems.push({ path, message: 'must be an ISO 4217 code: three capital letters' });
      continue;
    }
    if (code === 'EUR') {
      if (rate !== 1) problems.push({ path, message: 'must be 1: rates are units per euro' });
      continue;
    }
    const problem = rateProblem(rate);
    if (problem) problems.push({ path, message: problem });
    const given = Object.hasOwn(digitsGiven, code) ? digitsGiven[code] : undefined;
    const shipped = known.minorDigits.get(code);
    // Stored salaries are whole minor units: changing a known currency's digits would misread them all.
    if (given !== undefined && shipped !== undefined && given !== shipped) {
      problems.push({
        path: `/minorDigits/${code}`,
        message: `must be ${shipped} or left out: ${code} amounts are already stored in units of ${shipped} decimal places`,
      });
      continue;
    }
    const digits = given ?? shipped;
    if (digits === undefined) {
      problems.push({
        path: `/minorDigits/${code}`,
        message: `is needed: ${code} is not in the shipped table, so say how many decimals its minor unit has (0 to ${MAX_MINOR_DIGITS})`,
      });
      continue;
    }
    const wrongDigits = digitsProblem(digits);
    if (wrongDigits) problems.push({ path: `/minorDigits/${code}`, message: wrongDigits });
    if (!problem && !wrongDigits)
      valid.push({ currency: code, unitsPerEuro: rate as number, minorDigits: digits as number });
  }
  if (problems.length > 0) return { ok: false, problems };
  valid.sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
  return { ok: true, value: { asOf: update.asOf, rates: valid } };
}
