// Owns making the provider's side of an order, through the official SDKs and the provider breaker
// (foundation.ts): a Stripe Checkout Session in payment mode (one line with the pack's price in the
// order's currency), or a Razorpay order. Both carry our order id and user id (Stripe metadata on
// the session and its PaymentIntent, and client_reference_id; Razorpay notes, and the receipt), so
// every event about the payment leads back to the order. Everything sent comes from the stored
// order, never from the request, so a retry sends the same call: Stripe gets an Idempotency-Key
// scoped to the order (`order:<id>`), and Razorpay, which has none for orders, gets the receipt.
import type Razorpay from 'razorpay';
import Stripe from 'stripe';
import { isRazorpayRefusal } from './clients.js';
import type { ProviderClients } from './foundation.js';
import { providerRefused } from './orders-errors.js';
import type { CreditPack } from './packs.js';
import type { StoredOrder } from './tables.js';

export interface ProviderOrder {
  providerOrderId: string;
  /** Stripe's hosted Checkout page; null for Razorpay (its checkout is a widget in our page). */
  checkoutUrl: string | null;
}

function stripeRefusal(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  if (
    error instanceof Stripe.errors.StripeAuthenticationError ||
    error instanceof Stripe.errors.StripePermissionError
  ) {
    return providerRefused(
      'Stripe',
      `it refused the API key (${error.statusCode}); check STRIPE_SECRET_KEY`,
      error,
    );
  }
  const reason = [
    `code ${error.code ?? error.rawType ?? 'unknown'}`,
    error.param && `parameter ${error.param}`,
  ];
  return providerRefused('Stripe', reason.filter(Boolean).join(', '), error);
}

function razorpayRefusal(refusal: unknown): unknown {
  if (!isRazorpayRefusal(refusal)) return refusal;
  const reason =
    refusal.statusCode === 401
      ? 'it refused the key; check RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET'
      : [
          `code ${String(refusal.error?.code ?? refusal.statusCode)}`,
          refusal.error?.field && `field ${String(refusal.error.field)}`,
        ]
          .filter(Boolean)
          .join(', ');
  return providerRefused('Razorpay', reason, refusal);
}

export function createProviderOrders(clients: ProviderClients) {
  async function stripeSession(order: StoredOrder, pack: CreditPack): Promise<ProviderOrder> {
    const metadata = { orderId: order.id, userId: order.user_id, packId: order.pack_id };
    try {
      const session = await clients.call('stripe', () =>
        (clients.stripe as Stripe).checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: order.currency.toLowerCase(),
                  unit_amount: order.amount,
                  product_data: { name: `${pack.name}: ${order.credits} credits` },
                },
              },
            ],
            client_reference_id: order.id,
            metadata,
            payment_intent_data: { metadata },
            success_url: order.success_url as string,
            cancel_url: order.cancel_url as string,
          },
          { idempotencyKey: `order:${order.id}` },
        ),
      );
      if (!session.url) throw new Error(`Stripe created Checkout Session ${session.id} without a URL`);
      return { providerOrderId: session.id, checkoutUrl: session.url };
    } catch (error) {
      throw stripeRefusal(error);
    }
  }

  async function razorpayOrder(order: StoredOrder): Promise<ProviderOrder> {
    try {
      const created = await clients.call('razorpay', () =>
        (clients.razorpay as Razorpay).orders.create({
          amount: order.amount,
          currency: order.currency,
          receipt: order.id,
          notes: { orderId: order.id, userId: order.user_id, packId: order.pack_id },
        }),
      );
      return { providerOrderId: created.id, checkoutUrl: null };
    } catch (error) {
      throw razorpayRefusal(error);
    }
  }

  return {
    /** The provider's order for ours; 503 on an outage, payments_provider_refused on a refusal. */
    create(order: StoredOrder, pack: CreditPack): Promise<ProviderOrder> {
      return order.provider === 'stripe' ? stripeSession(order, pack) : razorpayOrder(order);
    },
  };
}
