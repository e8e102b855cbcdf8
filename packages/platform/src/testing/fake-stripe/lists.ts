// Owns the fake Stripe's list endpoints' paging: newest first, `created` filters (`created[gte]`,
// `[gt]`, `[lte]`, `[lt]` or an exact `created`), `limit` (1..100, default 10), `starting_after` and
// `ending_before` cursors (an unknown cursor is Stripe's resource_missing), answered as
// `{ object: 'list', data, has_more, url }`. Test support only.
import { copy, FakeStripeError, noSuch, type Params } from './wire.js';

function integer(value: unknown, param: string): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) {
    throw new FakeStripeError(400, {
      type: 'invalid_request_error',
      code: 'parameter_invalid_integer',
      message: `Invalid integer: ${String(value)}`,
      param,
    });
  }
  return Number(value);
}

/** Whether `created` passes the request's created filter. */
function createdMatches(created: number, filter: unknown): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'string') return created === integer(filter, 'created');
  const bounds = filter as Params;
  const check = (key: string, test: (bound: number) => boolean) =>
    bounds[key] === undefined || test(integer(bounds[key], `created[${key}]`));
  return (
    check('gte', (bound) => created >= bound) &&
    check('gt', (bound) => created > bound) &&
    check('lte', (bound) => created <= bound) &&
    check('lt', (bound) => created < bound)
  );
}

export function listPage<T extends { id: string; created: number }>(
  all: T[],
  params: Params,
  url: string,
  kind: string,
): { object: 'list'; data: T[]; has_more: boolean; url: string } {
  const limit = params.limit === undefined ? 10 : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new FakeStripeError(400, {
      type: 'invalid_request_error',
      code: 'parameter_invalid_integer',
      message: 'This value must be less than or equal to 100 (it currently is greater than 100).',
      param: 'limit',
    });
  }
  const matching = all
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.created - a.item.created || b.index - a.index)
    .map(({ item }) => item)
    .filter((item) => createdMatches(item.created, params.created));
  let page: T[];
  let hasMore: boolean;
  if (typeof params.ending_before === 'string') {
    const before = matching.findIndex((item) => item.id === params.ending_before);
    if (before < 0 && !all.some((item) => item.id === params.ending_before)) {
      throw noSuch(kind, params.ending_before, 'ending_before', 400);
    }
    page = matching.slice(Math.max(0, before - limit), before);
    hasMore = before - limit > 0;
  } else {
    const cursor = params.starting_after;
    const after = typeof cursor === 'string' ? matching.findIndex((item) => item.id === cursor) : -1;
    if (typeof cursor === 'string' && after < 0 && !all.some((item) => item.id === cursor)) {
      throw noSuch(kind, cursor, 'starting_after', 400);
    }
    page = matching.slice(after + 1, after + 1 + limit);
    hasMore = after + 1 + limit < matching.length;
  }
  return { object: 'list', data: copy(page), has_more: hasMore, url };
}
