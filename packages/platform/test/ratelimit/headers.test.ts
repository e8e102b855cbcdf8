// The rate-limit headers a client reads: the IETF draft fields, the X-RateLimit-* trio, and
// Retry-After on every refusal, in whole seconds rounded up.
import { describe, expect, it } from 'vitest';
import { rateLimitHeaders } from '../../src/ratelimit/headers.js';
import { defaultPolicies, definePolicy } from '../../src/ratelimit/policies.js';

describe('rateLimitHeaders', () => {
  it('describes the policy and what is left of it on an admitted request', () => {
    const decision = { allowed: true, remaining: 59, resetAfterMs: 1_000, retryAfterMs: 0 };
    expect(rateLimitHeaders(decision, defaultPolicies.default)).toEqual({
      'ratelimit-policy': '"default";q=60;w=60',
      ratelimit: '"default";r=59;t=1',
      'x-ratelimit-limit': '60',
      'x-ratelimit-remaining': '59',
      'x-ratelimit-reset': '1',
    });
  });

  it('adds Retry-After to a refusal, rounded up to whole seconds', () => {
    const decision = { allowed: false, remaining: 0, resetAfterMs: 59_500, retryAfterMs: 2_001 };
    expect(rateLimitHeaders(decision, defaultPolicies.auth)).toMatchObject({
      ratelimit: '"auth";r=0;t=60',
      'x-ratelimit-reset': '60',
      'retry-after': '3',
    });
  });

  it('never tells a refused client to retry after 0 seconds', () => {
    const decision = { allowed: false, remaining: 0, resetAfterMs: 0, retryAfterMs: 0 };
    expect(rateLimitHeaders(decision, definePolicy('ws', 20, 10_000))).toMatchObject({
      'ratelimit-policy': '"ws";q=20;w=10',
      'retry-after': '1',
    });
  });
});
