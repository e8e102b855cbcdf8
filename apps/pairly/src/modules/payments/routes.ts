// Owns the HTTP surface of credit packs and orders (docs/payments.md): the public pack list; a
// user's orders (`payments:own`: create under an Idempotency-Key, rate limited per user in the
// `payments` class; list; read; check the Razorpay checkout callback); staff's order list
// (`payments:read`). Permissions are checked in `preValidation`, before the input is. Another
// user's order is a 404, as is one that does not exist. Handlers validate, call one service method
// and present the result.
import { caller, type PlatformServer, problemResponses } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { IdempotencyHeaders, REPLAYED_HEADER } from '../credits/idempotency-header.js';
import { requiresPermission } from '../credits/schemas.js';
import { createOrders } from './orders.js';
import { CREDIT_PACKS, offeredCurrencies } from './packs.js';
import {
  CreateOrderBody,
  CreditPackList,
  OrderBody,
  OrderListQuery,
  OrderPage,
  OrderParams,
  presentOrder,
  presentPacks,
  presentStaffOrder,
  RazorpayVerifyBody,
  StaffOrderListQuery,
  StaffOrderPage,
} from './schemas.js';

const tags = ['payments'];
const PROVIDER_DOWN =
  '503 `payments_provider_unavailable` with Retry-After when the provider cannot be reached (the order stays `created`; retry with the same Idempotency-Key).';

export function registerOrderRoutes(app: PlatformServer, context: PairlyContext): void {
  const { identity } = context;
  const { clients } = context.payments;
  const orders = createOrders(context);
  const own = identity.requirePermission('payments:own');
  const staff = identity.requirePermission('payments:read');
  const describe = (permission: string, what: string) =>
    requiresPermission(identity.policy, permission, what);
  const offered = () => offeredCurrencies((provider) => clients[provider] !== null);

  app.get(
    '/credit-packs',
    {
      config: { cacheControl: 'public, max-age=300' },
      schema: {
        tags,
        summary: 'The credit packs on sale, with a price per currency this server takes',
        description:
          'Public (no sign-in). Prices are minor units (paise, cents, pence). INR is paid through Razorpay; USD, EUR and GBP through Stripe Checkout; a currency whose provider is not configured here is not listed. Cacheable for 5 minutes.',
        response: { 200: CreditPackList },
      },
    },
    async () => presentPacks(CREDIT_PACKS, offered()),
  );

  app.post(
    '/payments/orders',
    {
      preValidation: own,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Order a credit pack: a Stripe Checkout page or a Razorpay order for the widget',
        description: describe(
          'payments:own',
          [
            'Needs an Idempotency-Key: the same key and body answer the same order (Idempotent-Replayed: true) without calling the provider again; another body is a 409 `idempotency_key_reused`.',
            'Stripe (USD, EUR, GBP): send the user to `checkoutUrl`; `successUrl` and `cancelUrl` are required and must be on an allowed origin (400 `return_url_required` / `return_url_not_allowed`). Razorpay (INR): open the checkout widget with `razorpay.keyId` and `razorpay.orderId`.',
            'Credits are granted only when the provider confirms the payment (webhook), never by this call or by the checkout callback. 400 `pack_not_found`; 400 `currency_not_offered` for a currency this server does not take (GET /credit-packs lists those it does). Rate limited per user (429).',
            PROVIDER_DOWN,
          ].join('\n\n'),
        ),
        headers: IdempotencyHeaders,
        body: CreateOrderBody,
        response: { 201: OrderBody, ...problemResponses(400, 401, 403, 409, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const result = await orders.create(
        caller(request).userId,
        request.body,
        request.headers['idempotency-key'] as string,
      );
      if (result.replayed) reply.header(REPLAYED_HEADER, 'true');
      return reply.code(201).send(presentOrder(result));
    },
  );

  app.get(
    '/payments/orders',
    {
      preValidation: own,
      schema: {
        tags,
        summary: 'Your orders, newest first, with a cursor',
        description: describe('payments:own', 'Only your own orders; filter by `status`.'),
        querystring: OrderListQuery,
        response: { 200: OrderPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await orders.list(caller(request).userId, request.query);
      return { items: page.items.map(presentOrder), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/payments/orders/:orderId',
    {
      preValidation: own,
      schema: {
        tags,
        summary: 'One of your orders (poll it after checkout until it is paid)',
        description: describe(
          'payments:own',
          "Another user's order is a 404, as is one that does not exist.",
        ),
        params: OrderParams,
        response: { 200: OrderBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => presentOrder(await orders.get(caller(request).userId, request.params.orderId)),
  );

  app.post(
    '/payments/razorpay/verify',
    {
      preValidation: own,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: "Check the Razorpay checkout callback's signature for one of your orders",
        description: describe(
          'payments:own',
          'Checks razorpaySignature (HMAC-SHA256 of "razorpayOrderId|razorpayPaymentId" with the key secret), notes it on the order (`callbackVerified`) and answers the order as it stands. It never grants credits: they come when Razorpay confirms the payment (payment.captured / order.paid webhook), so the status may still be `created` here; poll the order. 400 `checkout_signature_invalid`, `razorpay_order_mismatch`, `not_a_razorpay_order`; 404 for an order that is not yours.',
        ),
        body: RazorpayVerifyBody,
        response: { 200: OrderBody, ...problemResponses(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) =>
      presentOrder(await orders.verifyRazorpayCallback(caller(request).userId, request.body)),
  );

  app.get(
    '/admin/payments/orders',
    {
      preValidation: staff,
      schema: {
        tags,
        summary: 'Orders for staff, newest first: by user and status (say, the ones in review)',
        description: describe(
          'payments:read',
          'Shows whose order it is, the payment that paid it and why it is in review.',
        ),
        querystring: StaffOrderListQuery,
        response: { 200: StaffOrderPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await orders.listForStaff(request.query);
      return { items: page.items.map(presentStaffOrder), nextCursor: page.nextCursor };
    },
  );
}
