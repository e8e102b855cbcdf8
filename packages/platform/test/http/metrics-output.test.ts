// The request metrics at /metrics, byte for byte: the request counter and the latency histogram by
// method, route pattern and status, in the order series first appeared, with cumulative buckets,
// their sum and count, the app label where Prometheus scrapers have always found it, counts that
// keep growing from scrape to scrape, and the metric families in the same order. Dashboards and
// alerts query these series; the hot-path rewrite must keep every byte of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { controlElapsedTime, timedApp } from './timed-app.js';

let t: TestApp;
let restoreElapsedTime: () => void;
beforeAll(async () => {
  t = await buildTestApp(timedApp);
  restoreElapsedTime = controlElapsedTime();
});
afterAll(async () => {
  restoreElapsedTime?.();
  await t?.close();
});

const BOUNDS = [
  '0.001',
  '0.0025',
  '0.005',
  '0.01',
  '0.025',
  '0.05',
  '0.1',
  '0.25',
  '0.5',
  '1',
  '2.5',
  '5',
  '10',
];

interface Series {
  method: string;
  route: string;
  status: number;
  /** Cumulative count per bucket bound, in BOUNDS order. */
  buckets: number[];
  sum: string;
  count: number;
}

const counterLine = ({ method, route, status, count }: Series) =>
  `http_requests_total{method="${method}",route="${route}",status="${status}",app="timed"} ${count}`;

function histogramLines({ method, route, status, buckets, sum, count }: Series): string[] {
  const labels = `app="timed",method="${method}",route="${route}",status="${status}"`;
  const name = 'http_request_duration_seconds';
  return [
    ...BOUNDS.map((bound, index) => `${name}_bucket{le="${bound}",${labels}} ${buckets[index]}`),
    `${name}_bucket{le="+Inf",${labels}} ${count}`,
    `${name}_sum{${labels}} ${sum}`,
    `${name}_count{${labels}} ${count}`,
  ];
}

function requestFamilies(series: Series[]): string {
  return [
    '# HELP http_requests_total HTTP requests served, by method, route pattern and status',
    '# TYPE http_requests_total counter',
    ...series.map(counterLine),
    '',
    '# HELP http_request_duration_seconds HTTP request latency, by method, route pattern and status',
    '# TYPE http_request_duration_seconds histogram',
    ...series.flatMap(histogramLines),
  ].join('\n');
}

/** The two request families of a scrape, from the counter's HELP line to the blank line after the histogram. */
function requestFamiliesOf(body: string): string {
  const start = body.indexOf('# HELP http_requests_total');
  const end = body.indexOf('\n\n', body.indexOf('# HELP http_request_duration_seconds'));
  return body.slice(start, end);
}

const all = (count: number) => BOUNDS.map(() => count);
const scrape = () => t.app.inject({ method: 'GET', url: '/metrics' });

describe('/metrics', () => {
  it('publishes the request counter and latency histogram byte for byte', async () => {
    for (const url of [
      '/took/0.9765625',
      '/took/15.625',
      '/took/0.9765625',
      '/took/250',
      '/nowhere',
      '/fails',
      '/health',
    ]) {
      await t.app.inject({ method: 'GET', url });
    }
    await t.app.inject({ method: 'POST', url: '/took/2' });
    await t.app.inject({ method: 'HEAD', url: '/took/1' });
    const response = await scrape();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const tookGet: Series = {
      method: 'GET',
      route: '/took/:ms',
      status: 200,
      buckets: [2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4],
      sum: '0.267578125',
      count: 4,
    };
    const instant = (method: string, route: string, status: number): Series => ({
      method,
      route,
      status,
      buckets: all(1),
      sum: '0',
      count: 1,
    });
    const series: Series[] = [
      tookGet,
      instant('GET', 'unmatched', 404),
      instant('GET', '/fails', 500),
      instant('GET', '/health', 200),
      {
        method: 'POST',
        route: '/took/:ms',
        status: 201,
        buckets: [0, ...all(1).slice(1)],
        sum: '0.002',
        count: 1,
      },
      { ...instant('HEAD', '/took/:ms', 200), sum: '0.001' },
    ];
    expect(requestFamiliesOf(response.body)).toBe(requestFamilies(series));

    // Counts accumulate across scrapes, and the first scrape is itself counted by the second.
    await t.app.inject({ method: 'GET', url: '/took/0.9765625' });
    const again = requestFamiliesOf((await scrape()).body);
    expect(again).toBe(
      requestFamilies([
        { ...tookGet, buckets: [3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5, 5], sum: '0.2685546875', count: 5 },
        ...series.slice(1),
        instant('GET', '/metrics', 200),
      ]),
    );
  });

  it('keeps the metric families in the same order, the request families first among the kernel own', async () => {
    const body = (await scrape()).body;
    expect(body.endsWith('\n')).toBe(true);
    const kernelFamilies = [...body.matchAll(/^# TYPE (\S+) (\S+)$/gm)]
      .map(([, name, type]) => `${name} ${type}`)
      .filter((family) => !/^(process|nodejs)_/.test(family));
    const limiterFamilies = process.env.REDIS_URL
      ? [
          'ratelimit_redis_outages_total counter',
          'ratelimit_degraded gauge',
          'ratelimit_fallback_decisions_total counter',
        ]
      : [];
    expect(kernelFamilies).toEqual([
      'http_requests_total counter',
      'http_request_duration_seconds histogram',
      'db_pool_connections gauge',
      ...limiterFamilies,
    ]);
  });
});
