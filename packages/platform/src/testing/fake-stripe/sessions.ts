// Owns the fake Stripe's hosted-page sessions: Checkout Sessions (mode subscription, one recurring
// price; mode payment is payment-checkout.ts's) and what paying one does (a customer when there was
// none, a subscription carrying subscription_data.metadata), and customer portal sessions. Test
// support only.
import type Stripe from 'stripe';
import type { Clock } from '../../time/clock.js';
import checkoutSessionJson from './checkout-session.json' with { type: 'json' };
import portalSessionJson from './portal-session.json' with { type: 'json' };
import type { SubscriptionSeed } from './state.js';
import {
  copy,
  invalidParam,
  missingParam,
  noSuch,
  onlyKnown,
  type Params,
  seconds,
  strings,
  stripeId,
} from './wire.js';

interface StoredSession {
  session: Stripe.Checkout.Session;
  price: string;
  subscriptionMetadata: Record<string, string>;
  trialDays: number | null;
}

/** What the sessions need from the rest of the account. */
export interface SessionAccount {
  hasCustomer(id: string): boolean;
  addCustomer(input: { email?: string | null }): Stripe.Customer;
  addSubscription(seed: SubscriptionSeed): Stripe.Subscription;
  /** Sessions in mode payment (payment-checkout.ts). */
  paymentCheckout: {
    create(params: Params): Stripe.Checkout.Session;
    has(id: string): boolean;
    session(id: string): Stripe.Checkout.Session;
  };
}

export function createFakeSessions(clock: Clock, account: SessionAccount) {
  const sessions = new Map<string, StoredSession>();
  const { addCustomer, addSubscription } = account;

  const knownCustomer = (id: unknown, param = 'customer') => {
    if (typeof id === 'string' && !account.hasCustomer(id)) throw noSuch('customer', id, param, 400);
  };

  /** POST /v1/checkout/sessions (mode subscription: one recurring price). */
  const createCheckoutSession = (params: Params): Stripe.Checkout.Session => {
    if (params.mode === 'payment') return account.paymentCheckout.create(params);
    onlyKnown(params, [
      'mode',
      'line_items',
      'customer',
      'customer_email',
      'client_reference_id',
      'metadata',
      'subscription_data',
      'success_url',
      'cancel_url',
      'allow_promotion_codes',
      'billing_address_collection',
      'locale',
      'payment_method_types',
      'expand',
    ]);
    if (params.mode === undefined) throw missingParam('mode');
    if (params.mode !== 'subscription')
      throw invalidParam('mode', 'The fake Stripe only creates subscription and payment sessions.');
    const lineItems = Array.isArray(params.line_items) ? (params.line_items as Params[]) : [];
    const price = lineItems[0]?.price;
    if (typeof price !== 'string') throw missingParam('line_items');
    if (params.customer !== undefined && params.customer_email !== undefined) {
      throw invalidParam(
        'customer_email',
        'You may only specify one of these parameters: customer, customer_email.',
      );
    }
    knownCustomer(params.customer);
    const subscriptionData = (params.subscription_data ?? {}) as Params;
    const id = stripeId('cs_test');
    const now = seconds(clock.now());
    const session = copy(checkoutSessionJson) as unknown as Stripe.Checkout.Session;
    Object.assign(session, {
      id,
      created: now,
      expires_at: now + 24 * 3600,
      customer: params.customer ?? null,
      customer_email: params.customer_email ?? null,
      client_reference_id: params.client_reference_id ?? null,
      metadata: strings(params.metadata),
      success_url: params.success_url ?? null,
      cancel_url: params.cancel_url ?? null,
      url: `https://checkout.stripe.com/c/pay/${id}`,
    });
    const trialDays =
      subscriptionData.trial_period_days === undefined ? null : Number(subscriptionData.trial_period_days);
    sessions.set(id, { session, price, subscriptionMetadata: strings(subscriptionData.metadata), trialDays });
    return copy(session);
  };

  const storedSession = (id: string): StoredSession => {
    const entry = sessions.get(id);
    if (!entry) throw noSuch('checkout.session', id, 'session');
    return entry;
  };

  /** What the customer paying on the hosted page does: a customer and a subscription, the session complete. */
  const completeCheckout = (sessionId: string): Stripe.Subscription => {
    const { session, price, subscriptionMetadata, trialDays } = storedSession(sessionId);
    if (session.status !== 'open')
      throw new Error(`checkout session ${sessionId} is ${session.status}, not open`);
    const customer =
      typeof session.customer === 'string'
        ? session.customer
        : addCustomer({ email: session.customer_email }).id;
    const now = clock.now();
    const subscription = addSubscription({
      customer,
      price,
      metadata: subscriptionMetadata,
      periodStart: now,
      ...(trialDays
        ? { trialEnd: new Date(now.getTime() + trialDays * 86_400_000), status: 'trialing' as const }
        : {}),
    });
    Object.assign(session, {
      status: 'complete',
      payment_status: trialDays ? 'no_payment_required' : 'paid',
      customer,
      subscription: subscription.id,
      url: null,
      customer_details: {
        email: session.customer_email,
        name: null,
        phone: null,
        address: null,
        tax_exempt: 'none',
        tax_ids: [],
      },
    });
    return subscription;
  };

  /** POST /v1/billing_portal/sessions */
  const createPortalSession = (params: Params): Stripe.BillingPortal.Session => {
    onlyKnown(params, ['customer', 'return_url', 'configuration', 'flow_data', 'locale', 'expand']);
    if (params.customer === undefined) throw missingParam('customer');
    knownCustomer(params.customer);
    const session = copy(portalSessionJson) as unknown as Stripe.BillingPortal.Session;
    const id = stripeId('bps');
    Object.assign(session, {
      id,
      created: seconds(clock.now()),
      customer: params.customer,
      return_url: params.return_url ?? null,
      url: `https://billing.stripe.com/p/session/test_${id.slice(4)}`,
    });
    return session;
  };

  return {
    createCheckoutSession,
    checkoutSession: (id: string) =>
      account.paymentCheckout.has(id) ? account.paymentCheckout.session(id) : copy(storedSession(id).session),
    completeCheckout,
    createPortalSession,
  };
}
