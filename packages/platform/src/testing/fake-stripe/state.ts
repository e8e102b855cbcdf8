// Owns the fake Stripe's account: its customers and subscriptions (sessions: sessions.ts; one-off
// payments, refunds and disputes: payments.ts and payment-checkout.ts; transfers: transfers.ts), and the
// rules the real API applies to them for the calls the apps make (what a canceled subscription
// refuses, what a missing object answers, how lists page). Objects start from the recorded JSON
// beside this file (API version of the pinned SDK: the period lives on the subscription items) and
// are handed out as copies, so a test changes state only through the API or the seeding helpers.
// Test support only.
import type Stripe from 'stripe';
import type { Clock } from '../../time/clock.js';
import customerJson from './customer.json' with { type: 'json' };
import { createFakePaymentCheckout } from './payment-checkout.js';
import { createFakePayments } from './payments.js';
import { createFakeSessions } from './sessions.js';
import subscriptionJson from './subscription.json' with { type: 'json' };
import { createFakeTransfers } from './transfers.js';
import {
  copy,
  FakeStripeError,
  invalidParam,
  noSuch,
  onlyKnown,
  type Params,
  seconds,
  strings,
  stripeId,
} from './wire.js';

export interface SubscriptionSeed {
  id?: string;
  /** An existing customer, or one created with this id; a new customer when omitted. */
  customer?: string;
  price: string;
  status?: Stripe.Subscription.Status;
  metadata?: Record<string, string>;
  /** Default now; the end defaults to one calendar month later. */
  periodStart?: Date;
  periodEnd?: Date;
  trialEnd?: Date | null;
  cancelAtPeriodEnd?: boolean;
  /** Minor units per period; default 4900. */
  unitAmount?: number;
  created?: Date;
}

export type SubscriptionChanges = Partial<
  Omit<SubscriptionSeed, 'id' | 'customer' | 'created' | 'unitAmount'>
>;

const oneMonthLater = (instant: Date): Date => {
  const end = new Date(instant);
  end.setUTCMonth(end.getUTCMonth() + 1);
  return end;
};

export function createFakeStripeState(clock: Clock) {
  const customers = new Map<string, Stripe.Customer>();
  const subscriptions = new Map<string, Stripe.Subscription>();

  const addCustomer = (
    input: { id?: string; email?: string | null; metadata?: Record<string, string> } = {},
  ) => {
    const customer = copy(customerJson) as unknown as Stripe.Customer;
    Object.assign(customer, {
      id: input.id ?? stripeId('cus'),
      created: seconds(clock.now()),
      email: input.email ?? null,
      metadata: input.metadata ?? {},
    });
    customers.set(customer.id, customer);
    return copy(customer);
  };

  const stored = (id: string, param = 'id'): Stripe.Subscription => {
    const subscription = subscriptions.get(id);
    if (!subscription) throw noSuch('subscription', id, param);
    return subscription;
  };

  /** Applies seed-style changes to a stored subscription, keeping the fields Stripe derives in step. */
  const applyChanges = (
    subscription: Stripe.Subscription,
    changes: SubscriptionChanges & { unitAmount?: number },
  ) => {
    const now = seconds(clock.now());
    const item = subscription.items.data[0] as Stripe.SubscriptionItem;
    if (changes.price !== undefined) {
      item.price.id = changes.price;
      item.plan.id = changes.price;
    }
    if (changes.unitAmount !== undefined) {
      Object.assign(item.price, {
        unit_amount: changes.unitAmount,
        unit_amount_decimal: String(changes.unitAmount),
      });
      Object.assign(item.plan, { amount: changes.unitAmount, amount_decimal: String(changes.unitAmount) });
    }
    if (changes.periodStart !== undefined) item.current_period_start = seconds(changes.periodStart);
    if (changes.periodEnd !== undefined) item.current_period_end = seconds(changes.periodEnd);
    if (changes.metadata !== undefined) subscription.metadata = { ...changes.metadata };
    if (changes.trialEnd !== undefined) {
      subscription.trial_end = changes.trialEnd === null ? null : seconds(changes.trialEnd);
      subscription.trial_start = changes.trialEnd === null ? null : item.current_period_start;
    }
    if (changes.cancelAtPeriodEnd !== undefined) {
      subscription.cancel_at_period_end = changes.cancelAtPeriodEnd;
      subscription.cancel_at = changes.cancelAtPeriodEnd ? item.current_period_end : null;
      subscription.canceled_at = changes.cancelAtPeriodEnd ? now : null;
    }
    if (changes.status !== undefined) {
      subscription.status = changes.status;
      const ended = changes.status === 'canceled' || changes.status === 'incomplete_expired';
      subscription.ended_at = ended ? now : null;
      if (ended) {
        subscription.canceled_at = now;
        subscription.cancel_at_period_end = false;
      }
    }
  };

  const addSubscription = (seed: SubscriptionSeed): Stripe.Subscription => {
    const now = clock.now();
    const customerId = seed.customer ?? addCustomer().id;
    if (!customers.has(customerId)) addCustomer({ id: customerId });
    const subscription = copy(subscriptionJson) as unknown as Stripe.Subscription;
    const start = seed.periodStart ?? now;
    const id = seed.id ?? stripeId('sub');
    Object.assign(subscription, {
      id,
      customer: customerId,
      created: seconds(seed.created ?? now),
      start_date: seconds(start),
      billing_cycle_anchor: seconds(start),
      latest_invoice: stripeId('in'),
      default_payment_method: stripeId('pm'),
    });
    subscription.items.url = `/v1/subscription_items?subscription=${id}`;
    Object.assign(subscription.items.data[0] as Stripe.SubscriptionItem, {
      id: stripeId('si'),
      created: seconds(seed.created ?? now),
      subscription: id,
    });
    applyChanges(subscription, {
      price: seed.price,
      unitAmount: seed.unitAmount ?? 4900,
      periodStart: start,
      periodEnd: seed.periodEnd ?? oneMonthLater(start),
      metadata: seed.metadata ?? {},
      trialEnd: seed.trialEnd ?? null,
      cancelAtPeriodEnd: seed.cancelAtPeriodEnd ?? false,
      status: seed.status ?? (seed.trialEnd ? 'trialing' : 'active'),
    });
    subscriptions.set(id, subscription);
    return copy(subscription);
  };

  /** POST /v1/subscriptions/:id */
  const updateSubscription = (id: string, params: Params): Stripe.Subscription => {
    onlyKnown(params, [
      'cancel_at_period_end',
      'metadata',
      'cancellation_details',
      'proration_behavior',
      'expand',
    ]);
    const subscription = stored(id);
    const onlyAllowedWhenCanceled = Object.keys(params).every((key) =>
      ['metadata', 'cancellation_details', 'expand'].includes(key),
    );
    if (subscription.status === 'canceled' && !onlyAllowedWhenCanceled) {
      throw new FakeStripeError(400, {
        type: 'invalid_request_error',
        message: 'A canceled subscription can only update its cancellation_details and metadata.',
      });
    }
    if (params.cancel_at_period_end !== undefined) {
      if (params.cancel_at_period_end !== 'true' && params.cancel_at_period_end !== 'false') {
        throw invalidParam('cancel_at_period_end', 'Invalid boolean: cancel_at_period_end');
      }
      applyChanges(subscription, { cancelAtPeriodEnd: params.cancel_at_period_end === 'true' });
    }
    if (params.metadata !== undefined) {
      const merged = { ...subscription.metadata, ...strings(params.metadata) };
      subscription.metadata = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== ''));
    }
    return copy(subscription);
  };

  /** DELETE /v1/subscriptions/:id: a canceled subscription is, to this endpoint, one that does not exist. */
  const cancelSubscription = (id: string, params: Params): Stripe.Subscription => {
    onlyKnown(params, ['invoice_now', 'prorate', 'cancellation_details', 'expand']);
    const subscription = stored(id);
    if (subscription.status === 'canceled') throw noSuch('subscription', id, 'id');
    applyChanges(subscription, { status: 'canceled' });
    subscription.cancellation_details = {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: 'cancellation_requested',
    };
    return copy(subscription);
  };

  /** GET /v1/subscriptions: newest first, `status` default every one not canceled. */
  const listSubscriptions = (params: Params) => {
    onlyKnown(params, ['status', 'customer', 'price', 'limit', 'starting_after', 'ending_before', 'expand']);
    const limit = params.limit === undefined ? 10 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new FakeStripeError(400, {
        type: 'invalid_request_error',
        code: 'parameter_invalid_integer',
        message: 'This value must be less than or equal to 100 (it currently is greater than 100).',
        param: 'limit',
      });
    }
    const status = params.status as string | undefined;
    const matching = [...subscriptions.values()]
      .reverse()
      .sort((a, b) => b.created - a.created)
      .filter((subscription) =>
        status === 'all'
          ? true
          : status
            ? subscription.status === status
            : subscription.status !== 'canceled',
      )
      .filter((subscription) => !params.customer || subscription.customer === params.customer)
      .filter(
        (subscription) =>
          !params.price || subscription.items.data.some((item) => item.price.id === params.price),
      );
    let page: Stripe.Subscription[];
    let hasMore: boolean;
    if (typeof params.ending_before === 'string') {
      const before = matching.findIndex((subscription) => subscription.id === params.ending_before);
      if (before < 0) stored(params.ending_before, 'ending_before');
      page = matching.slice(Math.max(0, before - limit), before);
      hasMore = before - limit > 0;
    } else {
      const after =
        typeof params.starting_after === 'string'
          ? matching.findIndex((s) => s.id === params.starting_after)
          : -1;
      if (typeof params.starting_after === 'string' && after < 0)
        stored(params.starting_after, 'starting_after');
      page = matching.slice(after + 1, after + 1 + limit);
      hasMore = after + 1 + limit < matching.length;
    }
    return { object: 'list', data: copy(page), has_more: hasMore, url: '/v1/subscriptions' };
  };

  const customer = (id: string): Stripe.Customer => {
    const found = customers.get(id);
    if (!found) throw noSuch('customer', id, 'id');
    return copy(found);
  };

  const payments = createFakePayments(clock);
  const paymentCheckout = createFakePaymentCheckout(clock, payments);

  return {
    addCustomer,
    customer,
    /** POST /v1/customers */
    createCustomer(params: Params): Stripe.Customer {
      onlyKnown(params, ['email', 'name', 'metadata', 'expand']);
      return addCustomer({
        email: (params.email as string | undefined) ?? null,
        metadata: strings(params.metadata),
      });
    },
    addSubscription,
    subscription: (id: string) => copy(stored(id)),
    changeSubscription(id: string, changes: SubscriptionChanges): Stripe.Subscription {
      const subscription = stored(id);
      applyChanges(subscription, changes);
      return copy(subscription);
    },
    allSubscriptions: () => copy([...subscriptions.values()]),
    updateSubscription,
    cancelSubscription,
    listSubscriptions,
    ...payments,
    ...createFakeTransfers(clock),
    paymentCheckout,
    ...createFakeSessions(clock, {
      hasCustomer: (id) => customers.has(id),
      addCustomer,
      addSubscription,
      paymentCheckout,
    }),
  };
}
