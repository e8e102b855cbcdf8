// POST /webhooks/stripe through the whole hardened stack: a signed event is acknowledged with what
// happened, repeated and concurrent deliveries take effect once, a failing handler answers 500
// without internals and the provider's retry then succeeds, the signature is checked on the raw
// bytes whatever the Content-Type, bodies over the limit are refused, and the route is documented.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookHandler } from '../../src/index.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { recordEffect, WEBHOOK_SECRET, webhookFixtureApp } from '../fixtures/webhook-app.js';
import {
  deliver,
  deliverSigned,
  effectCount,
  inboxRows,
  nowSeconds,
  signatureFor,
  stripeEvent,
  untilSomeoneWaits,
} from './support.js';

// What the handler does next, set by each test.
let failWith: Error | null = null;
let pause: Promise<void> | null = null;
let runs = 0;
const controlled: WebhookHandler = async (trx, event) => {
  runs++;
  if (pause) await pause;
  const outcome = await recordEffect(trx, event);
  if (failWith) throw failWith;
  return outcome;
};

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(webhookFixtureApp({ handler: controlled, bodyLimitBytes: 4096 }));
});
afterAll(async () => t?.close());

describe('POST /webhooks/stripe', () => {
  it('acknowledges a signed event once and repeats as duplicates, on the path and its alias', async () => {
    const event = stripeEvent();
    const first = await deliverSigned(t, event);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false, outcome: 'processed' });
    for (const url of ['/webhooks/stripe', '/stripe/webhook']) {
      const again = await deliverSigned(t, event, url);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ received: true, duplicate: true, outcome: 'processed' });
    }
    expect(await effectCount(t, event.id as string)).toBe(1);
  });

  it('acknowledges an event type the handler ignores', async () => {
    const event = stripeEvent({ type: 'customer.tax_id.created.ignored' });
    const response = await deliverSigned(t, event);
    expect(response.json()).toEqual({ received: true, duplicate: false, outcome: 'ignored' });
  });

  it('runs the handler once for two concurrent deliveries of one event', async () => {
    const event = stripeEvent();
    let open!: () => void;
    pause = new Promise((resolve) => {
      open = resolve;
    });
    runs = 0;
    try {
      const deliveries = [deliverSigned(t, event), deliverSigned(t, event)];
      await untilSomeoneWaits(t);
      open();
      const answers = await Promise.all(deliveries);
      expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);
      expect(answers.map((answer) => answer.json().duplicate).sort()).toEqual([false, true]);
    } finally {
      pause = null;
    }
    expect(runs).toBe(1);
    expect(await effectCount(t, event.id as string)).toBe(1);
  });

  it('answers 500 without internals when the handler fails, and processes the retry', async () => {
    const event = stripeEvent({ type: 'invoice.payment_failed' });
    failWith = new Error('connect ECONNREFUSED 10.0.0.7:5432 at /srv/app/billing.ts:42');
    try {
      const failed = await deliverSigned(t, event);
      expect(failed.statusCode).toBe(500);
      expect(failed.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(failed.json().code).toBe('webhook_processing_failed');
      expect(failed.body).not.toContain('ECONNREFUSED');
      expect(failed.body).not.toContain('/srv/app');
    } finally {
      failWith = null;
    }
    expect(await effectCount(t, event.id as string)).toBe(0);
    expect((await inboxRows(t)).find((row) => row.event_id === event.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
    });

    const retried = await deliverSigned(t, event);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual({ received: true, duplicate: false, outcome: 'processed' });
    expect(await effectCount(t, event.id as string)).toBe(1);
    expect((await inboxRows(t)).find((row) => row.event_id === event.id)).toMatchObject({
      status: 'processed',
      attempts: 2,
    });
  });

  it('verifies the raw bytes whatever the Content-Type says', async () => {
    for (const contentType of [
      'text/plain',
      'application/octet-stream',
      'application/x-www-form-urlencoded',
    ]) {
      const event = stripeEvent();
      const payload = JSON.stringify(event, null, 2);
      const accepted = await deliver(t, {
        payload,
        signature: signatureFor(payload, nowSeconds(t)),
        contentType,
      });
      expect(accepted.statusCode, contentType).toBe(200);
      const reformatted = JSON.stringify(event);
      const refused = await deliver(t, {
        payload: reformatted,
        signature: signatureFor(payload, nowSeconds(t)),
        contentType,
      });
      expect(refused.statusCode, contentType).toBe(400);
      expect(refused.json().code).toBe('signature_mismatch');
    }
  });

  it('verifies a delivery that declares no Content-Type at all', async () => {
    const event = stripeEvent();
    const payload = JSON.stringify(event);
    const response = await t.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'stripe-signature': signatureFor(payload, nowSeconds(t)) },
      payload: Buffer.from(payload),
    });
    expect(response.statusCode).toBe(200);
  });

  it('refuses a body over its limit with 413 before reading it, leaving nothing behind', async () => {
    const before = (await inboxRows(t)).length;
    const event = stripeEvent({ padding: 'x'.repeat(5000) });
    const response = await deliverSigned(t, event);
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('body_too_large');
    expect((await inboxRows(t)).length).toBe(before);
  });

  it('logs each delivery with the event id, type, outcome and duplicate flag, never the payload', async () => {
    const event = stripeEvent({ data: { object: { id: 'sub_log_check', note: 'payload-marker-7f3a' } } });
    await deliverSigned(t, event);
    await deliverSigned(t, event);
    const lines = t.logs.lines.filter(
      (line) => line.event === 'webhook_delivery' && line.eventId === event.id,
    );
    expect(lines.map((line) => [line.eventType, line.outcome, line.duplicate])).toEqual([
      ['customer.subscription.updated', 'processed', false],
      ['customer.subscription.updated', 'processed', true],
    ]);
    expect(t.logs.text()).not.toContain('payload-marker-7f3a');
    expect(t.logs.text()).not.toContain(WEBHOOK_SECRET);
  });

  it('is documented in the OpenAPI document with an example and its answers', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    for (const path of ['/webhooks/stripe', '/stripe/webhook']) {
      const operation = document.paths[path].post;
      expect(operation.security).toBeUndefined();
      expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '413', '415', '500', '503']);
      expect(operation.parameters).toContainEqual(
        expect.objectContaining({ in: 'header', name: 'stripe-signature', required: true }),
      );
      const example = operation.requestBody.content['application/json'].example;
      expect(example).toMatchObject({ object: 'event', type: 'customer.subscription.updated' });
    }
  });
});

describe('POST /webhooks/stripe with no signing secret configured', () => {
  let unconfigured: TestApp;
  beforeAll(async () => {
    unconfigured = await buildTestApp(webhookFixtureApp({ secrets: [] }));
  });
  afterAll(async () => unconfigured?.close());

  it('answers 503 webhooks_not_configured and records nothing', async () => {
    const response = await deliverSigned(unconfigured, stripeEvent());
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('webhooks_not_configured');
    expect(await inboxRows(unconfigured)).toEqual([]);
  });

  it('refuses a body over the 256 KiB default limit with 413', async () => {
    const response = await deliverSigned(unconfigured, stripeEvent({ padding: 'x'.repeat(256 * 1024) }));
    expect(response.statusCode).toBe(413);
  });
});
