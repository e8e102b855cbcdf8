// Owns the SQL of stored exchange rates (hiring_exchange_rates, migration 0013): read them all (the
// table holds one row per currency, a few dozen at most) and replace them all at once. Numbers and
// dates are read as text, so neither driver turns a rate into a rounded float or a date into a
// local-midnight Date on the way.
import { sql } from 'kysely';
import type { HiringDb } from '../../db.js';

export interface StoredRate {
  currency: string;
  unitsPerEuro: number;
  minorDigits: number;
  /** YYYY-MM-DD. */
  asOf: string;
  source: string;
  updatedBy: string | null;
  updatedAt: Date;
}

interface NewRates {
  asOf: string;
  source: string;
  updatedBy: string;
  updatedAt: Date;
  rates: Array<{ currency: string; unitsPerEuro: number; minorDigits: number }>;
}

export function createExchangeRateRepository(kysely: HiringDb) {
  return {
    async list(): Promise<StoredRate[]> {
      const rows = await kysely
        .selectFrom('hiring_exchange_rates')
        .select([
          'currency',
          sql<string>`units_per_euro::text`.as('units_per_euro'),
          'minor_digits',
          sql<string>`as_of::text`.as('as_of'),
          'source',
          'updated_by',
          'updated_at',
        ])
        .orderBy('currency')
        .execute();
      return rows.map((row) => ({
        currency: row.currency,
        unitsPerEuro: Number(row.units_per_euro),
        minorDigits: row.minor_digits,
        asOf: row.as_of,
        source: row.source,
        updatedBy: row.updated_by,
        updatedAt: row.updated_at,
      }));
    },

    /** Every stored row becomes one of `next`, in one transaction; returns what was stored before. */
    async replace(next: NewRates): Promise<StoredRate[]> {
      return kysely.transaction().execute(async (trx) => {
        // The lock orders concurrent replacements, so "before" is what this one really replaced.
        await sql`lock table hiring_exchange_rates in exclusive mode`.execute(trx);
        const before = await createExchangeRateRepository(trx).list();
        await trx.deleteFrom('hiring_exchange_rates').execute();
        await trx
          .insertInto('hiring_exchange_rates')
          .values(
            next.rates.map((rate) => ({
              currency: rate.currency,
              // Shortest round-trip text of the double the client sent: numeric keeps it exactly.
              units_per_euro: String(rate.unitsPerEuro),
              minor_digits: rate.minorDigits,
              as_of: next.asOf,
              source: next.source,
              updated_by: next.updatedBy,
              updated_at: next.updatedAt,
            })),
          )
          .execute();
        return before;
      });
    },
  };
}
