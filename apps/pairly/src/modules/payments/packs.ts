// Owns the catalogue of credit packs: what each pack gives (whole credits) and what it costs in each
// currency, in minor units (paise, cents, pence). Pack ids are stable: orders and provider metadata
// carry them. Which provider takes a currency is fixed here too: INR only through Razorpay; USD,
// EUR and GBP only through Stripe. Prices change by editing this file (orders keep the amount they
// were created with, so a change never alters an order already made).
import type { PaymentCurrency, PaymentProvider } from './types.js';

export interface CreditPack {
  id: string;
  name: string;
  credits: number;
  /** Minor units per currency. */
  prices: Record<PaymentCurrency, number>;
}

const CURRENCIES: readonly PaymentCurrency[] = ['INR', 'USD', 'EUR', 'GBP'];

/** The one provider each currency is taken by. */
export const PROVIDER_OF_CURRENCY: Readonly<Record<PaymentCurrency, PaymentProvider>> = {
  INR: 'razorpay',
  USD: 'stripe',
  EUR: 'stripe',
  GBP: 'stripe',
};

export const CREDIT_PACKS: readonly CreditPack[] = [
  {
    id: 'starter',
    name: 'Starter',
    credits: 100,
    prices: { INR: 9_900, USD: 199, EUR: 199, GBP: 179 },
  },
  {
    id: 'popular',
    name: 'Popular',
    credits: 550,
    prices: { INR: 49_900, USD: 999, EUR: 949, GBP: 849 },
  },
  {
    id: 'pro',
    name: 'Pro',
    credits: 1_200,
    prices: { INR: 99_900, USD: 1_999, EUR: 1_899, GBP: 1_699 },
  },
];

const BY_ID = new Map(CREDIT_PACKS.map((pack) => [pack.id, pack]));

export const packById = (id: string): CreditPack | undefined => BY_ID.get(id);

export const isCurrency = (value: string): value is PaymentCurrency =>
  (CURRENCIES as readonly string[]).includes(value);

/** The currencies a server offers: those whose provider has its keys configured. */
export function offeredCurrencies(configured: (provider: PaymentProvider) => boolean): PaymentCurrency[] {
  return CURRENCIES.filter((currency) => configured(PROVIDER_OF_CURRENCY[currency]));
}
