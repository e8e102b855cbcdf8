// Owns the public face of outbound requests: to URLs a user supplied (the guarded fetcher, the
// check a URL gets when it is handed over, and the address classification both rest on), and to
// the dependencies the apps call (the circuit breaker).
export { isPublicAddress } from './address.js';
export {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  type CircuitState,
  createCircuitBreaker,
} from './circuit-breaker.js';
export {
  createGuardedFetcher,
  type GuardedFetcher,
  type GuardedFetcherOptions,
  type GuardedRequest,
  type GuardedResponse,
} from './fetch.js';
export {
  type AllowedTarget,
  assertPublicUrl,
  NetError,
  type NetErrorCode,
  type NetPolicy,
  type ResolvedAddress,
  type Resolver,
} from './target.js';
