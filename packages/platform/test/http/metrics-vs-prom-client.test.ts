// The request metrics accumulated by the kernel are what prom-client's own Counter and Histogram
// publish for the same observations, byte for byte: durations on, between and past the bucket bounds,
// several series in the order they first appeared, and a second scrape after more requests. Pinned
// against prom-client rather than literals, so an upgrade that changes its format shows up here.
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createHttpMetrics } from '../../src/http/metrics.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function promClientMetrics(appName: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ app: appName });
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
    buckets: BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    observe(method: string, route: string, status: number, seconds: number) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}

/** The request families of a scrape. */
const requestFamilies = async (registry: Registry) =>
  (await registry.metrics())
    .split('\n')
    .filter((line) => /^(# (HELP|TYPE) )?http_/.test(line))
    .join('\n');

const observations: [string, string, number, number][] = [
  ['GET', '/things/:id', 200, 0.0004],
  ['GET', '/things/:id', 200, 0.001],
  ['POST', '/things', 201, 0.0123],
  ['GET', '/things/:id', 404, 2.5],
  ['GET', 'unmatched', 404, 11],
  ['GET', '/things/:id', 200, 0.25000001],
  ['POST', '/things', 201, 0.3],
];

describe('the request metrics', () => {
  it("are prom-client's output for the same observations, scrape after scrape", async () => {
    const ours = createHttpMetrics({
      appName: 'svc',
      poolStats: () => ({ total: 0, idle: 0, waiting: 0 }),
    });
    const theirs = promClientMetrics('svc');
    for (const [index, observation] of observations.entries()) {
      ours.observe(...observation);
      theirs.observe(...observation);
      if (index === 3)
        expect(await requestFamilies(ours.registry)).toBe(await requestFamilies(theirs.registry));
    }
    const scraped = await requestFamilies(ours.registry);
    expect(scraped).toBe(await requestFamilies(theirs.registry));
    expect(scraped).toContain('http_request_duration_seconds_bucket{le="+Inf",app="svc",method="GET"');
  });
});
