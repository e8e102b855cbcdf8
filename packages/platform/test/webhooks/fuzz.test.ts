// The route fuzzer against the webhook endpoint as documented: whatever body, header or content
// type it invents, an unsigned delivery is a 4xx, never a 5xx, and nothing reaches the inbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, fuzzEveryRoute, type TestApp } from '../../src/testing/index.js';
import { webhookApp } from '../fixtures/webhook-app.js';
import { inboxRows } from './support.js';

describe('fuzzing the webhook endpoint', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(webhookApp);
  });
  afterAll(async () => t?.close());

  it('answers every generated delivery below 500 and records none', async () => {
    const report = await fuzzEveryRoute(t, { runs: 300 });
    expect(report.operations).toEqual(
      expect.arrayContaining(['POST /webhooks/stripe', 'POST /stripe/webhook']),
    );
    expect(Object.keys(report.statuses).every((status) => Number(status) < 500)).toBe(true);
    expect(await inboxRows(t)).toEqual([]);
  }, 60_000);
});
