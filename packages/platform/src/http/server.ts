// Owns createServer(): the hardened fastify instance both apps build on. It wires, in order:
// request id and request context, static security headers (with `Cache-Control: no-store` unless a
// route opts into caching), CORS from the allow-list, the strict JSON body parser, validation (JSON
// bodies as sent, no coercion), the problem+json error mapping (404/405/414 included, a lost
// database as 503), load shedding, the rate limiter with bans (ratelimit/plugin.ts), access log and
// metrics per request, OpenAPI with the docs UI, health/readiness and metrics routes. It knows
// nothing of any product: apps register their modules on the instance it returns.
import { createServer as createHttpServer } from 'node:http';
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { PlatformConfig } from '../config/index.js';
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import type { JobRunner } from '../jobs/index.js';
import type { KeyValueStore } from '../kv/types.js';
import { type Logger, runWithRequestContext } from '../log/index.js';
import type { TokenVerifier } from '../ratelimit/client-key.js';
import { registerLoadShedding } from '../ratelimit/load-shedding.js';
import { installRateLimiting } from '../ratelimit/plugin.js';
import type { Clock } from '../time/clock.js';
import { installCacheControl } from './cache-control.js';
import { registerDocs, registerOpenApi } from './docs.js';
import { rejectNonFiniteNumbers } from './finite-numbers.js';
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
  /** Set by createServer: identity passes tokens.verify so rate limits apply per user (see ratelimit/). */
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
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    // PostgreSQL text cannot hold U+0000: refused here, it never reaches a query parameter.
    if (request.url.includes('%00')) return done(nulInUrl());
    runWithRequestContext({ requestId: request.id }, done);
  });
  installCacheControl(app);

  const metrics = createHttpMetrics({
    appName: config.appName,
    poolStats: () => dependencies.db.poolStats(),
  });
  await registerLoadShedding(app, config.loadShedding);
  const rateLimiting = await installRateLimiting(app, dependencies, metrics.registry);
  dependencies.useTokenVerifier = rateLimiting.useTokenVerifier;
  dependencies.metrics = metrics;
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const durationMs = reply.elapsedTime;
    metrics.observe(request.method, route, reply.statusCode, durationMs / 1000);
    // The request id is passed directly: this hook runs outside the request's async context and a
    // second context switch per request measurably costs throughput.
    logger.info(
      {
        event: 'http_request_complete',
        requestId: request.id,
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(durationMs * 1000) / 1000,
      },
      'http_request_complete',
    );
    done();
  });

  app.setErrorHandler(handleRequestError);
  app.addHook('preHandler', rejectNonFiniteNumbers);
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
