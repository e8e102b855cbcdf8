// Owns shedding load per instance: past the configured event-loop delay, heap or RSS, requests are
// answered 503 problem+json with Retry-After before any work is done, so an overloaded instance
// recovers instead of queueing. Health, readiness, metrics and docs keep answering, so probes see the
// instance as alive (and its load) rather than dead. @fastify/under-pressure samples the process
// (registered without thresholds, it adds no hook of its own); the kernel's one onRequest hook asks
// overloaded() per request, a few comparisons.
import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LoadSheddingSettings } from '../config/index.js';
import { AppError } from '../errors/index.js';
import { isOperationalRoute } from './plugin.js';

/** The error to refuse `request` with while the instance is overloaded; undefined otherwise. */
export type LoadShedding = (request: FastifyRequest) => AppError | undefined;

export async function registerLoadShedding(
  app: FastifyInstance,
  settings: LoadSheddingSettings,
): Promise<LoadShedding> {
  const overloaded = new AppError({
    kind: 'unavailable',
    code: 'overloaded',
    detail: 'The server is overloaded; retry later.',
    retryAfterSeconds: settings.retryAfterSeconds,
  });
  const { maxEventLoopDelayMs, maxHeapUsedBytes, maxRssBytes } = settings;
  await app.register(underPressure, { sampleInterval: 500 });
  return (request) => {
    const { eventLoopDelay, heapUsed, rssBytes } = app.memoryUsage();
    const over =
      (maxEventLoopDelayMs > 0 && eventLoopDelay > maxEventLoopDelayMs) ||
      (maxHeapUsedBytes > 0 && heapUsed > maxHeapUsedBytes) ||
      (maxRssBytes > 0 && rssBytes > maxRssBytes);
    return over && !isOperationalRoute(request.routeOptions.url) ? overloaded : undefined;
  };
}
