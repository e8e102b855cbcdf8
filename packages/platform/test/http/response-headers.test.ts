// The response headers, in order and byte for byte: the static security set, the request id, the
// rate-limit headers of a limited route, then CORS, then the body's own headers. The hot-path
// rewrite folds the per-request hooks that send these; clients and proxies must see no difference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { timedApp } from './timed-app.js';

const origin = 'https://app.example.com';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(timedApp, { env: { CORS_ORIGINS: origin } });
});
afterAll(async () => t?.close());

const security = [
  'cache-control: no-store',
  "content-security-policy: default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'cross-origin-opener-policy: same-origin',
  'cross-origin-resource-policy: same-origin',
  'origin-agent-cluster: ?1',
  'referrer-policy: strict-origin-when-cross-origin',
  'x-content-type-options: nosniff',
  'x-dns-prefetch-control: off',
  'x-frame-options: DENY',
  'x-permitted-cross-domain-policies: none',
  'x-xss-protection: 0',
  'x-request-id: req-00000001',
];
const limited = [
  'ratelimit-policy: "default";q=1000000;w=60',
  'ratelimit: "default";r=999999;t=1',
  'x-ratelimit-limit: 1000000',
  'x-ratelimit-remaining: 999999',
  'x-ratelimit-reset: 1',
];
const cors = [
  `access-control-allow-origin: ${origin}`,
  'access-control-allow-credentials: true',
  'access-control-expose-headers: x-request-id, retry-after, ratelimit, ratelimit-policy, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, idempotent-replayed',
];

let clients = 0;

/**
 * The headers of one answer as `name: value` lines in the order sent; the date is left out. Each
 * request comes from an address of its own, so its budget is whole whatever time passed since the
 * previous request (the limiter refills on the wall clock).
 */
async function headersOf(method: 'GET' | 'OPTIONS', url: string, headers: Record<string, string> = {}) {
  clients += 1;
  const response = await t.app.inject({
    method,
    url,
    remoteAddress: `192.0.2.${clients}`,
    headers: { 'x-request-id': 'req-00000001', ...headers },
  });
  return Object.entries(response.headers)
    .filter(([name]) => name !== 'date')
    .map(([name, value]) => `${name}: ${value}`);
}

describe('response headers', () => {
  it('on a limited route from a listed origin', async () => {
    expect(await headersOf('GET', '/took/1', { origin })).toEqual([
      ...security,
      ...limited,
      'vary: Origin',
      ...cors,
      'content-type: application/json; charset=utf-8',
      'content-length: 11',
      'connection: keep-alive',
    ]);
  });

  it('on an operational route, which is never limited', async () => {
    expect(await headersOf('GET', '/health')).toEqual([
      ...security,
      'vary: Origin',
      'content-type: application/json; charset=utf-8',
      'content-length: 15',
      'connection: keep-alive',
    ]);
  });

  it('on a CORS preflight', async () => {
    const preflight = { origin, 'access-control-request-method': 'GET' };
    expect(await headersOf('OPTIONS', '/took/1', preflight)).toEqual([
      ...security,
      ...limited,
      'vary: Origin, Access-Control-Request-Headers',
      ...cors,
      'access-control-allow-methods: GET, HEAD, POST, PUT, PATCH, DELETE',
      'access-control-max-age: 600',
      'content-length: 0',
      'connection: keep-alive',
    ]);
  });

  it('on an error from the handler and on a refusal before any limit', async () => {
    const failed = await headersOf('GET', '/fails');
    expect(failed).toEqual([
      ...security,
      ...limited,
      'vary: Origin',
      'content-type: application/problem+json; charset=utf-8',
      'content-length: 194',
      'connection: keep-alive',
    ]);
    expect(await headersOf('GET', '/took/1%00')).toEqual([
      ...security,
      'content-type: application/problem+json; charset=utf-8',
      'content-length: 209',
      'connection: keep-alive',
    ]);
  });
});
