// Owns the security headers sent on every response (errors included). The values never change
// during a process's life, so they are computed once into a frozen object instead of running
// @fastify/helmet's chain of per-request middlewares (docs/architecture.md).
// `X-XSS-Protection: 0` follows current OWASP advice: the legacy XSS auditor it controlled caused leaks and is gone from browsers, and
// the earlier "1; mode=block" of the spec is now considered harmful.
import { NO_STORE } from './cache-control.js';

/** Strict policy for API responses: nothing may be loaded, framed or submitted. */
export const apiContentSecurityPolicy =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The interactive docs page loads its own bundled script and inline styles, from this origin only. */
export const docsContentSecurityPolicy =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function securityHeaders(options: { hsts: boolean }): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    // Nothing is cached unless its route opts in (cache-control.ts).
    'cache-control': NO_STORE,
    'content-security-policy': apiContentSecurityPolicy,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
  if (options.hsts) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return Object.freeze(headers);
}
