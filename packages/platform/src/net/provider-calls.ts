// Owns the guard around calls to a payments provider (Stripe, Razorpay) through its official SDK:
// one named circuit breaker per provider on the injectable clock (after 5 consecutive outages calls
// fail fast for 30 s, then one trial call decides), its gauge `<name>_circuit_state` (0 closed,
// 1 half-open, 2 open), which failures are outages (connection failure, timeout, 5xx, 429; a
// refusal such as 400/404 means the provider is up), and the answer to an outage: 503
// `payments_provider_unavailable` with Retry-After (the breaker's remaining open time, or the
// provider's own Retry-After, at least 1 s). Other errors reach the caller untouched, for it to map.
// The breaker is the whole retry policy: the SDKs' own retries stay off.
//
// Razorpay's SDK (axios) turns every failure into `{ statusCode, error }`, and one without an HTTP
// answer into a TypeError that says nothing; `configureRazorpayClient` installs an interceptor
// that gives connection failures and timeouts a recognisable shape (statusCode 0, error.code
// `NETWORK_ERROR`) and keeps Razorpay's Retry-After, sets a timeout, and points the client at
// another origin (RAZORPAY_API_URL, e.g. the fake in tests).
import Stripe from 'stripe';
import { AppError } from '../errors/index.js';
import type { AppMetrics } from '../http/metrics.js';
import type { Clock } from '../time/clock.js';
import { CircuitOpenError, type CircuitState, createCircuitBreaker } from './circuit-breaker.js';

/** The gauge's value per breaker state. */
export const CIRCUIT_GAUGE_VALUES: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

type Raw = Record<string, unknown>;
const record = (value: unknown): Raw | null =>
  value !== null && typeof value === 'object' ? (value as Raw) : null;

const outageStatus = (status: unknown): boolean =>
  typeof status === 'number' && (status === 0 || status === 429 || status >= 500);

/** Stripe did not get or could not serve the request. */
export function isStripeOutage(error: unknown): boolean {
  const { StripeAPIError, StripeConnectionError, StripeError, StripeRateLimitError } = Stripe.errors;
  if (!(error instanceof StripeError)) return false;
  return (
    error instanceof StripeConnectionError ||
    error instanceof StripeAPIError ||
    error instanceof StripeRateLimitError ||
    (error.statusCode ?? 0) >= 500
  );
}

/**
 * Razorpay did not get or could not serve the request: the SDK's `{ statusCode, error }` with
 * status 0 (connection failure or timeout, once configureRazorpayClient is installed), 429 or 5xx;
 * or an axios error (a call made on `client.api.rq` directly, like RazorpayX payouts) without an
 * answer or with one of those statuses.
 */
export function isRazorpayOutage(error: unknown): boolean {
  const raw = record(error);
  if (!raw) return false;
  if (raw.isAxiosError === true) {
    const response = record(raw.response);
    return response === null || outageStatus(response.status);
  }
  return 'statusCode' in raw && 'error' in raw && outageStatus(raw.statusCode);
}

/** Either provider's outage. */
export const isProviderOutage = (error: unknown): boolean => isStripeOutage(error) || isRazorpayOutage(error);

/** The provider's own Retry-After in whole seconds, when its answer carried one; else 0. */
export function providerRetryAfterSeconds(error: unknown): number {
  let value: unknown;
  if (error instanceof Stripe.errors.StripeError) value = error.headers?.['retry-after'];
  else {
    const raw = record(error);
    value = record(record(raw?.response)?.headers)?.['retry-after'] ?? record(raw?.error)?.retry_after;
  }
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 0;
}

/** 503 payments_provider_unavailable: nothing was changed, come back in `retryAfterSeconds`. */
export function providerUnavailable(retryAfterSeconds: number, cause: unknown): AppError {
  return new AppError({
    kind: 'unavailable',
    code: 'payments_provider_unavailable',
    detail: `The payments provider cannot be reached right now; nothing was changed. Try again in ${retryAfterSeconds} s.`,
    retryAfterSeconds,
    cause,
  });
}

export interface ProviderCallGuardOptions {
  /** The provider (`stripe`, `razorpay`): the breaker's name and the gauge's prefix. */
  name: string;
  /** How the gauge's help text names the provider; default `name` (e.g. `Stripe`). */
  displayName?: string;
  clock: Clock;
  /** Publishes `<name>_circuit_state`. */
  metrics?: Pick<AppMetrics, 'gauge'>;
  /** Which errors are outages; default isProviderOutage (Stripe's and Razorpay's). */
  isOutage?: (error: unknown) => boolean;
  /** Consecutive outages that open the circuit; default 5. */
  failureThreshold?: number;
  /** How long it stays open; default 30 s. */
  openMs?: number;
}

export interface ProviderCallGuard {
  readonly name: string;
  /**
   * Runs one provider call behind the breaker. An outage, or a call refused because the circuit is
   * open, rejects with 503 payments_provider_unavailable (its cause the provider's error); any
   * other error is rethrown as it is.
   */
  run<T>(work: () => Promise<T>): Promise<T>;
  state(): CircuitState;
  retryAfterSeconds(): number;
}

export function createProviderCallGuard(options: ProviderCallGuardOptions): ProviderCallGuard {
  const { name, clock, metrics, isOutage = isProviderOutage } = options;
  const gauge = metrics?.gauge(
    `${name}_circuit_state`,
    `Circuit breaker around ${options.displayName ?? name}: 0 closed, 1 half-open, 2 open`,
  );
  gauge?.set(CIRCUIT_GAUGE_VALUES.closed);
  const breaker = createCircuitBreaker({
    name,
    clock,
    isFailure: isOutage,
    onStateChange: (state) => gauge?.set(CIRCUIT_GAUGE_VALUES[state]),
    ...(options.failureThreshold === undefined ? {} : { failureThreshold: options.failureThreshold }),
    ...(options.openMs === undefined ? {} : { openMs: options.openMs }),
  });

  const unavailableOrSelf = (error: unknown): unknown => {
    if (error instanceof CircuitOpenError) return providerUnavailable(error.retryAfterSeconds, error);
    if (!isOutage(error)) return error;
    return providerUnavailable(
      Math.max(1, breaker.retryAfterSeconds(), providerRetryAfterSeconds(error)),
      error,
    );
  };

  return {
    name,
    async run<T>(work: () => Promise<T>): Promise<T> {
      try {
        return await breaker.run(work);
      } catch (error) {
        throw unavailableOrSelf(error);
      }
    },
    state: () => breaker.state(),
    retryAfterSeconds: () => breaker.retryAfterSeconds(),
  };
}

/**
 * Settings for an official Stripe SDK client (`new Stripe(key, stripeClientConfig(apiUrl))`): no SDK
 * retries (the call guard's breaker decides), a timeout per call (default 10 s), and the API at
 * `apiUrl` (STRIPE_API_URL) when given.
 */
export function stripeClientConfig(apiUrl: URL | null, timeoutMs = 10_000): Stripe.StripeConfig {
  const base = { maxNetworkRetries: 0, timeout: timeoutMs };
  if (!apiUrl) return base;
  const protocol = apiUrl.protocol === 'http:' ? 'http' : 'https';
  return {
    ...base,
    protocol,
    host: apiUrl.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: apiUrl.port || (protocol === 'http' ? 80 : 443),
  };
}

/** The part of an axios instance configureRazorpayClient touches. */
interface AxiosLike {
  defaults: { baseURL?: string; timeout?: number };
  interceptors: {
    response: { use(onFulfilled: undefined, onRejected: (error: unknown) => unknown): number };
  };
}

/**
 * Prepares an official Razorpay SDK client (`new Razorpay({ key_id, key_secret })`): points it at
 * `apiUrl` (an origin; the SDK adds `/v1/...` itself) when given, sets a timeout per call (default
 * 10 s; axios has none), and makes connection failures and timeouts rejections isRazorpayOutage
 * recognises: `{ statusCode: 0, error: { code: 'NETWORK_ERROR', reason: 'connection_failure' |
 * 'timeout', description } }` (the SDK would otherwise throw a bare TypeError). A Retry-After
 * header on an error answer is kept as `error.retry_after`. Returns the client.
 */
export function configureRazorpayClient<C extends { api: unknown }>(
  client: C,
  options: { apiUrl?: URL | null; timeoutMs?: number } = {},
): C {
  const rq = record(client.api)?.rq as AxiosLike | undefined;
  if (!rq?.defaults || !rq.interceptors)
    throw new Error('configureRazorpayClient: not a Razorpay SDK client');
  if (options.apiUrl) rq.defaults.baseURL = options.apiUrl.origin;
  rq.defaults.timeout = options.timeoutMs ?? 10_000;
  rq.interceptors.response.use(undefined, (error: unknown) => {
    const raw = record(error);
    if (!raw) return Promise.reject(error);
    const response = record(raw.response);
    if (response === null) {
      const code = typeof raw.code === 'string' ? raw.code : '';
      const timeout = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
      raw.response = {
        status: 0,
        headers: {},
        data: {
          error: {
            code: 'NETWORK_ERROR',
            reason: timeout ? 'timeout' : 'connection_failure',
            description: `Razorpay could not be reached (${code || 'no answer'})`,
          },
        },
      };
    } else {
      const retryAfter = record(response.headers)?.['retry-after'];
      const body = record(response.data);
      const inner = record(body?.error);
      if (inner && retryAfter !== undefined) inner.retry_after = retryAfter;
      // An answer that is not Razorpay's JSON (a proxy's HTML page) still gets an error object.
      if (!inner)
        response.data = { error: { code: 'SERVER_ERROR', description: `HTTP ${String(response.status)}` } };
    }
    return Promise.reject(error);
  });
  return client;
}
