// Owns credit pack orders as a user makes and follows them (docs/payments.md, "Credit packs and
// orders"): checking the request (pack, currency offered, return URLs on our own origins), writing
// the order under the client's Idempotency-Key, then making the provider's order (orders-provider.ts)
// and recording it. The same key with the same body answers the same order and makes no second
// provider call once one succeeded; with another body it is a 409. A provider outage leaves the
// order `created` without a provider order, and a retry with the same key tries the provider again.
// The Razorpay checkout callback is checked and noted here, and never grants anything: credits come
// only from verified provider events (purchase-events.ts, grants.ts).
import { randomUUID } from 'node:crypto';
import { verifyRazorpayCheckoutSignature } from '@app/platform';
import { pairlyDb } from '../../db.js';
import type { PairlyContext } from '../context.js';
import { requestHash } from '../credits/idempotency.js';
import { paymentsNotConfigured } from './clients.js';
import type { PaymentProvider } from './event-router.js';
import {
  checkoutSignatureInvalid,
  currencyNotOffered,
  notARazorpayOrder,
  orderKeyReused,
  orderNotFound,
  packNotFound,
  razorpayOrderMismatch,
  returnUrlNotAllowed,
  returnUrlRequired,
} from './orders-errors.js';
import { createProviderOrders } from './orders-provider.js';
import {
  insertOrUseKey,
  orderById,
  recordCallbackVerified,
  recordProviderOrder,
  selectOrders,
} from './orders-repository.js';
import { type CreditPack, isCurrency, offeredCurrencies, PROVIDER_OF_CURRENCY, packById } from './packs.js';
import type { StoredOrder } from './tables.js';
import type { OrderStatus } from './types.js';

export interface OrderRequest {
  packId: string;
  currency: string;
  successUrl?: string;
  cancelUrl?: string;
}

export interface RazorpayCallback {
  orderId: string;
  razorpayOrderId: string;
  razorpayPaymentId: string;
  razorpaySignature: string;
}

export interface OrderListQuery {
  status?: OrderStatus;
  cursor?: string;
  limit?: number;
}

/** An order as the routes present it: the stored row, and the Razorpay key id for the widget. */
export interface OrderView {
  row: StoredOrder;
  razorpayKeyId: string | null;
}

export function createOrders(context: PairlyContext) {
  const db = pairlyDb(context.db);
  const { clock } = context;
  const { settings, clients } = context.payments;
  const providerOrders = createProviderOrders(clients);
  const configured = (provider: PaymentProvider) => clients[provider] !== null;
  const view = (row: StoredOrder): OrderView => ({
    row,
    razorpayKeyId: row.provider === 'razorpay' ? settings.razorpay.keyId : null,
  });

  function checkReturnUrl(field: 'successUrl' | 'cancelUrl', url: string | undefined): void {
    if (url === undefined) return;
    let origin = 'null';
    try {
      origin = new URL(url).origin;
    } catch {
      // Left as 'null': not an allowed origin.
    }
    if (!settings.returnOrigins.includes(origin)) throw returnUrlNotAllowed(field, settings.returnOrigins);
  }

  /** The pack and provider of a request, or the 4xx naming what is wrong; nothing is stored before. */
  function check(request: OrderRequest): { pack: CreditPack; provider: PaymentProvider } {
    const pack = packById(request.packId);
    if (!pack) throw packNotFound(request.packId);
    const offered = offeredCurrencies(configured);
    if (!isCurrency(request.currency) || !offered.includes(request.currency)) {
      throw currencyNotOffered(request.currency, offered);
    }
    const provider = PROVIDER_OF_CURRENCY[request.currency];
    if (provider === 'stripe') {
      if (request.successUrl === undefined) throw returnUrlRequired('successUrl');
      if (request.cancelUrl === undefined) throw returnUrlRequired('cancelUrl');
    }
    checkReturnUrl('successUrl', request.successUrl);
    checkReturnUrl('cancelUrl', request.cancelUrl);
    return { pack, provider };
  }

  async function ownOrder(userId: string, orderId: string, path?: string): Promise<StoredOrder> {
    const row = await orderById(db, orderId);
    if (!row || row.user_id !== userId) throw orderNotFound(path);
    return row;
  }

  return {
    /**
     * Creates (or, for a key used before with the same body, answers again) an order and its
     * provider order. `replayed`: the order existed before this request.
     */
    async create(
      userId: string,
      request: OrderRequest,
      idempotencyKey: string,
    ): Promise<OrderView & { replayed: boolean }> {
      const { pack, provider } = check(request);
      const currency = request.currency as StoredOrder['currency'];
      const now = clock.now();
      const hash = requestHash('payment_order', {
        packId: request.packId,
        currency,
        successUrl: request.successUrl,
        cancelUrl: request.cancelUrl,
      });
      const { row, fresh } = await insertOrUseKey(db, {
        id: randomUUID(),
        user_id: userId,
        pack_id: pack.id,
        credits: pack.credits,
        amount: pack.prices[currency],
        currency,
        provider,
        success_url: request.successUrl ?? null,
        cancel_url: request.cancelUrl ?? null,
        idempotency_key: idempotencyKey,
        request_hash: hash,
        created_at: now,
        updated_at: now,
      });
      if (row.request_hash !== hash) throw orderKeyReused();
      // An earlier attempt may have failed at the provider: then this one tries again. Prices may
      // have changed since; the order keeps the amount it was made with.
      if (row.provider_order_id !== null || row.status !== 'created')
        return { ...view(row), replayed: !fresh };
      const made = await providerOrders.create(row, pack); // the request hash covers packId
      const recorded = await recordProviderOrder(
        db,
        row.id,
        made.providerOrderId,
        made.checkoutUrl,
        clock.now(),
      );
      return { ...view(recorded), replayed: !fresh };
    },

    async get(userId: string, orderId: string): Promise<OrderView> {
      return view(await ownOrder(userId, orderId));
    },

    async list(userId: string, query: OrderListQuery) {
      const page = await selectOrders(db, {
        userId,
        ...(query.status && { status: query.status }),
        cursor: query.cursor,
        limit: query.limit ?? 20,
      });
      return { items: page.rows.map(view), nextCursor: page.nextCursor };
    },

    async listForStaff(query: OrderListQuery & { userId?: string }) {
      const page = await selectOrders(db, {
        ...(query.userId && { userId: query.userId }),
        ...(query.status && { status: query.status }),
        cursor: query.cursor,
        limit: query.limit ?? 20,
      });
      return { items: page.rows.map(view), nextCursor: page.nextCursor };
    },

    /**
     * Checks the Razorpay checkout callback's signature (HMAC of `order_id|payment_id` with the key
     * secret) for one of the caller's Razorpay orders and notes it; answers the order as it is. It
     * never grants: only the verified payment.captured / order.paid event does.
     */
    async verifyRazorpayCallback(userId: string, callback: RazorpayCallback): Promise<OrderView> {
      const row = await ownOrder(userId, callback.orderId, '/body/orderId');
      if (row.provider !== 'razorpay') throw notARazorpayOrder();
      if (row.provider_order_id === null || row.provider_order_id !== callback.razorpayOrderId) {
        throw razorpayOrderMismatch();
      }
      const keySecret = settings.razorpay.keySecret;
      if (keySecret === null) throw paymentsNotConfigured('razorpay');
      const verified = verifyRazorpayCheckoutSignature({
        orderId: callback.razorpayOrderId,
        paymentId: callback.razorpayPaymentId,
        signature: callback.razorpaySignature,
        keySecret,
      });
      if (!verified) throw checkoutSignatureInvalid();
      return view(await recordCallbackVerified(db, row.id, clock.now()));
    },
  };
}

export type Orders = ReturnType<typeof createOrders>;
