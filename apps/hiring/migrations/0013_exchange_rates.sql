-- Exchange rates an operator stored (issue 18; docs/hiring.md, "Currencies and exchange rates"):
-- one row per currency, the units of it one euro buys. They override the snapshot shipped in code
-- (src/modules/matching/exchange-rates.json) currency by currency; a currency with no row keeps its
-- shipped rate. EUR is always 1 and never stored. PUT /exchange-rates replaces every row in one
-- transaction, so the rows share one as_of and source. The bounds repeat the API's checks, so a
-- hand-written row cannot put a zero or absurd rate in front of the matcher either.
create table hiring_exchange_rates (
  currency text primary key check (currency ~ '^[A-Z]{3}$' and currency <> 'EUR'),
  units_per_euro numeric not null check (units_per_euro >= 0.000001 and units_per_euro <= 10000000),
  -- ISO 4217 exponent: decimals of the minor unit amounts are stored in (JPY 0, EUR 2, KWD 3).
  minor_digits smallint not null check (minor_digits between 0 and 4),
  as_of date not null check (as_of >= date '1999-01-01'),
  source text not null check (length(source) between 1 and 300),
  updated_by uuid references auth_users (id) on delete set null,
  updated_at timestamptz not null
);
