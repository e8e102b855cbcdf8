// Owns the Prometheus metrics of one server: request counts and latency histograms by route
// pattern and status, the process defaults (event-loop lag, memory, GC) and database pool gauges
// read at scrape time. Route labels use the route pattern, never the raw URL, and unmatched
// requests share one label, so a scanner cannot explode label cardinality. App modules add their
// own gauges through `AppMetrics` (the server's dependencies carry it).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats } from '../db/types.js';

/** What an app's modules publish at /metrics next to the kernel's own: gauges they set themselves. */
export interface AppMetrics {
  gauge(name: string, help: string): { set(value: number): void };
}

export interface HttpMetrics extends AppMetrics {
  registry: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
}

export function createHttpMetrics(options: { appName: string; poolStats: () => PoolStats }): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: options.appName });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Registered for its scrape-time collect(); nothing else holds a reference.
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state (total, idle, waiting clients)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = options.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  return {
    registry,
    gauge(name, help) {
      return new Gauge({ name, help, registers: [registry] });
    },
    observe(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
