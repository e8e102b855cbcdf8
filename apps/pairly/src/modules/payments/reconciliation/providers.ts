// Owns what reconciliation asks the providers, through the official SDKs and each provider's
// breaker (clients.call): the payments and refunds created in a period, page by page (Stripe:
// `created[gte|lt]`, 100 per page, `starting_after`; Razorpay: `from`/`to` in Unix seconds, `count`
// 100, `skip`), every refund of one Stripe payment (the running total a reversal follows), and one
// payment looked up by id (an order of ours that the period's listing did not show). Everything is
// normalised to the same shape for both providers.
import type Razorpay from 'razorpay';
import type Stripe from 'stripe';
import type { ProviderClients } from '../foundation.js';
import type { PaymentProvider } from '../types.js';

export interface ListedPayment {
  provider: PaymentProvider;
  paymentId: string;
  providerOrderId: string | null;
  orderId: string | null;
  amount: number;
  currency: string;
  /** Money received (Stripe succeeded, Razorpay captured). */
  succeeded: boolean;
  status: string;
}

export interface ListedRefund {
  provider: PaymentProvider;
  refundId: string;
  paymentId: string | null;
  chargeId: string | null;
  amount: number;
  currency: string;
  /** Money returned (Stripe succeeded, Razorpay processed). */
  succeeded: boolean;
  createdAt: number;
}

export interface Period {
  from: Date;
  to: Date;
}

const PAGE = 100;
/** At most this many pages per listing (10,000 objects): a longer period is refused up front. */
const MAX_PAGES = 100;
const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

const idOf = (value: unknown): string | null =>
  typeof value === 'string'
    ? value
    : value && typeof value === 'object' && 'id' in value
      ? String(value.id)
      : null;

function metadataOrderId(metadata: unknown): string | null {
  if (!metadata || typeof metadata !== 'object') return null;
  const value =
    (metadata as Record<string, unknown>).orderId ?? (metadata as Record<string, unknown>).order_id;
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function fromStripePayment(intent: Stripe.PaymentIntent): ListedPayment {
  return {
    provider: 'stripe',
    paymentId: intent.id,
    providerOrderId: null,
    orderId: metadataOrderId(intent.metadata),
    amount: intent.amount_received || intent.amount,
    currency: intent.currency.toUpperCase(),
    succeeded: intent.status === 'succeeded',
    status: intent.status,
  };
}

function fromStripeRefund(refund: Stripe.Refund): ListedRefund {
  return {
    provider: 'stripe',
    refundId: refund.id,
    paymentId: idOf(refund.payment_intent),
    chargeId: idOf(refund.charge),
    amount: refund.amount,
    currency: refund.currency.toUpperCase(),
    succeeded: refund.status === 'succeeded',
    createdAt: refund.created,
  };
}

interface RazorpayPaymentLike {
  id: string;
  order_id?: string | null;
  notes?: unknown;
  amount: number | string;
  currency: string;
  status: string;
}

function fromRazorpayPayment(payment: RazorpayPaymentLike): ListedPayment {
  return {
    provider: 'razorpay',
    paymentId: payment.id,
    providerOrderId: payment.order_id ?? null,
    orderId: metadataOrderId(payment.notes),
    amount: Number(payment.amount),
    currency: payment.currency.toUpperCase(),
    succeeded: payment.status === 'captured',
    status: payment.status,
  };
}

interface RazorpayRefundLike {
  id: string;
  payment_id: string;
  amount: number | string;
  currency: string;
  status: string;
  created_at: number;
}

function fromRazorpayRefund(refund: RazorpayRefundLike): ListedRefund {
  return {
    provider: 'razorpay',
    refundId: refund.id,
    paymentId: refund.payment_id,
    chargeId: null,
    amount: Number(refund.amount),
    currency: refund.currency.toUpperCase(),
    succeeded: refund.status === 'processed',
    createdAt: refund.created_at,
  };
}

const tooMany = (what: string) =>
  new Error(`reconciliation: more than ${MAX_PAGES * PAGE} ${what} in the period`);

async function stripePages<T extends { id: string }>(
  call: <R>(work: () => Promise<R>) => Promise<R>,
  page: (startingAfter: string | undefined) => Promise<Stripe.ApiList<T>>,
  what: string,
): Promise<T[]> {
  const all: T[] = [];
  let after: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const list = await call(() => page(after));
    all.push(...list.data);
    if (!list.has_more || list.data.length === 0) return all;
    after = list.data.at(-1)?.id;
  }
  throw tooMany(what);
}

async function razorpayPages<T>(
  call: <R>(work: () => Promise<R>) => Promise<R>,
  page: (skip: number) => Promise<{ items: T[] }>,
  what: string,
): Promise<T[]> {
  const all: T[] = [];
  for (let n = 0; n < MAX_PAGES; n++) {
    const { items } = await call(() => page(n * PAGE));
    all.push(...items);
    if (items.length < PAGE) return all;
  }
  throw tooMany(what);
}

/** A provider's 404 for an id it does not know. */
function isNotFound(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return (
    status === 404 || (status === 400 && /not.?found|does not exist|invalid/i.test(JSON.stringify(error)))
  );
}

export interface ProviderListing {
  payments(period: Period): Promise<ListedPayment[]>;
  refunds(period: Period): Promise<ListedRefund[]>;
  /** Every refund of one payment, whenever made (Stripe: the running total a reversal follows). */
  refundsOfPayment(paymentId: string): Promise<ListedRefund[]>;
  /** One payment by id, or null when the provider does not know it. */
  payment(paymentId: string): Promise<ListedPayment | null>;
}

export function providerListing(clients: ProviderClients, provider: PaymentProvider): ProviderListing {
  const call = <R>(work: () => Promise<R>) => clients.call(provider, work);
  if (provider === 'stripe') {
    const stripe = () => clients.stripe as Stripe;
    return {
      async payments({ from, to }) {
        const created = { gte: seconds(from), lt: seconds(to) };
        const intents = await stripePages(
          call,
          (after) =>
            stripe().paymentIntents.list({ created, limit: PAGE, ...(after && { starting_after: after }) }),
          'payments',
        );
        return intents.map(fromStripePayment);
      },
      async refunds({ from, to }) {
        const created = { gte: seconds(from), lt: seconds(to) };
        const refunds = await stripePages(
          call,
          (after) => stripe().refunds.list({ created, limit: PAGE, ...(after && { starting_after: after }) }),
          'refunds',
        );
        return refunds.map(fromStripeRefund);
      },
      async refundsOfPayment(paymentId) {
        const refunds = await stripePages(
          call,
          (after) =>
            stripe().refunds.list({
              payment_intent: paymentId,
              limit: PAGE,
              ...(after && { starting_after: after }),
            }),
          'refunds',
        );
        return refunds.map(fromStripeRefund);
      },
      async payment(paymentId) {
        try {
          return fromStripePayment(await call(() => stripe().paymentIntents.retrieve(paymentId)));
        } catch (error) {
          if (isNotFound(error)) return null;
          throw error;
        }
      },
    };
  }
  const razorpay = () => clients.razorpay as Razorpay;
  return {
    async payments({ from, to }) {
      const range = { from: seconds(from), to: seconds(to) - 1, count: PAGE };
      const payments = await razorpayPages(
        call,
        (skip) => razorpay().payments.all({ ...range, skip }) as Promise<{ items: RazorpayPaymentLike[] }>,
        'payments',
      );
      return payments.map(fromRazorpayPayment);
    },
    async refunds({ from, to }) {
      const range = { from: seconds(from), to: seconds(to) - 1, count: PAGE };
      const refunds = await razorpayPages(
        call,
        (skip) => razorpay().refunds.all({ ...range, skip }) as Promise<{ items: RazorpayRefundLike[] }>,
        'refunds',
      );
      return refunds.map(fromRazorpayRefund);
    },
    async refundsOfPayment(paymentId) {
      const refunds = await razorpayPages(
        call,
        (skip) =>
          razorpay().payments.fetchMultipleRefund(paymentId, { count: PAGE, skip }) as Promise<{
            items: RazorpayRefundLike[];
          }>,
        'refunds',
      );
      return refunds.map(fromRazorpayRefund);
    },
    async payment(paymentId) {
      try {
        return fromRazorpayPayment(
          (await call(() => razorpay().payments.fetch(paymentId))) as unknown as RazorpayPaymentLike,
        );
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
  };
}
