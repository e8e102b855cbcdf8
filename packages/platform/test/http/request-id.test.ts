// The request id is taken from a valid X-Request-Id or generated, echoed back, and present on
// every log line written while serving that request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { kernelApp } from '../fixtures/kernel-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(kernelApp);
});
afterAll(async () => t?.close());

describe('request id', () => {
  it('keeps a valid X-Request-Id, echoes it and stamps it on every log line of the request', async () => {
    const requestId = 'client-req-0001';
    const response = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: { 'x-request-id': requestId, 'content-type': 'application/json' },
      payload: { name: 'w', size: 3 },
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-request-id']).toBe(requestId);
    const lines = t.logs.lines.filter((line) => line.requestId === requestId);
    expect(lines.map((line) => line.msg)).toEqual(['widget created', 'http_request_complete']);
    expect(lines[1]).toMatchObject({
      event: 'http_request_complete',
      method: 'POST',
      route: '/widgets',
      status: 201,
      service: 'kernel',
    });
    expect(typeof lines[1]?.durationMs).toBe('number');
    expect(String(lines[1]?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('replaces an X-Request-Id that could inject into logs or headers', async () => {
    for (const bad of ['short', 'has spaces in it', 'x'.repeat(200), 'inject\\"quote"']) {
      const response = await t.app.inject({
        method: 'GET',
        url: '/health',
        headers: { 'x-request-id': bad },
      });
      expect(response.headers['x-request-id']).not.toBe(bad);
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('generates distinct ids when none is given', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/health' });
    const second = await t.app.inject({ method: 'GET', url: '/health' });
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('labels unmatched requests with one route label so scanners cannot grow the metrics', async () => {
    await t.app.inject({ method: 'GET', url: '/random/path/12345' });
    const line = t.logs.lines.findLast((entry) => entry.event === 'http_request_complete');
    expect(line).toMatchObject({ route: 'unmatched', status: 404 });
  });
});
