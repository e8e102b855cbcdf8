// Owns the HTTP surface of exchange rates: `GET /exchange-rates` shows any signed-in user the rates
// salaries are converted with (date, source, and where each currency's rate comes from);
// `PUT /exchange-rates` lets staff with `exchange-rates:manage` (admins) replace the stored rates,
// written to the audit log. Guards run before the body is read, so a caller without the permission
// learns nothing from validation answers.
import { caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import { ExchangeRateTableView, ReplaceRatesBody } from './schemas.js';
import type { ExchangeRateService, ExchangeRateTable, StoredRates } from './service.js';

const tags = ['matching'];

const toView = (table: ExchangeRateTable) => ({
  asOf: table.rates.asOf,
  source: table.rates.source,
  updatedAt: table.updatedAt?.toISOString() ?? null,
  currencies: table.currencies,
});

/** The audit log's picture of a set of stored rates; null when nothing was stored. */
function audited(set: StoredRates | null) {
  if (!set) return null;
  return {
    asOf: set.asOf,
    source: set.source,
    rates: Object.fromEntries(set.rates.map((rate) => [rate.currency, rate.unitsPerEuro])),
    minorDigits: Object.fromEntries(set.rates.map((rate) => [rate.currency, rate.minorDigits])),
  };
}

export function registerExchangeRateRoutes(
  app: PlatformServer,
  identity: Identity,
  exchangeRates: ExchangeRateService,
): void {
  const reader = identity.requirePermission('jobs:read');
  const manager = identity.requirePermission('exchange-rates:manage');

  app.get(
    '/exchange-rates',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: 'The exchange rates salaries are compared with',
        description:
          "Matching converts a candidate's salary into the job's currency with these rates before comparing. Rates an operator stored override the snapshot shipped with the code, currency by currency; `origin` and `asOf` say which applies to each.",
        response: { 200: ExchangeRateTableView, ...problemResponses(401, 403) },
      },
    },
    async () => toView(await exchangeRates.table()),
  );

  app.put(
    '/exchange-rates',
    {
      preValidation: manager,
      schema: {
        tags,
        summary: 'Replace the stored exchange rates (staff with exchange-rates:manage; audited)',
        description:
          'Every stored rate is replaced by the ones sent; a currency left out falls back to the shipped snapshot. All or nothing: any problem is a 400 `exchange_rates_invalid` listing each field (a code that is not three capital letters, a rate at or below 0 or above 10,000,000, EUR other than 1, `asOf` after today, a currency the snapshot does not know without its `minorDigits`), and nothing is stored. Answers the rates now in use.',
        body: ReplaceRatesBody,
        response: { 200: ExchangeRateTableView, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { table, replaced, stored } = await exchangeRates.replace(caller(request).userId, request.body);
      await identity.audit(request, {
        action: 'hiring.exchange_rates_replaced',
        targetType: 'exchange_rates',
        targetId: table.rates.asOf,
        // Every replaced row shares one date and source (one replacement wrote them all).
        before: audited(
          replaced[0] ? { asOf: replaced[0].asOf, source: replaced[0].source, rates: replaced } : null,
        ),
        after: audited(stored),
      });
      return toView(table);
    },
  );
}
