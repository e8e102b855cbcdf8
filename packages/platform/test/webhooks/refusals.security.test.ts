// A delivery that is not exactly what Stripe signed with an active secret, just now, is refused with
// 400 and its reason, and leaves no trace: no inbox row, no effect. Signatures come from the
// official SDK's test-header helper.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { WEBHOOK_SECRET, webhookFixtureApp } from '../fixtures/webhook-app.js';
import { deliver, effectCount, inboxRows, nowSeconds, signatureFor, stripeEvent } from './support.js';

const OLD_SECRET = 'whsec_fixture_previous_0123456789abcdef';

let t: TestApp;
beforeAll(async () => {
  // Two active secrets: the previous one is still accepted while Stripe rolls the new one out.
  t = await buildTestApp(webhookFixtureApp({ secrets: [OLD_SECRET, WEBHOOK_SECRET] }));
});
afterAll(async () => t?.close());

async function expectRefused(
  response: Awaited<ReturnType<typeof deliver>>,
  code: string,
  label = code,
): Promise<void> {
  expect(response.statusCode, label).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json().code, label).toBe(code);
}

async function expectNoTrace(): Promise<void> {
  expect(await inboxRows(t)).toEqual([]);
  expect(await effectCount(t)).toBe(0);
}

describe('refused webhook deliveries', () => {
  const event = stripeEvent({ type: 'checkout.session.completed' });
  const payload = JSON.stringify(event);

  it('refuses the body with one byte changed, at positions spread over the whole body', async () => {
    const signature = signatureFor(payload, nowSeconds(t));
    const bytes = Buffer.from(payload);
    const positions = new Set([0, 1, bytes.length - 1]);
    for (let position = 0; position < bytes.length; position += 11) positions.add(position);
    for (const position of positions) {
      const tampered = Buffer.from(bytes);
      // A printable replacement keeps the body valid UTF-8, so only the signature can catch it.
      tampered[position] = tampered[position] === 0x41 ? 0x42 : 0x41;
      const response = await deliver(t, { payload: tampered.toString('latin1'), signature });
      await expectRefused(response, 'signature_mismatch', `byte ${position}`);
    }
    await expectNoTrace();
  });

  it('refuses stale and future timestamps beyond five minutes', async () => {
    for (const offset of [-301, -3600, 301, 3600]) {
      const signature = signatureFor(payload, nowSeconds(t) + offset);
      await expectRefused(
        await deliver(t, { payload, signature }),
        'timestamp_outside_tolerance',
        `${offset}`,
      );
    }
    await expectNoTrace();
  });

  it('refuses a replay once the clock has moved past the tolerance', async () => {
    const signature = signatureFor(payload, nowSeconds(t));
    t.clock.advance(301_000);
    try {
      await expectRefused(await deliver(t, { payload, signature }), 'timestamp_outside_tolerance');
    } finally {
      t.clock.advance(-301_000);
    }
    await expectNoTrace();
  });

  it('refuses a signature made with a secret that is not active', async () => {
    const signature = signatureFor(payload, nowSeconds(t), 'whsec_attacker_guess_0123456789abcdef');
    await expectRefused(await deliver(t, { payload, signature }), 'signature_mismatch');
    await expectNoTrace();
  });

  it('refuses a delivery without a signature header', async () => {
    await expectRefused(await deliver(t, { payload }), 'signature_missing');
    await expectNoTrace();
  });

  it('refuses malformed signature headers', async () => {
    for (const signature of [
      'nonsense',
      `t=${nowSeconds(t)}`,
      `v1=${'0'.repeat(64)}`,
      `t=now,v1=${'0'.repeat(64)}`,
    ]) {
      await expectRefused(await deliver(t, { payload, signature }), 'signature_malformed', signature);
    }
    await expectNoTrace();
  });

  it('refuses a correctly signed body that is not a JSON event', async () => {
    for (const body of ['{"id":"evt_1","type":"x"', '{"type":"x","created":1}', '[]', '']) {
      const signature = signatureFor(body, nowSeconds(t));
      await expectRefused(await deliver(t, { payload: body, signature }), 'body_malformed', body);
    }
    await expectNoTrace();
  });

  it('refuses random JSON bodies, as a fuzzer sends them, with 4xx', async () => {
    for (const body of ['{}', '{"id":"evt_1","type":"x","created":1}', '{"a":[1,2,{"b":null}]}', 'null']) {
      const response = await deliver(t, {
        payload: body,
        signature: `t=${nowSeconds(t)},v1=${'f'.repeat(64)}`,
      });
      await expectRefused(response, 'signature_mismatch', body);
    }
    await expectNoTrace();
  });

  it('accepts the same event signed with either active secret, once', async () => {
    for (const secret of [OLD_SECRET, WEBHOOK_SECRET]) {
      const response = await deliver(t, { payload, signature: signatureFor(payload, nowSeconds(t), secret) });
      expect(response.statusCode).toBe(200);
    }
    expect(await effectCount(t, event.id as string)).toBe(1);
  });
});
