// Owns the rate-limit response headers: RateLimit-Policy and RateLimit in the structured-field form
// of draft-ietf-httpapi-ratelimit-headers (-08 onwards), the X-RateLimit-* trio clients already
// read, and Retry-After on every refusal. Times are whole seconds, rounded up, relative to now.
import type { RateLimitPolicy } from './policies.js';
import type { Decision } from './store.js';

const seconds = (ms: number) => Math.ceil(ms / 1000);

export function rateLimitHeaders(decision: Decision, policy: RateLimitPolicy): Record<string, string> {
  const reset = String(seconds(decision.resetAfterMs));
  const headers: Record<string, string> = {
    'ratelimit-policy': `"${policy.name}";q=${policy.limit};w=${seconds(policy.periodMs)}`,
    ratelimit: `"${policy.name}";r=${decision.remaining};t=${reset}`,
    'x-ratelimit-limit': String(policy.limit),
    'x-ratelimit-remaining': String(decision.remaining),
    'x-ratelimit-reset': reset,
  };
  // At least 1: "Retry-After: 0" would invite an immediate retry that is refused again.
  if (!decision.allowed) headers['retry-after'] = String(Math.max(1, seconds(decision.retryAfterMs)));
  return headers;
}
