// Owns the request and response schemas of the exchange-rate routes, with examples for the API
// documents. The body is shape-checked here (types, sizes); the rules that need the clock or the
// shipped table (a date not in the future, EUR exactly 1, codes, bounds, minor digits for unknown
// currencies) are the engine's validateRates, so they hold for every caller, not only HTTP.
import Type from 'typebox';
import { MAX_MINOR_DIGITS } from '../matching/exchange-rates.js';

const Day = (description: string) => Type.String({ format: 'date', description });

const CurrencyRate = Type.Object({
  currency: Type.String({ description: 'ISO 4217 code' }),
  unitsPerEuro: Type.Number({ description: 'Units of this currency one euro buys' }),
  minorDigits: Type.Integer({
    description: 'Decimals of the minor unit amounts are given in (ISO 4217 exponent: JPY 0, EUR 2, KWD 3)',
  }),
  asOf: Day("The date of this currency's rate"),
  origin: Type.Union([Type.Literal('operator'), Type.Literal('snapshot')], {
    description: '`operator`: stored through PUT /exchange-rates; `snapshot`: shipped with the code',
  }),
});

const exampleTable = {
  asOf: '2025-12-31',
  source:
    'ECB euro foreign exchange reference rates of 2025-12-31 (2 currencies); the other 36 from the shipped snapshot of 2024-12-31',
  updatedAt: '2026-01-01T09:30:00.000Z',
  currencies: [
    { currency: 'EUR', unitsPerEuro: 1, minorDigits: 2, asOf: '2024-12-31', origin: 'snapshot' },
    { currency: 'GBP', unitsPerEuro: 0.8543, minorDigits: 2, asOf: '2025-12-31', origin: 'operator' },
    { currency: 'JPY', unitsPerEuro: 163.06, minorDigits: 0, asOf: '2024-12-31', origin: 'snapshot' },
    { currency: 'USD', unitsPerEuro: 1.1676, minorDigits: 2, asOf: '2025-12-31', origin: 'operator' },
  ],
};

export const ExchangeRateTableView = Type.Object(
  {
    asOf: Day(
      "The date the rates in use are of: the operator's date once rates were stored, else the snapshot's",
    ),
    source: Type.String({ description: 'Where the rates come from' }),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When an operator last stored rates; null while only the shipped snapshot is in use',
    }),
    currencies: Type.Array(CurrencyRate, { description: 'Every currency salaries can be converted between' }),
  },
  { examples: [exampleTable] },
);

export const ReplaceRatesBody = Type.Object(
  {
    asOf: Day('The date the rates are of; not after today (UTC)'),
    source: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 300,
        description: 'Where the rates come from; default "Entered by an operator"',
      }),
    ),
    rates: Type.Record(Type.String(), Type.Number(), {
      maxProperties: 200,
      description:
        'Units per euro by ISO 4217 code (three capital letters), each above 0 and at most 10,000,000. EUR may be given and must be 1. Replaces every stored rate; a currency left out keeps its shipped rate.',
    }),
    minorDigits: Type.Optional(
      Type.Record(Type.String(), Type.Integer({ minimum: 0, maximum: MAX_MINOR_DIGITS }), {
        maxProperties: 200,
        description:
          'Decimals of the minor unit, by code. Needed only for a currency the shipped snapshot does not list; for a listed one it must equal the ISO 4217 figure (stored salaries are whole minor units).',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        asOf: '2025-12-31',
        source: 'ECB euro foreign exchange reference rates of 2025-12-31',
        rates: { USD: 1.1676, GBP: 0.8543 },
      },
      { asOf: '2025-12-31', rates: { CLP: 1061.4 }, minorDigits: { CLP: 0 } },
    ],
  },
);
