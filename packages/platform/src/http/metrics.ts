// Owns the Prometheus metrics of one server: request counts and latency histograms by route
// pattern and status, the process defaults (event-loop lag, memory, GC) and database pool gauges
// read at scrape time. Route labels use the route pattern, never the raw URL, and unmatched
// requests share one label, so a scanner cannot explode label cardinality. App modules add their
// own gauges through `AppMetrics` (the server's dependencies carry it).
// A request costs a map lookup and a few additions: counts and buckets accumulate here and are handed
// to prom-client only when /metrics is scraped (the counter through its collect(), the histogram as
// a metric object whose get() the registry formats), instead of prom-client validating and hashing
// the labels of every request. test/http/metrics-output.test.ts pins the output byte for byte.
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  type Metric,
  type MetricObjectWithValues,
  type MetricValueWithName,
  Registry,
} from 'prom-client';
import type { PoolStats } from '../db/types.js';

/** What an app's modules publish at /metrics next to the kernel's own: gauges they set themselves. */
export interface AppMetrics {
  gauge(name: string, help: string): { set(value: number): void };
}

export interface HttpMetrics extends AppMetrics {
  registry: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
}

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  labels: { method: string; route: string; status: string };
  count: number;
  sum: number;
  /** Observations per bucket, not cumulative; one more slot for those above the last bound. */
  perBucket: number[];
}

/** The latency histogram as the registry reads it at scrape time, from the accumulated series. */
function durationHistogram(appName: string, series: Map<string, Series>) {
  const name = 'http_request_duration_seconds';
  const description = {
    name,
    help: 'HTTP request latency, by method, route pattern and status',
    type: 'histogram',
    aggregator: 'sum',
  };
  return {
    ...description,
    async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
      const values: MetricValueWithName<string>[] = [];
      for (const { labels, count, sum, perBucket } of series.values()) {
        // The app label right after `le`, where prom-client's own histogram puts the default label.
        const own = { app: appName, ...labels };
        let cumulative = 0;
        BUCKETS.forEach((le, index) => {
          cumulative += perBucket[index] as number;
          values.push({ metricName: `${name}_bucket`, labels: { le, ...own }, value: cumulative });
        });
        values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...own }, value: count });
        values.push({ metricName: `${name}_sum`, labels: own, value: sum });
        values.push({ metricName: `${name}_count`, labels: own, value: count });
      }
      return { ...description, values } as unknown as MetricObjectWithValues<MetricValueWithName<string>>;
    },
    reset: () => series.clear(),
  };
}

export function createHttpMetrics(options: { appName: string; poolStats: () => PoolStats }): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: options.appName });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  // Keyed by status, method and route; in the order series first appear, as prom-client lists them.
  const series = new Map<string, Series>();
  new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, count } of series.values()) this.inc(labels, count);
    },
  });
  registry.registerMetric(durationHistogram(options.appName, series) as unknown as Metric);
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
      const key = `${status} ${method} ${route}`;
      let entry = series.get(key);
      if (entry === undefined) {
        entry = {
          labels: { method, route, status: String(status) },
          count: 0,
          sum: 0,
          perBucket: new Array(BUCKETS.length + 1).fill(0),
        };
        series.set(key, entry);
      }
      entry.count += 1;
      entry.sum += seconds;
      let bucket = 0;
      while (bucket < BUCKETS.length && seconds > (BUCKETS[bucket] as number)) bucket += 1;
      entry.perBucket[bucket] = (entry.perBucket[bucket] as number) + 1;
    },
  };
}
