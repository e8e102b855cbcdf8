// Owns the error codes of credit pack orders (docs/payments.md): every refusal a client can get
// from the order routes, each with a stable code and, for bad input, the field it names. Provider
// outages and missing configuration are clients.ts's (payments_provider_unavailable,
// payments_not_configured).
import { AppError } from '@app/platform';

export const packNotFound = (packId: string) =>
  new AppError({
    kind: 'invalid_input',
    code: 'pack_not_found',
    detail: `There is no credit pack ${JSON.stringify(packId)}; GET /credit-packs lists them.`,
    fields: [{ path: '/body/packId', message: 'unknown pack' }],
  });

export const currencyNotOffered = (currency: string, offered: readonly string[]) =>
  new AppError({
    kind: 'invalid_input',
    code: 'currency_not_offered',
    detail:
      offered.length === 0
        ? `${currency} is not offered: this server takes no payments. An operator enables them with ` +
          'STRIPE_SECRET_KEY (USD, EUR, GBP) or RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET (INR); see docs/payments.md.'
        : `${currency} is not offered; this server takes ${offered.join(', ')}.`,
    fields: [{ path: '/body/currency', message: 'currency not offered' }],
  });

export const returnUrlRequired = (field: 'successUrl' | 'cancelUrl') =>
  new AppError({
    kind: 'invalid_input',
    code: 'return_url_required',
    detail: `${field} is required for a payment through Stripe Checkout (where it sends the user back).`,
    fields: [{ path: `/body/${field}`, message: 'required for this currency' }],
  });

export const returnUrlNotAllowed = (field: string, origins: readonly string[]) =>
  new AppError({
    kind: 'invalid_input',
    code: 'return_url_not_allowed',
    detail:
      origins.length === 0
        ? `${field} cannot be accepted: no return origin is configured (set PAYMENTS_RETURN_ORIGINS or CORS_ORIGINS).`
        : `${field} must be on one of this service's own origins: ${origins.join(', ')}.`,
    fields: [{ path: `/body/${field}`, message: 'origin not allowed' }],
  });

export const orderKeyReused = () =>
  new AppError({
    kind: 'conflict',
    code: 'idempotency_key_reused',
    detail: 'This Idempotency-Key was already used for an order with other parameters.',
  });

export const orderNotFound = (path = '/params/orderId') =>
  new AppError({
    kind: 'not_found',
    code: 'order_not_found',
    detail: 'No such order of yours.',
    fields: [{ path, message: 'unknown order' }],
  });

export const notARazorpayOrder = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'not_a_razorpay_order',
    detail: 'This order is paid through Stripe Checkout, not Razorpay.',
    fields: [{ path: '/body/orderId', message: 'not a Razorpay order' }],
  });

export const razorpayOrderMismatch = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'razorpay_order_mismatch',
    detail: 'razorpayOrderId is not the Razorpay order made for this order.',
    fields: [{ path: '/body/razorpayOrderId', message: 'not this order’s Razorpay order' }],
  });

export const checkoutSignatureInvalid = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'checkout_signature_invalid',
    detail: 'razorpaySignature does not match this order and payment.',
    fields: [{ path: '/body/razorpaySignature', message: 'signature mismatch' }],
  });

/** The provider refused to make an order for a reason that is ours (a bug or a misconfiguration). */
export const providerRefused = (provider: string, reason: string, cause: unknown) =>
  new AppError({
    kind: 'internal',
    code: 'payments_provider_refused',
    detail: `${provider} refused to create the payment (${reason}); nothing was charged. The order stays open and a retry with the same Idempotency-Key tries again.`,
    expose: true,
    cause,
  });
