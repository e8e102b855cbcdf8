// Owns the named rate-limit policies: how many requests a client may make per period in one route
// class, and what limits that class while Redis is unreachable. Every class then falls back to the
// in-process limiter; none is ever left unlimited (authentication and payments above all).
import { gcraParameters } from './gcra.js';

export interface RateLimitPolicy {
  /** Names the class in storage keys and in the RateLimit headers. */
  readonly name: string;
  readonly limit: number;
  readonly periodMs: number;
  /** While the shared store is down, requests are limited per instance in memory, never let through. */
  readonly failure: 'memory';
}

// Safe inside a Redis key and inside a structured-field string without escaping.
const NAME = /^[a-z0-9][a-z0-9_.-]*$/;

export function definePolicy(name: string, limit: number, periodMs: number): RateLimitPolicy {
  if (!NAME.test(name)) throw new RangeError(`policy name must match ${NAME}, got ${JSON.stringify(name)}`);
  gcraParameters(limit, periodMs);
  return Object.freeze({ name, limit, periodMs, failure: 'memory' });
}

export const defaultPolicies = Object.freeze({
  /** Any route, per client. */
  default: definePolicy('default', 60, 60_000),
  auth: definePolicy('auth', 10, 60_000),
  payments: definePolicy('payments', 20, 60_000),
});
