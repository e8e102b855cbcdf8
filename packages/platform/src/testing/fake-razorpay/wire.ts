// Owns what every endpoint of the fake Razorpay shares: ids shaped like Razorpay's (`order_` and 14
// base-62 characters), its error answer `{ error: { code, description, source, step, reason,
// metadata, field } }` with its status, collections `{ entity: 'collection', count, items }`, the
// paging parameters (from, to, count, skip), notes (Razorpay answers `[]` for none), and handing
// objects out as copies. Test support only.
import { copy, providerId } from '../fake-http-server.js';

export type Json = Record<string, unknown>;

export interface RazorpayErrorBody {
  code: 'BAD_REQUEST_ERROR' | 'GATEWAY_ERROR' | 'SERVER_ERROR';
  description: string;
  source?: string;
  step?: string;
  reason?: string;
  metadata?: Json;
  field?: string;
}

/** An answer with Razorpay's error body. */
export class FakeRazorpayError extends Error {
  readonly status: number;
  readonly body: RazorpayErrorBody;

  constructor(status: number, body: RazorpayErrorBody) {
    super(body.description);
    this.status = status;
    this.body = body;
  }

  toJSON(): { error: Required<Omit<RazorpayErrorBody, 'field'>> & { field?: string } } {
    return {
      error: {
        source: 'NA',
        step: 'NA',
        reason: 'NA',
        metadata: {},
        ...this.body,
      },
    };
  }
}

/** A refused parameter, as Razorpay words it (`The amount field is required.`). */
export function badRequest(description: string, field?: string): FakeRazorpayError {
  return new FakeRazorpayError(400, {
    code: 'BAD_REQUEST_ERROR',
    description,
    source: 'business',
    step: 'payment_initiation',
    reason: 'input_validation_failed',
    ...(field === undefined ? {} : { field }),
  });
}

/** `The id provided does not exist` (Razorpay answers 400 for an unknown id). */
export const noSuchId = (): FakeRazorpayError =>
  new FakeRazorpayError(400, {
    code: 'BAD_REQUEST_ERROR',
    description: 'The id provided does not exist',
    field: 'id',
  });

export const notFoundUrl = (): FakeRazorpayError =>
  new FakeRazorpayError(404, {
    code: 'BAD_REQUEST_ERROR',
    description: 'The requested URL was not found on the server.',
  });

/** The body Razorpay answers for a status no handler chose (a failure injected by a test). */
export function errorForStatus(status: number): FakeRazorpayError {
  if (status === 401)
    return new FakeRazorpayError(401, { code: 'BAD_REQUEST_ERROR', description: 'Authentication failed' });
  if (status === 429)
    return new FakeRazorpayError(429, { code: 'BAD_REQUEST_ERROR', description: 'Too many requests' });
  if (status === 502 || status === 504) {
    return new FakeRazorpayError(status, {
      code: 'GATEWAY_ERROR',
      description: 'Payment processing failed due to error at bank or wallet gateway',
    });
  }
  if (status >= 500) {
    return new FakeRazorpayError(status, {
      code: 'SERVER_ERROR',
      description: 'The server encountered an error. The incident has been reported to admins.',
    });
  }
  return new FakeRazorpayError(status, {
    code: 'BAD_REQUEST_ERROR',
    description: 'The request was refused.',
  });
}

/** `pay_Q5Xd0a...`: the prefix and 14 base-62 characters. */
export const razorpayId = (prefix: string): string => providerId(prefix, 14);

export { copy, recorded, seconds } from '../fake-http-server.js';

/** Notes as Razorpay stores them: at most 15 string values of up to 256 characters; `[]` when none. */
export function readNotes(value: unknown): Record<string, string> | never[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    if (Array.isArray(value) && value.length === 0) return [];
    throw badRequest('The notes field must be an array.', 'notes');
  }
  const entries = Object.entries(value as Json);
  if (entries.length > 15) throw badRequest('The notes may not have more than 15 items.', 'notes');
  for (const [key, inner] of entries) {
    if (typeof inner !== 'string' && typeof inner !== 'number' && typeof inner !== 'boolean') {
      throw badRequest(`The notes.${key} must be a string.`, 'notes');
    }
    if (String(inner).length > 256)
      throw badRequest(`The notes.${key} may not be greater than 256 characters.`, 'notes');
  }
  if (entries.length === 0) return [];
  return Object.fromEntries(entries.map(([key, inner]) => [key, String(inner)]));
}

/** A whole amount in paise (or the currency's minor unit) of at least 100. */
export function readAmount(value: unknown, field = 'amount'): number {
  if (value === undefined || value === null || value === '')
    throw badRequest(`The ${field} field is required.`, field);
  const amount = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
    throw badRequest(`The ${field} must be an integer.`, field);
  }
  if (amount < 100) throw badRequest(`The ${field} must be atleast INR 1.00`, field);
  return amount;
}

export function readCurrency(value: unknown): string {
  if (value === undefined) return 'INR';
  if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value)) {
    throw badRequest('The requested currency is not supported.', 'currency');
  }
  return value;
}

export interface Paging {
  from: number | null;
  to: number | null;
  count: number;
  skip: number;
}

/** from/to (unix seconds, inclusive), count (1..100, default 10), skip (default 0). */
export function readPaging(query: URLSearchParams): Paging {
  const integer = (name: string, fallback: number | null, max?: number): number | null => {
    const text = query.get(name);
    if (text === null || text === '') return fallback;
    if (!/^\d+$/.test(text)) throw badRequest(`The ${name} must be an integer.`, name);
    const value = Number(text);
    if (max !== undefined && value > max)
      throw badRequest(`The ${name} may not be greater than ${max}.`, name);
    return value;
  };
  const count = integer('count', 10, 100) as number;
  if (count < 1) throw badRequest('The count must be at least 1.', 'count');
  return { from: integer('from', null), to: integer('to', null), count, skip: integer('skip', 0) as number };
}

/** Newest first, filtered by created_at within from..to, then skip and count: a collection. */
export function collection<T extends { created_at: number }>(all: T[], paging: Paging) {
  const items = all
    .filter(
      (item) =>
        (paging.from === null || item.created_at >= paging.from) &&
        (paging.to === null || item.created_at <= paging.to),
    )
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.created_at - a.item.created_at || b.index - a.index)
    .slice(paging.skip, paging.skip + paging.count)
    .map(({ item }) => copy(item));
  return { entity: 'collection' as const, count: items.length, items };
}
