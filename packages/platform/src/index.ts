// Public surface of the platform: what apps may import. Anything not exported here is internal.
export * from './auth/index.js';
export * from './config/index.js';
export * from './db/index.js';
export * from './errors/index.js';
export { bodylessAsEmpty } from './http/optional-body.js';
export { PROBLEM_CONTENT_TYPE, type ProblemBody } from './http/problem.js';
export { ProblemSchema, problemResponses } from './http/problem-responses.js';
export type { ApiDescription, PlatformServer, ServerDependencies } from './http/server.js';
export { createServer } from './http/server.js';
export * from './jobs/index.js';
export * from './kv/index.js';
export * from './log/index.js';
export * from './ratelimit/index.js';
export type { AppDefinition } from './runtime/app-definition.js';
export { buildApp } from './runtime/build-app.js';
export { platformMigrations } from './runtime/platform-migrations.js';
export { type RunningApp, runMain, startApp } from './runtime/start-app.js';
export { type Clock, systemClock } from './time/clock.js';
