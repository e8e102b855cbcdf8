// Owns the request arbitrary: for every operation a method, path values, a query string and other
// headers, combined with the credential and body arbitraries into one RequestSpec.
import fc from 'fast-check';
import { bodyArbitrary } from './bodies.js';
import { authArbitrary, cookieArbitrary } from './credentials.js';
import { encodeLoosely, headerSafe, urlSafe } from './encoding.js';
import {
  HOSTILE_NUMBERS,
  NASTY_STRINGS,
  ORIGINS,
  PATH_VALUES,
  QUERY_KEYS,
  RAW_QUERIES,
} from './ingredients.js';
import type { Operation } from './openapi.js';
import type { SchemaContext } from './schema-values.js';
import type { PathValue, RequestSpec } from './spec.js';

const uuidLike = fc.uuid();

const pathValueArbitrary: fc.Arbitrary<PathValue> = fc.oneof(
  { weight: 4, arbitrary: uuidLike.map((raw) => ({ raw })) },
  { weight: 3, arbitrary: fc.nat({ max: 49 }).map((known) => ({ known })) },
  { weight: 5, arbitrary: fc.constantFrom(...PATH_VALUES).map((raw) => ({ raw })) },
  { weight: 2, arbitrary: fc.integer().map((n) => ({ raw: String(n) })) },
  {
    weight: 2,
    arbitrary: fc.string({ maxLength: 24, unit: 'grapheme' }).map((s) => ({ raw: encodeLoosely(s) })),
  },
  {
    weight: 2,
    arbitrary: fc.string({ maxLength: 24, unit: 'binary' }).map((s) => ({ raw: encodeLoosely(s) })),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 24 }).map((s) => ({ raw: urlSafe(s) })) },
);

function queryArbitrary(operation: Operation, hints: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...operation.queryNames, ...QUERY_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
  );
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS, ...hints) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS, '1', '0', '-1', 'true', '[]', '{}') },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 8_000 }).map((n) => 'v'.repeat(n)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }) },
  );
  const pair = fc
    .tuple(key, value, fc.constantFrom('encoded', 'encoded', 'raw', 'array', 'duplicate', 'bare'))
    .map(([k, v, style]) => {
      const ek = encodeLoosely(k);
      const ev = encodeLoosely(v);
      switch (style) {
        case 'raw':
          return `${urlSafe(k)}=${urlSafe(v).replace(/&/g, '%26')}`;
        case 'array':
          return `${ek}[]=${ev}&${ek}[]=${ev}`;
        case 'duplicate':
          return `${ek}=${ev}&${ek}=x`;
        case 'bare':
          return ek;
        default:
          return `${ek}=${ev}`;
      }
    });
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant('') },
    { weight: 6, arbitrary: fc.array(pair, { minLength: 1, maxLength: 6 }).map((pairs) => pairs.join('&')) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_QUERIES) },
  );
}

function otherHeadersArbitrary(origins: string[]): fc.Arbitrary<Record<string, string>> {
  const optional = <T>(arbitrary: fc.Arbitrary<T>, freq: number) =>
    fc.option(arbitrary, { freq, nil: undefined });
  return fc
    .record({
      'x-request-id': optional(
        fc.oneof(
          fc.stringMatching(/^[A-Za-z0-9._:-]{8,128}$/),
          fc.string({ maxLength: 200 }),
          fc.constantFrom('a'.repeat(129), 'short', '../../../etc/passwd', 'id\r\nx-injected: 1'),
        ),
        3,
      ),
      origin: optional(fc.oneof(fc.constantFrom(...ORIGINS, ...origins), fc.webUrl()), 3),
      'x-csrf-token': optional(fc.string({ maxLength: 64 }), 6),
      'user-agent': optional(fc.oneof(fc.string({ maxLength: 300 }), fc.constant('u'.repeat(10_000))), 4),
      'x-forwarded-for': optional(
        fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('unknown', '::1, 10.0.0.1', '999.999.999.999', '')),
        5,
      ),
      accept: optional(fc.constantFrom('*/*', 'text/html', 'application/xml', '', 'application/json;q=0'), 5),
      'accept-encoding': optional(fc.constantFrom('gzip', 'br', 'identity;q=0', '*;q=0'), 8),
    })
    .map((record) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(record)) {
        if (value !== undefined) headers[name] = headerSafe(value);
      }
      return headers;
    });
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export function requestArbitrary(
  operations: Operation[],
  context: SchemaContext,
  bodyLimit: number,
  origins: string[],
): fc.Arbitrary<RequestSpec> {
  const headers = otherHeadersArbitrary(origins);
  return fc.oneof(
    ...operations.map((operation) => {
      const slots = [...operation.path.matchAll(/\{[^}]+\}/g)].length;
      const method = fc.oneof(
        { weight: 20, arbitrary: fc.constant(operation.method) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS.filter((m) => m !== operation.method)) },
        { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS') },
      );
      return fc
        .record({
          method,
          pathValues: fc.array(pathValueArbitrary, { minLength: slots, maxLength: slots }),
          query: queryArbitrary(operation, context.allHints),
          auth: authArbitrary,
          cookie: cookieArbitrary,
          headers,
          body: bodyArbitrary(operation, context, bodyLimit),
        })
        .map(
          (parts): RequestSpec => ({
            operation: operation.id,
            pathTemplate: operation.path,
            ...parts,
            body: parts.body,
          }),
        );
    }),
  );
}
