// Owns the exchange rates matching uses: the snapshot shipped in code, overridden currency by
// currency by the rates an operator stored, and the operator's replacing them. It checks a new
// table with the engine's rules (validateRates) against the injected clock and stores all of it or
// none. It never converts amounts itself (the matching engine does) and knows nothing of HTTP; the
// route checks the permission and writes the audit log.
//
// Reads are cached in the process for CACHE_MS by the injected clock: the table is tiny but read
// on every ranking. A write in this process drops the cache at once; another instance sees it
// within CACHE_MS.
import type { Clock, Database } from '@app/platform';
import { hiringDb } from '../../db.js';
import {
  type ExchangeRates,
  type RatesUpdate,
  SHIPPED_RATES,
  validateRates,
} from '../matching/exchange-rates.js';
import { exchangeRatesInvalid } from './errors.js';
import { createExchangeRateRepository, type StoredRate } from './repository.js';

const CACHE_MS = 60_000;
const DEFAULT_SOURCE = 'Entered by an operator';

export interface CurrencyRate {
  currency: string;
  unitsPerEuro: number;
  minorDigits: number;
  /** YYYY-MM-DD of this currency's rate. */
  asOf: string;
  /** `operator`: stored through the API; `snapshot`: shipped with the code. */
  origin: 'operator' | 'snapshot';
}

export interface ExchangeRateTable {
  /** What the matcher converts with. */
  rates: ExchangeRates;
  /** Every currency in use, EUR included, sorted by code. */
  currencies: CurrencyRate[];
  /** When an operator last stored rates; null while the shipped snapshot is all there is. */
  updatedAt: Date | null;
}

interface ReplaceRates extends RatesUpdate {
  /** Where the rates come from ("ECB reference rates of 2026-03-02"); default "Entered by an operator". */
  source?: string;
}

/** What one replacement stored: every row shares the date and source. */
export interface StoredRates {
  asOf: string;
  source: string;
  rates: Array<{ currency: string; unitsPerEuro: number; minorDigits: number }>;
}

/** The snapshot overridden by the stored rows, currency by currency. */
function merge(stored: StoredRate[]): ExchangeRateTable {
  const unitsPerEuro = new Map(SHIPPED_RATES.unitsPerEuro);
  const minorDigits = new Map(SHIPPED_RATES.minorDigits);
  const asOf = new Map<string, string>();
  for (const row of stored) {
    unitsPerEuro.set(row.currency, row.unitsPerEuro);
    minorDigits.set(row.currency, row.minorDigits);
    asOf.set(row.currency, row.asOf);
  }
  const currencies = [...unitsPerEuro.keys()].sort().map(
    (currency): CurrencyRate => ({
      currency,
      unitsPerEuro: unitsPerEuro.get(currency) as number,
      minorDigits: minorDigits.get(currency) as number,
      asOf: asOf.get(currency) ?? SHIPPED_RATES.asOf,
      origin: asOf.has(currency) ? 'operator' : 'snapshot',
    }),
  );
  if (stored.length === 0) return { rates: SHIPPED_RATES, currencies, updatedAt: null };
  const newest = stored.reduce((a, b) => (b.updatedAt > a.updatedAt ? b : a));
  // ISO dates sort as text.
  const latestAsOf = stored
    .map((row) => row.asOf)
    .sort()
    .at(-1) as string;
  const fromSnapshot = currencies.filter((rate) => rate.origin === 'snapshot' && rate.currency !== 'EUR');
  const source =
    fromSnapshot.length === 0
      ? newest.source
      : `${newest.source} (${count(stored.length, 'currency', 'currencies')}); the other ${fromSnapshot.length} from the shipped snapshot of ${SHIPPED_RATES.asOf}`;
  return {
    rates: { asOf: latestAsOf, source, unitsPerEuro, minorDigits },
    currencies,
    updatedAt: newest.updatedAt,
  };
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A day of the clock's time in UTC, YYYY-MM-DD. */
const utcDate = (instant: Date) => instant.toISOString().slice(0, 10);

export function createExchangeRateService(db: Database, clock: Clock) {
  const repository = createExchangeRateRepository(hiringDb(db));
  let cached: { table: ExchangeRateTable; loadedAt: number } | null = null;
  // A load that began before a write must not put the old table back in the cache.
  let generation = 0;

  async function table(): Promise<ExchangeRateTable> {
    const now = clock.now().getTime();
    if (cached && now - cached.loadedAt >= 0 && now - cached.loadedAt < CACHE_MS) return cached.table;
    const startedAt = generation;
    const loaded = merge(await repository.list());
    if (startedAt === generation) cached = { table: loaded, loadedAt: now };
    return loaded;
  }

  return {
    /** The rates matching converts with: stored rows over the shipped snapshot. */
    async current(): Promise<ExchangeRates> {
      return (await table()).rates;
    },

    /** The rates in use, currency by currency, with where each comes from. */
    table,

    /**
     * Replaces every stored rate with `update` (an operator, already authorised by the caller).
     * A currency left out falls back to the shipped snapshot. Invalid input stores nothing and
     * fails with 400 exchange_rates_invalid listing every problem. Returns the table now in use
     * the rows it replaced and what it stored (for the audit log).
     */
    async replace(
      actorId: string,
      update: ReplaceRates,
    ): Promise<{ table: ExchangeRateTable; replaced: StoredRate[]; stored: StoredRates }> {
      const checked = validateRates(update, utcDate(clock.now()));
      if (!checked.ok) throw exchangeRatesInvalid(checked.problems);
      const source = update.source?.trim() || DEFAULT_SOURCE;
      // Dropped before the write (loads already running) and after it (loads that read mid-write).
      generation += 1;
      cached = null;
      const stored = { asOf: checked.value.asOf, source, rates: checked.value.rates };
      let replaced: StoredRate[];
      try {
        replaced = await repository.replace({ ...stored, updatedBy: actorId, updatedAt: clock.now() });
      } finally {
        generation += 1;
        cached = null;
      }
      return { table: await table(), replaced, stored };
    },
  };
}

export type ExchangeRateService = ReturnType<typeof createExchangeRateService>;
