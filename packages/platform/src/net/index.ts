// Owns the public face of outbound requests to URLs a user supplied: the guarded fetcher, the
// check a URL gets when it is handed over, and the address classification both rest on.
export { isPublicAddress } from './address.js';
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
