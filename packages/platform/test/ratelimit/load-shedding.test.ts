// Load shedding: past a memory threshold (here one far below any real heap) requests are answered 503
// problem+json with Retry-After, while health and readiness keep answering.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { rateLimitApp } from '../fixtures/ratelimit-app.js';

describe('load shedding', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(rateLimitApp, {
      env: { PRESSURE_MAX_HEAP_USED_BYTES: '1', PRESSURE_RETRY_AFTER_SECONDS: '7' },
    });
  });
  afterAll(async () => t?.close());

  it('answers 503 with Retry-After under pressure, except on health routes', async () => {
    let shed = await t.app.inject({ method: 'GET', url: '/ping' });
    // The first memory sample is taken shortly after start.
    for (let attempt = 0; attempt < 50 && shed.statusCode !== 503; attempt++) {
      await sleep(100);
      shed = await t.app.inject({ method: 'GET', url: '/ping' });
    }
    expect(shed.statusCode).toBe(503);
    expect(shed.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(shed.headers['retry-after']).toBe('7');
    expect(shed.json()).toMatchObject({ status: 503, code: 'overloaded' });
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  });
});
