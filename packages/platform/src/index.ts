// Public surface of the platform: what apps may import. Anything not exported here is internal.
export * from './auth/index.js';
export { hashSecretToken, newSecretToken } from './auth/secret-tokens.js';
export { normaliseEmail } from './auth/users.js';
export * from './config/index.js';
export * from './db/index.js';
export * from './errors/index.js';
export type { AppMetrics } from './http/metrics.js';
export { bodylessAsEmpty } from './http/optional-body.js';
export { PROBLEM_CONTENT_TYPE, type ProblemBody } from './http/problem.js';
export { ProblemSchema, problemResponses } from './http/problem-responses.js';
export type { ApiDescription, PlatformServer, ServerDependencies } from './http/server.js';
export { createServer } from './http/server.js';
export * from './jobs/index.js';
export * from './kv/index.js';
export * from './log/index.js';
export * from './net/index.js';
export { readProviderApiUrl } from './net/provider-api-url.js';
export {
  CIRCUIT_GAUGE_VALUES,
  configureRazorpayClient,
  createProviderCallGuard,
  isProviderOutage,
  isRazorpayOutage,
  isStripeOutage,
  type ProviderCallGuard,
  type ProviderCallGuardOptions,
  providerRetryAfterSeconds,
  providerUnavailable,
  stripeClientConfig,
} from './net/provider-calls.js';
export * from './ratelimit/index.js';
export * from './realtime/index.js';
export type { AppDefinition } from './runtime/app-definition.js';
export { buildApp } from './runtime/build-app.js';
export { type OperatorApp, runOperatorCli } from './runtime/operator-cli.js';
export { platformMigrations } from './runtime/platform-migrations.js';
export { type MainOptions, type RunningApp, runMain, startApp } from './runtime/start-app.js';
export * from './storage/index.js';
export { type Clock, systemClock } from './time/clock.js';
export * from './webhooks/index.js';
