// Owns the fake Razorpay for tests: a node:http server on 127.0.0.1 that the official `razorpay` SDK
// talks to once its axios instance points here (`razorpay.api.rq.defaults.baseURL = fake.url`; the
// SDK adds `/v1` itself), answering like Razorpay's API for the calls pairly makes: orders, payments,
// refunds, disputes and RazorpayX payouts (X-Payout-Idempotency: the same key and body answer the
// same payout). It authenticates HTTP Basic key_id:key_secret, logs every request, fails on demand
// (`down`, `failNext`), and `signedEvent` builds webhook deliveries signed as Razorpay signs them.
// The account itself: fake-razorpay/state.ts; wire format: fake-razorpay/wire.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
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
import type {
  PaymentSeed,
  RazorpayDispute,
  RazorpayOrder,
  RazorpayPayment,
  RazorpayPayout,
  RazorpayRefund,
} from './fake-razorpay/entities.js';
import {
  type RazorpayEventEntities,
  type RazorpaySignedEvent,
  type RazorpaySigning,
  razorpaySignedEvent,
} from './fake-razorpay/events.js';
import { createFakeRazorpayState } from './fake-razorpay/state.js';
import {
  errorForStatus,
  FakeRazorpayError,
  type Json,
  notFoundUrl,
  readPaging,
} from './fake-razorpay/wire.js';

export type {
  PaymentSeed,
  PayoutStatus,
  RazorpayDispute,
  RazorpayOrder,
  RazorpayPayment,
  RazorpayPayout,
  RazorpayRefund,
} from './fake-razorpay/entities.js';
export type {
  RazorpayEventEntities,
  RazorpaySignedEvent,
  RazorpaySigning,
} from './fake-razorpay/events.js';
export { razorpaySignedEvent } from './fake-razorpay/events.js';
export type { RazorpayErrorBody } from './fake-razorpay/wire.js';

export interface FakeRazorpayRequest {
  method: string;
  /** Without the query string, e.g. `/v1/orders/order_Q5x...`. */
  path: string;
  query: Record<string, string>;
  /** The parsed JSON (or form) body of a POST; null otherwise. */
  body: Json | null;
  /** The Basic auth key id, when one was sent. */
  keyId: string | null;
  payoutIdempotencyKey: string | null;
  /** A payout answered from the idempotency store. */
  replayed: boolean;
}

/** How a fake that is down fails: a 503 SERVER_ERROR, or the connection reset with no answer. */
export type RazorpayOutageMode = OutageMode;

export interface FakeRazorpay {
  /** The origin to point the SDK at (`razorpay.api.rq.defaults.baseURL = url`), e.g. `http://127.0.0.1:41234`. */
  url: string;
  keyId: string;
  keySecret: string;
  /** Every request received, oldest first (faulted ones too); tests may clear it with `length = 0`. */
  requests: FakeRazorpayRequest[];
  orders: { get(id: string): RazorpayOrder | undefined };
  payments: { get(id: string): RazorpayPayment | undefined };
  payouts: { get(id: string): RazorpayPayout | undefined };
  /** The customer pays the order: a captured payment of `amount` (default what is due); the order paid once fully paid. */
  capturePayment(
    orderId: string,
    options?: { amount?: number; currency?: string; method?: string },
  ): { payment: RazorpayPayment; order: RazorpayOrder };
  /** A failed payment attempt for the order. */
  failPayment(orderId: string): RazorpayPayment;
  /** A processed refund of `amount` (default all that is left); cumulative on the payment. */
  refundPayment(paymentId: string, amount?: number): RazorpayRefund;
  /** An open chargeback on the payment (default its whole amount). */
  disputePayment(paymentId: string, amount?: number): RazorpayDispute;
  resolveDispute(disputeId: string, outcome: 'won' | 'lost' | 'closed'): RazorpayDispute;
  /** The bank's (or approver's) verdict on a payout. */
  settlePayout(payoutId: string, outcome: 'processed' | 'reversed' | 'failed' | 'rejected'): RazorpayPayout;
  /** A payment the app never created an order for (or whose webhook it missed), for reconciliation. */
  addPayment(seed: PaymentSeed): RazorpayPayment;
  /** A webhook delivery as Razorpay sends it; `created_at` defaults to the fake's clock. */
  signedEvent(event: string, entities: RazorpayEventEntities, signing: RazorpaySigning): RazorpaySignedEvent;
  down(on: boolean, mode?: RazorpayOutageMode): void;
  /** The next `count` requests answer `status` with Razorpay's error body for it, optionally with Retry-After. */
  failNext(count: number, status: number, options?: { retryAfterSeconds?: number }): void;
  close(): Promise<void>;
}

export interface FakeRazorpayOptions {
  /** Timestamps of created objects and events; default the system clock. */
  clock?: Clock;
  /** The only key pair accepted; default `rzp_test_FakeKey0001` / `fake_key_secret`. */
  keyId?: string;
  keySecret?: string;
}

function parseBody(text: string, contentType: string | undefined): Json {
  if (text === '') return {};
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FakeRazorpayError(400, {
      code: 'BAD_REQUEST_ERROR',
      description: 'The request body is not valid JSON.',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new FakeRazorpayError(400, {
      code: 'BAD_REQUEST_ERROR',
      description: 'The request body must be an object.',
    });
  }
  return parsed as Json;
}

function basicAuth(header: string | undefined): { keyId: string; keySecret: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const at = decoded.indexOf(':');
  return at < 0 ? null : { keyId: decoded.slice(0, at), keySecret: decoded.slice(at + 1) };
}

export async function startFakeRazorpay(options: FakeRazorpayOptions = {}): Promise<FakeRazorpay> {
  const clock = options.clock ?? systemClock;
  const keyId = options.keyId ?? 'rzp_test_FakeKey0001';
  const keySecret = options.keySecret ?? 'fake_key_secret';
  const state = createFakeRazorpayState(clock);
  const requests: FakeRazorpayRequest[] = [];
  const payoutKeys = new Map<string, { fingerprint: string; answer: Answer }>();
  const faults = createFaults<{ retryAfterSeconds?: number }>();

  type Handler = (id: string, body: Json, query: URLSearchParams) => unknown;
  const routes: Array<[string, RegExp, Handler]> = [
    ['POST', /^\/v1\/orders$/, (_id, body) => state.createOrder(body)],
    ['GET', /^\/v1\/orders\/([^/]+)$/, (id) => state.order(id)],
    ['GET', /^\/v1\/orders\/([^/]+)\/payments$/, (id) => state.orderPayments(id)],
    ['GET', /^\/v1\/payments$/, (_id, _body, query) => state.payments(readPaging(query))],
    ['GET', /^\/v1\/payments\/([^/]+)$/, (id) => state.payment(id)],
    [
      'GET',
      /^\/v1\/payments\/([^/]+)\/refunds$/,
      (id, _body, query) => state.paymentRefunds(id, readPaging(query)),
    ],
    ['GET', /^\/v1\/refunds$/, (_id, _body, query) => state.refunds(readPaging(query))],
    ['GET', /^\/v1\/refunds\/([^/]+)$/, (id) => state.refund(id)],
    ['GET', /^\/v1\/disputes\/([^/]+)$/, (id) => state.dispute(id)],
    ['POST', /^\/v1\/payouts$/, (_id, body) => state.createPayout(body)],
    ['GET', /^\/v1\/payouts\/([^/]+)$/, (id) => state.payout(id)],
  ];

  const dispatch = (method: string, path: string, body: Json, query: URLSearchParams): Answer => {
    for (const [routeMethod, pattern, handler] of routes) {
      const match = method === routeMethod ? pattern.exec(path) : null;
      if (match) return { status: 200, body: handler(decodeURIComponent(match[1] ?? ''), body, query) };
    }
    throw notFoundUrl();
  };

  const answerFor = (error: FakeRazorpayError): Answer => ({ status: error.status, body: error.toJSON() });

  /** Past the faults: authentication, the payout idempotency store, then the endpoint. */
  const respond = (
    entry: FakeRazorpayRequest,
    request: IncomingMessage,
    rawBody: string,
    query: URLSearchParams,
  ): Answer => {
    const credentials = basicAuth(request.headers.authorization);
    if (!credentials || credentials.keyId !== keyId || credentials.keySecret !== keySecret) {
      return answerFor(errorForStatus(401));
    }
    const body = entry.method === 'POST' ? parseBody(rawBody, request.headers['content-type']) : {};
    entry.body = entry.method === 'POST' ? body : null;
    const key = entry.payoutIdempotencyKey;
    const keyed = key !== null && entry.method === 'POST' && entry.path === '/v1/payouts';
    const fingerprint = JSON.stringify(body);
    const earlier = keyed ? payoutKeys.get(key) : undefined;
    if (earlier && earlier.fingerprint !== fingerprint) {
      return answerFor(
        new FakeRazorpayError(400, {
          code: 'BAD_REQUEST_ERROR',
          description: 'Different request body sent for the same Idempotency Header',
          source: 'NA',
          step: 'NA',
          reason: 'input_validation_failed',
        }),
      );
    }
    if (earlier) {
      entry.replayed = true;
      return earlier.answer;
    }
    const answer = dispatch(entry.method, entry.path, body, query);
    if (keyed) payoutKeys.set(key, { fingerprint, answer });
    return answer;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://fake-razorpay');
    const rawBody = await readBody(request);
    const entry: FakeRazorpayRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: null,
      keyId: basicAuth(request.headers.authorization)?.keyId ?? null,
      payoutIdempotencyKey: (request.headers['x-payout-idempotency'] as string | undefined) ?? null,
      replayed: false,
    };
    requests.push(entry);
    const answer = faultOrRespond(
      request,
      faults,
      (fault) => answerFor(errorForStatus(fault.status)),
      () => {
        try {
          return respond(entry, request, rawBody, url.searchParams);
        } catch (error) {
          if (!(error instanceof FakeRazorpayError)) throw error;
          return answerFor(error);
        }
      },
    );
    if (!answer) return;
    response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  };

  const server = await listenFake(handle, (error) => ({
    error: { code: 'SERVER_ERROR', description: String(error) },
  }));
  const orUndefined = orUndefinedOn(FakeRazorpayError);

  return {
    url: server.url,
    keyId,
    keySecret,
    requests,
    orders: { get: (id) => orUndefined(() => state.order(id)) },
    payments: { get: (id) => orUndefined(() => state.payment(id)) },
    payouts: { get: (id) => orUndefined(() => state.payout(id)) },
    capturePayment: state.capturePayment,
    failPayment: state.failPayment,
    refundPayment: state.refundPayment,
    disputePayment: state.disputePayment,
    resolveDispute: state.resolveDispute,
    settlePayout: state.settlePayout,
    addPayment: state.addPayment,
    signedEvent: (event, entities, signing) => razorpaySignedEvent(event, entities, signing, clock.now()),
    down: faults.down,
    failNext: faults.failNext,
    close: server.close,
  };
}
