// Owns the request and response schemas of the credit pack and order routes, and the presenters
// that turn stored orders into them. Inputs allow no unknown properties and carry examples (they
// show in /docs); responses declare every field they send. A user sees their order without
// internals; staff also see whose it is, the payment id and why an order is in review.
import Type, { type Static, type TSchema } from 'typebox';
import type { OrderView } from './orders.js';
import { type CreditPack, PROVIDER_OF_CURRENCY } from './packs.js';
import type { PaymentCurrency } from './types.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Instant = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const EXAMPLE_ORDER_ID = '5b0f6c1e-3a52-4e7d-9c61-2f8a4d0b7e93';
const EXAMPLE_USER_ID = '2f0c6a52-3f4e-4a49-9a43-5d9b6c1e0b7d';

const Currency = Type.Union(
  [Type.Literal('INR'), Type.Literal('USD'), Type.Literal('EUR'), Type.Literal('GBP')],
  {
    description: 'ISO 4217: INR through Razorpay; USD, EUR and GBP through Stripe.',
  },
);
const Provider = Type.Union([Type.Literal('stripe'), Type.Literal('razorpay')]);
const OrderStatusSchema = Type.Union(
  [
    Type.Literal('created'),
    Type.Literal('paid'),
    Type.Literal('partially_refunded'),
    Type.Literal('refunded'),
    Type.Literal('disputed'),
    Type.Literal('failed'),
    Type.Literal('expired'),
    Type.Literal('review'),
  ],
  {
    description:
      'created (waiting for payment) → paid (credits granted); created → failed | expired (a late payment still grants); paid → partially_refunded | refunded | disputed; review: a payment that could not be granted as it is (finance looks at it).',
  },
);

export const CreditPackList = Type.Object(
  {
    packs: Type.Array(
      Type.Object({
        id: Type.String({ description: 'Stable pack id, sent as packId when ordering.' }),
        name: Type.String(),
        credits: Type.Integer({ description: 'Credits the pack grants.' }),
        prices: Type.Array(
          Type.Object({
            currency: Currency,
            amount: Type.Integer({ description: 'Minor units of the currency (paise, cents, pence).' }),
            provider: Provider,
          }),
          { description: 'One price per currency this server takes.' },
        ),
      }),
    ),
  },
  {
    examples: [
      {
        packs: [
          {
            id: 'starter',
            name: 'Starter',
            credits: 100,
            prices: [
              { currency: 'INR', amount: 9900, provider: 'razorpay' },
              { currency: 'USD', amount: 199, provider: 'stripe' },
            ],
          },
        ],
      },
    ],
  },
);

export function presentPacks(packs: readonly CreditPack[], offered: readonly PaymentCurrency[]) {
  return {
    packs: packs.map((pack) => ({
      id: pack.id,
      name: pack.name,
      credits: pack.credits,
      prices: offered.map((currency) => ({
        currency,
        amount: pack.prices[currency],
        provider: PROVIDER_OF_CURRENCY[currency],
      })),
    })),
  };
}

const ReturnUrl = (description: string) =>
  Type.String({
    format: 'uri',
    minLength: 1,
    maxLength: 2048,
    description: `${description} Must be on one of this service's return origins (PAYMENTS_RETURN_ORIGINS).`,
  });

export const CreateOrderBody = Type.Object(
  {
    packId: Type.String({
      minLength: 1,
      maxLength: 40,
      pattern: '^[a-z][a-z0-9_-]*$',
      description: 'A pack id from GET /credit-packs.',
    }),
    currency: Type.String({
      minLength: 3,
      maxLength: 3,
      pattern: '^[A-Z]{3}$',
      description: 'ISO 4217, upper case; it decides the provider (INR: Razorpay; USD, EUR, GBP: Stripe).',
    }),
    successUrl: Type.Optional(
      ReturnUrl('Stripe only, required there: where Checkout sends the user after paying.'),
    ),
    cancelUrl: Type.Optional(
      ReturnUrl('Stripe only, required there: where Checkout sends the user who gives up.'),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        packId: 'starter',
        currency: 'USD',
        successUrl: 'https://app.example.com/credits?checkout=done',
        cancelUrl: 'https://app.example.com/credits',
      },
      { packId: 'popular', currency: 'INR' },
    ],
  },
);
export type CreateOrderBody = Static<typeof CreateOrderBody>;

const orderFields = {
  id: Uuid,
  packId: Type.String(),
  credits: Type.Integer({ description: 'Credits the order grants once paid.' }),
  amount: Type.Integer({ description: 'Minor units of currency.' }),
  currency: Currency,
  provider: Provider,
  status: OrderStatusSchema,
  providerOrderId: Nullable(
    Type.String({
      description: 'Stripe Checkout Session id or Razorpay order id; null until the provider made it.',
    }),
  ),
  checkoutUrl: Nullable(
    Type.String({ description: 'Stripe: the Checkout page to send the user to; null otherwise.' }),
  ),
  razorpay: Nullable(
    Type.Object(
      {
        keyId: Type.String({ description: 'The key id the Razorpay checkout widget is opened with.' }),
        orderId: Type.String({ description: 'The Razorpay order to open the widget for.' }),
        amount: Type.Integer(),
        currency: Type.String(),
      },
      {
        description: 'Razorpay: what the checkout widget needs; null otherwise (or before the order exists).',
      },
    ),
  ),
  creditsGranted: Type.Integer({ description: 'Credits granted by this order (0 until paid).' }),
  callbackVerified: Type.Boolean({
    description:
      'Razorpay: the checkout callback signature was verified (informative; credits come from the provider event).',
  }),
  createdAt: Instant,
  paidAt: Nullable(Instant),
};

const exampleOrder = {
  id: EXAMPLE_ORDER_ID,
  packId: 'starter',
  credits: 100,
  amount: 199,
  currency: 'USD',
  provider: 'stripe',
  status: 'created',
  providerOrderId: 'cs_test_a1B2c3D4e5F6g7H8',
  checkoutUrl: 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3D4e5F6g7H8',
  razorpay: null,
  creditsGranted: 0,
  callbackVerified: false,
  createdAt: '2026-11-30T04:00:00.000Z',
  paidAt: null,
};

export const OrderBody = Type.Object(orderFields, {
  additionalProperties: false,
  examples: [
    exampleOrder,
    {
      ...exampleOrder,
      amount: 49900,
      credits: 550,
      packId: 'popular',
      currency: 'INR',
      provider: 'razorpay',
      providerOrderId: 'order_NZx1Example0001',
      checkoutUrl: null,
      razorpay: {
        keyId: 'rzp_test_1DP5mmOlF5G5ag',
        orderId: 'order_NZx1Example0001',
        amount: 49900,
        currency: 'INR',
      },
    },
  ],
});

const StaffOrderBody = Type.Object(
  {
    ...orderFields,
    userId: Uuid,
    providerPaymentId: Nullable(
      Type.String({ description: 'Stripe PaymentIntent / Razorpay payment that paid it.' }),
    ),
    reviewReason: Nullable(Type.String({ description: 'Why the order is in review.' })),
    updatedAt: Instant,
  },
  {
    additionalProperties: false,
    examples: [
      {
        ...exampleOrder,
        status: 'review',
        userId: EXAMPLE_USER_ID,
        providerPaymentId: 'pi_3QmExample0000000',
        reviewReason: 'amount_mismatch: paid 99, order is 199 (minor units of USD)',
        updatedAt: '2026-11-30T04:05:00.000Z',
      },
    ],
  },
);

const NextCursor = Nullable(
  Type.String({ description: 'Pass as `cursor` for the next page; null at the end.' }),
);
const EXAMPLE_CURSOR = 'MjAyNi0xMS0zMFQwNDowMDowMC4wMDBafDhhNmU';
export const OrderPage = Type.Object(
  { items: Type.Array(OrderBody), nextCursor: NextCursor },
  { examples: [{ items: [exampleOrder], nextCursor: EXAMPLE_CURSOR }] },
);
export const StaffOrderPage = Type.Object(
  { items: Type.Array(StaffOrderBody), nextCursor: NextCursor },
  {
    examples: [
      {
        items: [
          {
            ...exampleOrder,
            status: 'paid',
            creditsGranted: 100,
            paidAt: '2026-11-30T04:05:00.000Z',
            userId: EXAMPLE_USER_ID,
            providerPaymentId: 'pi_3QmExample0000000',
            reviewReason: null,
            updatedAt: '2026-11-30T04:05:00.000Z',
          },
        ],
        nextCursor: null,
      },
    ],
  },
);

const listFields = {
  status: Type.Optional(OrderStatusSchema),
  cursor: Type.Optional(
    Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the last page' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};
export const OrderListQuery = Type.Object(listFields, {
  additionalProperties: false,
  examples: [{ status: 'paid', limit: 20 }],
});
export const StaffOrderListQuery = Type.Object(
  { ...listFields, userId: Type.Optional(Uuid) },
  { additionalProperties: false, examples: [{ status: 'review', userId: EXAMPLE_USER_ID, limit: 50 }] },
);

export const OrderParams = Type.Object({ orderId: Uuid }, { additionalProperties: false });

const RazorpayId = (prefix: string, description: string) =>
  Type.String({ minLength: 1, maxLength: 64, pattern: `^${prefix}_[A-Za-z0-9]+$`, description });

export const RazorpayVerifyBody = Type.Object(
  {
    orderId: Type.String({ format: 'uuid', description: 'Our order id.' }),
    razorpayOrderId: RazorpayId('order', 'razorpay_order_id from the checkout handler.'),
    razorpayPaymentId: RazorpayId('pay', 'razorpay_payment_id from the checkout handler.'),
    razorpaySignature: Type.String({
      minLength: 64,
      maxLength: 64,
      pattern: '^[0-9a-fA-F]{64}$',
      description: 'razorpay_signature from the checkout handler: hex HMAC-SHA256 of "order_id|payment_id".',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        orderId: EXAMPLE_ORDER_ID,
        razorpayOrderId: 'order_NZx1Example0001',
        razorpayPaymentId: 'pay_NZx1Example0001',
        razorpaySignature: '0d4e5c8f0f2b7a1e9c3d6b8a4f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e',
      },
    ],
  },
);

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

export function presentOrder({ row, razorpayKeyId }: OrderView): Static<typeof OrderBody> {
  return {
    id: row.id,
    packId: row.pack_id,
    credits: row.credits,
    amount: row.amount,
    currency: row.currency,
    provider: row.provider,
    status: row.status,
    providerOrderId: row.provider_order_id,
    checkoutUrl: row.checkout_url,
    razorpay:
      row.provider === 'razorpay' && row.provider_order_id !== null && razorpayKeyId !== null
        ? { keyId: razorpayKeyId, orderId: row.provider_order_id, amount: row.amount, currency: row.currency }
        : null,
    creditsGranted: row.credits_granted,
    callbackVerified: row.callback_verified_at !== null,
    createdAt: row.created_at.toISOString(),
    paidAt: iso(row.paid_at),
  };
}

export function presentStaffOrder(view: OrderView): Static<typeof StaffOrderBody> {
  const { row } = view;
  return {
    ...presentOrder(view),
    userId: row.user_id,
    providerPaymentId: row.provider_payment_id,
    reviewReason: row.review_reason,
    updatedAt: row.updated_at.toISOString(),
  };
}
