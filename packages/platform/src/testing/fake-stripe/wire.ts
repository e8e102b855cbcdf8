// Owns what every endpoint of the fake Stripe shares: decoding the form-encoded parameters the SDK
// sends (`a[b][0][c]=v`, as qs writes them), refusing parameters an endpoint does not know, Stripe's
// error answer `{error:{type,code,message,param}}` with its status, ids shaped like Stripe's, and
// handing objects out as copies. Test support only.
import { providerId } from '../fake-http-server.js';

export type Params = Record<string, unknown>;

const UNSAFE_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** Objects whose keys are all indices become arrays, as Stripe reads `line_items[0][price]`. */
function withArrays(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Params).map(([key, inner]) => [key, withArrays(inner)] as const);
  if (entries.length > 0 && entries.every(([key]) => /^\d+$/.test(key))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, inner]) => inner);
  }
  return Object.fromEntries(entries);
}

/** Decodes a form body or query string into nested parameters; every leaf stays a string. */
export function decodeForm(text: string): Params {
  const root: Params = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    if (path.some((segment) => UNSAFE_SEGMENTS.has(segment))) continue;
    let node = root;
    path.forEach((segment, index) => {
      const name = segment === '' ? String(Object.keys(node).length) : segment;
      if (index === path.length - 1) {
        node[name] = value;
        return;
      }
      if (typeof node[name] !== 'object' || node[name] === null) node[name] = {};
      node = node[name] as Params;
    });
  }
  return withArrays(root) as Params;
}

export interface StripeErrorBody {
  type: 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';
  code?: string;
  message: string;
  param?: string;
}

/** An answer with Stripe's error body; `replayable` false for parameter validation errors, which Stripe does not store under an idempotency key. */
export class FakeStripeError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;
  readonly replayable: boolean;

  constructor(status: number, body: StripeErrorBody) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.replayable = !body.code?.startsWith('parameter_');
  }

  toJSON(): { error: StripeErrorBody & { doc_url?: string } } {
    const docUrl = this.body.code
      ? { doc_url: `https://docs.stripe.com/error-codes/${this.body.code.replace(/_/g, '-')}` }
      : {};
    return { error: { ...this.body, ...docUrl } };
  }
}

/** `No such subscription: 'sub_x'`: 404 when the object is the path's, 400 when a parameter names it. */
export function noSuch(kind: string, id: string, param: string, status: 404 | 400 = 404): FakeStripeError {
  return new FakeStripeError(status, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    param,
  });
}

export function missingParam(param: string): FakeStripeError {
  return new FakeStripeError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    message: `Missing required param: ${param}.`,
    param,
  });
}

export function invalidParam(param: string, message: string): FakeStripeError {
  return new FakeStripeError(400, {
    type: 'invalid_request_error',
    code: 'parameter_invalid_string',
    message,
    param,
  });
}

/** A positive integer parameter (amounts, quantities, timestamps), or Stripe's 400 naming it. */
export function positiveInteger(value: unknown, param: string): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1) {
    throw new FakeStripeError(400, {
      type: 'invalid_request_error',
      code: 'parameter_invalid_integer',
      message: `Invalid positive integer: ${String(value)}`,
      param,
    });
  }
  return Number(value);
}

/** The body Stripe answers for a status no handler chose (a failure injected by a test). */
export function errorForStatus(status: number, overrides: Partial<StripeErrorBody> = {}): FakeStripeError {
  const base: StripeErrorBody =
    status === 429
      ? {
          type: 'invalid_request_error',
          code: 'rate_limit',
          message:
            'Request rate limit exceeded. Learn more about rate limits here https://docs.stripe.com/rate-limits.',
        }
      : status >= 500
        ? { type: 'api_error', message: 'An unknown error occurred on our servers. Please try again later.' }
        : { type: 'invalid_request_error', message: 'The request was refused.' };
  return new FakeStripeError(status, { ...base, ...overrides });
}

/** `sub_1Q...` style: the prefix and 24 base-62 characters. */
export const stripeId = (prefix: string): string => providerId(prefix, 24);

export { copy, recorded, seconds } from '../fake-http-server.js';

/** A parameter's string map (metadata), or an empty one. */
export const strings = (value: unknown): Record<string, string> =>
  value && typeof value === 'object' ? (value as Record<string, string>) : {};

/** Refuses parameters the endpoint does not know, as Stripe does (`parameter_unknown`). */
export function onlyKnown(params: Params, known: readonly string[]): void {
  const unknown = Object.keys(params).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw new FakeStripeError(400, {
      type: 'invalid_request_error',
      code: 'parameter_unknown',
      message: `Received unknown parameter: ${unknown}`,
      param: unknown,
    });
  }
}
