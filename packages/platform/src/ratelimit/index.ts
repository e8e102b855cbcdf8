// Public surface of the rate limiter: GCRA decisions in memory or Redis (with failover between them),
// named policies, response headers, the ban list and its trigger, the WebSocket message limit, and the
// HTTP wiring: route classes, the ban admin API and load shedding.
export { registerBanAdminRoutes } from './admin-routes.js';
export { type BanTrigger, type BanTriggerOptions, createBanTrigger } from './ban-trigger.js';
export { type Ban, type BanList, type BanListOptions, createBanList, type ListedBan } from './bans.js';
export {
  createFailoverRateLimitStore,
  type FailoverOptions,
  type FailoverRateLimitStore,
  type FailoverStatus,
} from './failover-store.js';
export { decide, type GcraDecision, type GcraInput } from './gcra.js';
export { rateLimitHeaders } from './headers.js';
export {
  createMemoryRateLimitStore,
  type MemoryRateLimitStore,
  type MemoryRateLimitStoreOptions,
} from './memory-store.js';
export { createMessageLimiter, type MessageLimiter, type MessageLimiterOptions } from './message-limiter.js';
export type { RouteClass } from './plugin.js';
export { defaultPolicies, definePolicy, type RateLimitPolicy } from './policies.js';
export { createRedisRateLimitStore, type RedisRateLimitStoreOptions } from './redis-store.js';
export type { Decision, RateLimitStore } from './store.js';
