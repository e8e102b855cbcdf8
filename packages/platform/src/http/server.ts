// Owns createServer(): the hardened fastify instance both apps build on. It wires, in order:
// request id and request context, static security headers (with `Cache-Control: no-store` unless a
// route opts into caching), CORS from the allow-list, the strict JSON body parser, validation (JSON
// bodies as sent, no coercion), the problem+json error mapping (404/405/414 included, a lost
// database as 503), load shedding, the rate limiter with bans (ratelimit/plugin.ts), access log and
// metrics per request, OpenAPI with the docs UI, health/readiness and metrics routes. It knows
// nothing of any product: apps register their modules on the instance it returns.
// Every request pays for what is wired here, so the per-request work is kept to one onRequest hook
// (headers, request id, the %00 check, the request context, load shedding) ahead of the limiter's
// and CORS's, and one onResponse hook (metrics, the access line, closing refused upgrades), all
// without promises (docs/benchmarks.md, bench/http).
import { createServer as createHttpServer } from 'node:http';
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { PlatformConfig } from '../config/index.js';
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import type { JobRunner } from '../jobs/index.js';
import type { KeyValueStore } from '../kv/types.js';
import { createAccessLog, type Logger, runWithRequestContext } from '../log/index.js';
import type { TokenVerifier } from '../ratelimit/client-key.js';
import { registerLoadShedding } from '../ratelimit/load-shedding.js';
import { installRateLimiting } from '../ratelimit/plugin.js';
import type { Clock } from '../time/clock.js';
import { installCacheControl } from './cache-control.js';
import { registerDocs, registerOpenApi } from './docs.js';
import { installFiniteNumberCheck } from './finite-numbers.js';
import { registerHealthRoutes } from './health.js';
import { createJsonBodyParser } from './json-body.js';
import { type AppMetrics, createHttpMetrics } from './metrics.js';
import { installNotFoundHandler } from './not-found.js';
import { handleFrameworkError, handleRequestError } from './problem.js';
import { requestIdFor } from './request-id.js';
import { securityHeaders } from './security-headers.js';
import { validatorFactory } from './validators.js';

export interface ServerDependencies {
  config: PlatformConfig;
  logger: Logger;
  db: Database<unknown>;
  kv: KeyValueStore;
  jobs: JobRunner;
  clock: Clock;
  /** Set by createServer: identity passes its bearer-token verifier so rate limits apply per user (see ratelimit/). */
  useTokenVerifier?: (verify: TokenVerifier) => void;
  /** Set by createServer: gauges app modules publish at /metrics. */
  metrics?: AppMetrics;
}

export interface ApiDescription {
  title: string;
  version: string;
  description: string;
}

export type PlatformServer = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyInstance {
    platform: ServerDependencies;
  }
}

const nulInUrl = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'url_nul_character',
    detail: 'The URL contains %00, which is not accepted.',
  });

const exposedHeaders = [
  'x-request-id',
  'retry-after',
  'ratelimit',
  'ratelimit-policy',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'idempotent-replayed',
];

export async function createServer(
  dependencies: ServerDependencies & { api: ApiDescription },
): Promise<PlatformServer> {
  const { config, logger } = dependencies;
  const app = Fastify({
    loggerInstance: logger,
    // The root logger already stamps the request id from the request context on every line, so a
    // per-request child logger would only cost an allocation per request.
    childLoggerFactory: (parent) => parent,
    // Fastify's own per-request lines are off: the kernel writes one line per request itself.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestIdFor,
    // A hop count means "trust that many proxies in front of us".
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (() => {
            const hops = config.trustProxy;
            return (_address: string, hop: number) => hop < hops;
          })()
        : config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: handleFrameworkError,
    // A stalled header or body sender is cut off by Node's own deadlines; checking every second
    // (instead of the 30 s default) makes the cut-off prompt.
    serverFactory: (handler) =>
      createHttpServer(
        {
          headersTimeout: Math.min(config.headersTimeoutMs, config.requestTimeoutMs),
          requestTimeout: config.requestTimeoutMs,
          keepAliveTimeout: config.keepAliveTimeoutMs,
          connectionsCheckingInterval: 1000,
        },
        handler,
      ),
    // JSON bodies are validated as sent; query strings and path parameters coerce (validators.ts).
    schemaController: { compilersFactory: { buildValidator: validatorFactory() } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as PlatformServer;

  app.decorate('platform', dependencies);

  const headers = securityHeaders({ hsts: config.env === 'production' });
  const metrics = createHttpMetrics({
    appName: config.appName,
    poolStats: () => dependencies.db.poolStats(),
  });
  const shedLoad = await registerLoadShedding(app, config.loadShedding);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    // PostgreSQL text cannot hold U+0000: refused here, it never reaches a query parameter.
    if (request.url.includes('%00')) return done(nulInUrl());
    runWithRequestContext({ requestId: request.id }, () => done(shedLoad(request)));
  });
  installCacheControl(app);
  installFiniteNumberCheck(app);

  const rateLimiting = await installRateLimiting(app, dependencies, metrics.registry);
  dependencies.useTokenVerifier = rateLimiting.useTokenVerifier;
  dependencies.metrics = metrics;
  const accessLog = createAccessLog(logger);
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const durationMs = reply.elapsedTime;
    const status = reply.statusCode;
    metrics.observe(request.method, route, status, durationMs / 1000);
    accessLog({
      requestId: request.id,
      requestIdFromCaller: request.headers['x-request-id'] !== undefined,
      method: request.method,
      route,
      status,
      durationMs,
    });
    // A WebSocket upgrade refused (by any check, the limiter and load shedding included) has left
    // Node's HTTP parser: nothing else would ever close its socket.
    if (status >= 400 && request.headers.upgrade !== undefined) {
      (request.raw.socket as { destroy?: () => void } | undefined)?.destroy?.();
    }
    done();
  });

  app.setErrorHandler(handleRequestError);
  const wildcard = config.corsOrigins.includes('*');
  const allowedOrigins = new Set(config.corsOrigins);
  await app.register(cors, {
    // Credentials are only ever allowed for origins listed one by one; a development wildcard
    // answers any origin but without credentials.
    origin: wildcard
      ? '*'
      : (origin, callback) => callback(null, origin !== undefined && allowedOrigins.has(origin)),
    credentials: !wildcard,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders,
    maxAge: 600,
  });

  app.removeAllContentTypeParsers();
  const parseJsonBody = createJsonBodyParser(config.jsonMaxDepth);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  installNotFoundHandler(app);

  await registerOpenApi(app, dependencies.api);
  if (config.exposeDocs) await registerDocs(app);
  registerHealthRoutes(app, dependencies);
  if (config.exposeMetrics) {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  }
  return app;
}
