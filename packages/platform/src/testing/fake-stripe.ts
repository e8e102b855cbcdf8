// Owns the fake Stripe for tests: a node:http server on 127.0.0.1 that the official SDK talks to
// (STRIPE_API_URL) and that answers like Stripe's API for the calls the apps make: Checkout
// sessions (subscription and payment mode) and portal sessions, subscriptions (retrieve, update,
// cancel, list), customers, PaymentIntents, charges, refunds, disputes, Connect transfers and their
// reversals. Test controls play the customer and Stripe (pay, refund, dispute). It authenticates the
// bearer key, honours Idempotency-Key (same key and body: the stored answer again, with
// `Idempotent-Replayed: true`; same key, other body: Stripe's 400 idempotency_error), logs every
// request for assertions, and fails on demand (`down`, `failNext`). `signedEvent` builds webhook
// deliveries signed with the SDK's own test-header helper. The account itself: fake-stripe/state.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { type Clock, systemClock } from '../time/clock.js';
import {
  type Answer,
  createFaults,
  faultOrRespond,
  listenFake,
  type OutageMode,
  orUndefinedOn,
  readBody,
} from './fake-http-server.js';
import type { PaymentIntentSeed } from './fake-stripe/payments.js';
import {
  createFakeStripeState,
  type SubscriptionChanges,
  type SubscriptionSeed,
} from './fake-stripe/state.js';
import {
  decodeForm,
  errorForStatus,
  FakeStripeError,
  type Params,
  type StripeErrorBody,
  seconds,
  stripeId,
} from './fake-stripe/wire.js';

export type { PaymentIntentSeed } from './fake-stripe/payments.js';
export type { SubscriptionChanges, SubscriptionSeed } from './fake-stripe/state.js';
export type { StripeErrorBody } from './fake-stripe/wire.js';

export interface FakeStripeRequest {
  method: string;
  /** Without the query string, e.g. `/v1/subscriptions/sub_123`. */
  path: string;
  /** Decoded form body (POST) or query (GET, DELETE); leaves are strings, as sent. */
  params: Params;
  idempotencyKey: string | null;
  stripeVersion: string | null;
  /** Answered from the idempotency store. */
  replayed: boolean;
}

/** How a fake that is down fails: Stripe's 503 api_error, or the connection reset with no answer. */
export type { OutageMode };

export interface FakeStripe {
  /** Base URL for STRIPE_API_URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Every request received, oldest first (faulted ones too); tests may clear it with `length = 0`. */
  requests: FakeStripeRequest[];
  subscriptions: {
    add(seed: SubscriptionSeed): Stripe.Subscription;
    get(id: string): Stripe.Subscription | undefined;
    /** Changes made outside the API (the dashboard, Stripe's own billing cycle). */
    update(id: string, changes: SubscriptionChanges): Stripe.Subscription;
    all(): Stripe.Subscription[];
  };
  customers: {
    add(input?: { id?: string; email?: string | null; metadata?: Record<string, string> }): Stripe.Customer;
  };
  checkoutSessions: { get(id: string): Stripe.Checkout.Session | undefined };
  /** Pays a Checkout Session: a customer (when it had none) and a subscription with the session's price and subscription_data.metadata. */
  completeCheckout(sessionId: string): Stripe.Subscription;
  /**
   * Pays a Checkout Session in mode payment: a succeeded PaymentIntent (payment_intent_data.metadata)
   * and charge; the session complete, payment_status paid. `amount`/`currency` override what is paid.
   */
  payCheckout(
    sessionId: string,
    options?: { amount?: number; currency?: string },
  ): { session: Stripe.Checkout.Session; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge };
  /** Stripe expires an open payment-mode session (as at expires_at). */
  expireCheckout(sessionId: string): Stripe.Checkout.Session;
  /** A succeeded PaymentIntent and charge nobody ordered (or whose webhook was missed), for reconciliation. */
  addPaymentIntent(seed: PaymentIntentSeed): {
    paymentIntent: Stripe.PaymentIntent;
    charge: Stripe.Charge | null;
  };
  paymentIntents: { get(id: string): Stripe.PaymentIntent | undefined };
  charges: { get(id: string): Stripe.Charge | undefined };
  transfers: { get(id: string): Stripe.Transfer | undefined };
  /** A refund of `amount` (default what is left): amount_refunded adds up, `refunded` once whole. */
  refundCharge(chargeId: string, amount?: number): { refund: Stripe.Refund; charge: Stripe.Charge };
  /** A chargeback (status needs_response) of `amount` (default the charge's); the charge disputed. */
  disputeCharge(chargeId: string, amount?: number): { dispute: Stripe.Dispute; charge: Stripe.Charge };
  closeDispute(disputeId: string, outcome: 'won' | 'lost'): Stripe.Dispute;
  /** Reverses the transfer (default all that is left); answers the transfer after it. */
  reverseTransfer(transferId: string, amount?: number): Stripe.Transfer;
  /** While down, every request fails the given way (after being logged). */
  down(on: boolean, mode?: OutageMode): void;
  /** The next `count` requests answer `status` with Stripe's error body for it (overridable), optionally with Retry-After. */
  failNext(
    count: number,
    status: number,
    options?: { error?: Partial<StripeErrorBody>; retryAfterSeconds?: number },
  ): void;
  close(): Promise<void>;
}

export interface FakeStripeOptions {
  /** Timestamps of created objects; default the system clock. */
  clock?: Clock;
  /** The only secret key accepted; default any `sk_test_`/`sk_live_`/`rk_` key. */
  apiKey?: string;
}

function authenticate(header: string | undefined, apiKey: string | undefined): FakeStripeError | null {
  const key = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  if (key === '') {
    return new FakeStripeError(401, {
      type: 'invalid_request_error',
      message:
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    });
  }
  const accepted = apiKey === undefined ? /^(sk_test_|sk_live_|rk_)/.test(key) : key === apiKey;
  if (accepted) return null;
  return new FakeStripeError(401, {
    type: 'invalid_request_error',
    code: 'api_key_invalid',
    message: `Invalid API Key provided: ${key.slice(0, 8)}****${key.slice(-4)}`,
  });
}

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const state = createFakeStripeState(options.clock ?? systemClock);
  const requests: FakeStripeRequest[] = [];
  const idempotent = new Map<string, { fingerprint: string; answer: Answer }>();
  const faults = createFaults<{ error?: Partial<StripeErrorBody>; retryAfterSeconds?: number }>();

  /** The endpoints the fake knows: method, path (group 1: the object id) and what answers. */
  const routes: Array<[string, RegExp, (id: string, params: Params) => unknown]> = [
    ['POST', /^\/v1\/checkout\/sessions$/, (_id, params) => state.createCheckoutSession(params)],
    ['GET', /^\/v1\/checkout\/sessions\/([^/]+)$/, (id) => state.checkoutSession(id)],
    ['POST', /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, (id) => state.paymentCheckout.expire(id)],
    ['GET', /^\/v1\/payment_intents$/, (_id, params) => state.listPaymentIntents(params)],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, (id) => state.paymentIntent(id)],
    ['GET', /^\/v1\/charges$/, (_id, params) => state.listCharges(params)],
    ['GET', /^\/v1\/charges\/([^/]+)$/, (id) => state.charge(id)],
    ['GET', /^\/v1\/refunds$/, (_id, params) => state.listRefunds(params)],
    ['GET', /^\/v1\/refunds\/([^/]+)$/, (id) => state.refund(id)],
    ['GET', /^\/v1\/disputes\/([^/]+)$/, (id) => state.dispute(id)],
    ['POST', /^\/v1\/transfers$/, (_id, params) => state.createTransfer(params)],
    ['GET', /^\/v1\/transfers\/([^/]+)$/, (id) => state.transfer(id)],
    [
      'POST',
      /^\/v1\/transfers\/([^/]+)\/reversals$/,
      (id, params) => state.createTransferReversal(id, params),
    ],
    ['POST', /^\/v1\/billing_portal\/sessions$/, (_id, params) => state.createPortalSession(params)],
    ['GET', /^\/v1\/subscriptions$/, (_id, params) => state.listSubscriptions(params)],
    ['GET', /^\/v1\/subscriptions\/([^/]+)$/, (id) => state.subscription(id)],
    ['POST', /^\/v1\/subscriptions\/([^/]+)$/, (id, params) => state.updateSubscription(id, params)],
    ['DELETE', /^\/v1\/subscriptions\/([^/]+)$/, (id, params) => state.cancelSubscription(id, params)],
    ['POST', /^\/v1\/customers$/, (_id, params) => state.createCustomer(params)],
    ['GET', /^\/v1\/customers\/([^/]+)$/, (id) => state.customer(id)],
  ];

  const dispatch = (method: string, path: string, params: Params): Answer => {
    for (const [routeMethod, pattern, answer] of routes) {
      const match = method === routeMethod ? pattern.exec(path) : null;
      if (match) return { status: 200, body: answer(decodeURIComponent(match[1] ?? ''), params) };
    }
    throw new FakeStripeError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). Please see https://docs.stripe.com or we can help at https://support.stripe.com/.`,
    });
  };

  const answerFor = (error: FakeStripeError): Answer => ({ status: error.status, body: error.toJSON() });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://fake-stripe');
    const rawBody = await readBody(request);
    const params = decodeForm(method === 'POST' ? rawBody : url.search.slice(1));
    const idempotencyKey = (request.headers['idempotency-key'] as string | undefined) ?? null;
    const entry: FakeStripeRequest = {
      method,
      path: url.pathname,
      params,
      idempotencyKey,
      stripeVersion: (request.headers['stripe-version'] as string | undefined) ?? null,
      replayed: false,
    };
    requests.push(entry);
    const answer = faultOrRespond(
      request,
      faults,
      (fault) => answerFor(errorForStatus(fault.status, fault.error)),
      () => respond(entry, rawBody, request.headers.authorization),
    );
    if (!answer) return;
    response.writeHead(answer.status, {
      'Content-Type': 'application/json',
      'Request-Id': stripeId('req'),
      ...(entry.stripeVersion ? { 'Stripe-Version': entry.stripeVersion } : {}),
      ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
      ...answer.headers,
    });
    response.end(JSON.stringify(answer.body));
  };

  /** Past the faults: authentication, the idempotency store, then the endpoint. */
  const respond = (entry: FakeStripeRequest, rawBody: string, authorization: string | undefined): Answer => {
    const { method, path, params, idempotencyKey } = entry;
    const refused = authenticate(authorization, options.apiKey);
    if (refused) return answerFor(refused);
    const keyed = idempotencyKey !== null && (method === 'POST' || method === 'DELETE');
    const fingerprint = `${method} ${path} ${rawBody}`;
    const earlier = keyed ? idempotent.get(idempotencyKey) : undefined;
    if (earlier && earlier.fingerprint !== fingerprint) {
      return answerFor(
        new FakeStripeError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        }),
      );
    }
    if (earlier) {
      entry.replayed = true;
      return { ...earlier.answer, headers: { 'Idempotent-Replayed': 'true' } };
    }
    let answer: Answer;
    let replayable = true;
    try {
      answer = dispatch(method, path, params);
    } catch (error) {
      if (!(error instanceof FakeStripeError)) throw error;
      answer = answerFor(error);
      replayable = error.replayable;
    }
    if (keyed && replayable) idempotent.set(idempotencyKey, { fingerprint, answer });
    return answer;
  };

  const server = await listenFake(handle, (error) =>
    errorForStatus(500, { message: String(error) }).toJSON(),
  );
  const orUndefined = orUndefinedOn(FakeStripeError);

  return {
    url: server.url,
    requests,
    subscriptions: {
      add: state.addSubscription,
      get: (id) => orUndefined(() => state.subscription(id)),
      update: state.changeSubscription,
      all: state.allSubscriptions,
    },
    customers: { add: state.addCustomer },
    checkoutSessions: { get: (id) => orUndefined(() => state.checkoutSession(id)) },
    completeCheckout: state.completeCheckout,
    payCheckout: state.paymentCheckout.pay,
    expireCheckout: state.paymentCheckout.expire,
    addPaymentIntent: state.addPaymentIntent,
    paymentIntents: { get: (id) => orUndefined(() => state.paymentIntent(id)) },
    charges: { get: (id) => orUndefined(() => state.charge(id)) },
    transfers: { get: (id) => orUndefined(() => state.transfer(id)) },
    refundCharge: state.refundCharge,
    disputeCharge: state.disputeCharge,
    closeDispute: state.closeDispute,
    reverseTransfer: state.reverseTransfer,
    down: faults.down,
    failNext: faults.failNext,
    close: server.close,
  };
}

export interface SignedEvent {
  /** The raw body to POST. */
  payload: string;
  /** The `Stripe-Signature` header value. */
  header: string;
  event: Stripe.Event;
}

/**
 * A webhook delivery of `type` carrying `object`, signed with `secret` by the SDK's
 * generateTestHeaderString. `created` (default: the signing time) orders events; `timestamp`
 * (default now) is the signature's `t`: pass the injected clock's time to stay within tolerance.
 */
export function signedEvent(
  input: {
    type: string;
    object: unknown;
    created?: Date;
    id?: string;
    previousAttributes?: Record<string, unknown>;
  },
  secret: string,
  timestamp: Date = new Date(),
): SignedEvent {
  const event = {
    id: input.id ?? stripeId('evt'),
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: seconds(input.created ?? timestamp),
    data: {
      object: input.object,
      ...(input.previousAttributes ? { previous_attributes: input.previousAttributes } : {}),
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: input.type,
  } as unknown as Stripe.Event;
  const payload = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: seconds(timestamp) });
  return { payload, header, event };
}
