// Owns shedding load per instance (@fastify/under-pressure): past the configured event-loop delay,
// heap or RSS, requests are answered 503 problem+json with Retry-After before any work is done, so an
// overloaded instance recovers instead of queueing. Health, readiness, metrics and docs keep
// answering, so probes see the instance as alive (and its load) rather than dead.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import type { LoadSheddingSettings } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { isOperationalRoute } from './plugin.js';

export async function registerLoadShedding(app: FastifyInstance, settings: LoadSheddingSettings) {
  const overloaded = new AppError({
    kind: 'unavailable',
    code: 'overloaded',
    detail: 'The server is overloaded; retry later.',
    retryAfterSeconds: settings.retryAfterSeconds,
  });
  await app.register(underPressure, {
    maxEventLoopDelay: settings.maxEventLoopDelayMs,
    maxHeapUsedBytes: settings.maxHeapUsedBytes,
    maxRssBytes: settings.maxRssBytes,
    sampleInterval: 500,
    // A rejected promise reaches the error handler (problem+json); undefined lets the request through.
    pressureHandler: (request) =>
      isOperationalRoute(request.routeOptions.url) ? undefined : Promise.reject(overloaded),
  });
}
