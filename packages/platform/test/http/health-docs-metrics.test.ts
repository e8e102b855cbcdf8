// Liveness, readiness naming the failed dependency, the OpenAPI document and docs UI served from
// this origin, and Prometheus metrics by route and status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { kernelApp } from '../fixtures/kernel-app.js';

describe('health, docs and metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kernelApp);
  });
  afterAll(async () => t?.close());

  it('answers liveness and readiness when the stores answer', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', cache: 'ok' } });
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe('Kernel test API');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/widgets']));
    expect(document.paths['/widgets'].post.requestBody.content['application/json'].schema.required).toEqual([
      'name',
      'size',
    ]);
  });

  it('serves the docs UI and its script from this origin, never a CDN', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const scripts = [...page.body.matchAll(/<script[^>]*src="([^"]+)"/g)].map((match) => match[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const source of scripts) expect(source).not.toMatch(/^(https?:)?\/\//);
    const script = await t.app.inject({ method: 'GET', url: '/docs/js/scalar.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body.length).toBeGreaterThan(100_000);
  });

  it('counts requests by route pattern and status and reports event-loop lag and pool stats', async () => {
    await t.app.inject({ method: 'GET', url: '/widgets/7' });
    await t.app.inject({ method: 'GET', url: '/widgets/8' });
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    const text = response.body;
    expect(text).toMatch(
      /http_requests_total\{method="GET",route="\/widgets\/:id",status="200",app="kernel"\} 2/,
    );
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toMatch(/db_pool_connections\{state="total",app="kernel"\} \d+/);
  });

  it('says 503 and names the database when it stops answering', async () => {
    const broken = await buildTestApp(kernelApp);
    await broken.db.close();
    const response = await broken.app.inject({ method: 'GET', url: '/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({
      code: 'dependency_unavailable',
      checks: { database: 'failed', cache: 'ok' },
    });
    expect(response.json().detail).toContain('database');
    await broken.app.close();
    await broken.kv.close();
  });
});
