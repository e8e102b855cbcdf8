// The inbox on the real database (PGlite, or PostgreSQL with DATABASE_URL): an event's effect
// commits exactly once however often and however concurrently it is delivered, a failing handler
// leaves no effect but a failed record, and a later delivery of a failed event processes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebhookInbox,
  UnresolvedWebhookEvent,
  type WebhookEvent,
  type WebhookInbox,
} from '../../src/index.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { recordEffect, webhookApp } from '../fixtures/webhook-app.js';
import { effectCount, inboxRows, untilSomeoneWaits } from './support.js';

let t: TestApp;
let inbox: WebhookInbox;
beforeAll(async () => {
  t = await buildTestApp(webhookApp);
  inbox = createWebhookInbox(t.db, 'stripe', t.clock);
});
afterAll(async () => t?.close());

let sequence = 0;
function event(type = 'invoice.paid'): WebhookEvent {
  sequence++;
  const id = `evt_inbox_${sequence}`;
  return {
    id,
    type,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    payload: { id, type, created: 1767225600 },
  };
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('the webhook inbox', () => {
  it('runs the handler once and records the outcome with the effect', async () => {
    const delivered = event();
    expect(await inbox.process(delivered, recordEffect)).toEqual({ duplicate: false, outcome: 'processed' });
    expect(await inbox.process(delivered, recordEffect)).toEqual({ duplicate: true, outcome: 'processed' });
    expect(await effectCount(t, delivered.id)).toBe(1);
    const row = (await inboxRows(t)).find((found) => found.event_id === delivered.id);
    expect(row).toMatchObject({ status: 'processed', attempts: 1, last_error: null, type: 'invoice.paid' });
  });

  it('records an ignored event as ignored and still acknowledges repeats as duplicates', async () => {
    const ignored = event('customer.created.ignored');
    expect(await inbox.process(ignored, recordEffect)).toEqual({ duplicate: false, outcome: 'ignored' });
    expect(await inbox.process(ignored, recordEffect)).toEqual({ duplicate: true, outcome: 'ignored' });
    expect((await inboxRows(t)).find((row) => row.event_id === ignored.id)?.status).toBe('ignored');
  });

  it('keeps events of different providers apart', async () => {
    const shared = event();
    const razorpay = createWebhookInbox(t.db, 'razorpay', t.clock);
    expect((await inbox.process(shared, recordEffect)).duplicate).toBe(false);
    expect((await razorpay.process(shared, recordEffect)).duplicate).toBe(false);
    expect(await effectCount(t, shared.id)).toBe(2);
  });

  it('makes a concurrent second delivery wait for the first and then do nothing', async () => {
    const delivered = event();
    const { open, opened } = gate();
    let runs = 0;
    const slow = async (...args: Parameters<typeof recordEffect>) => {
      runs++;
      await opened;
      return recordEffect(...args);
    };
    const first = inbox.process(delivered, slow);
    const second = inbox.process(delivered, slow);
    await untilSomeoneWaits(t);
    open();
    const results = await Promise.all([first, second]);
    expect(results.map((result) => result.duplicate).sort()).toEqual([false, true]);
    expect(runs).toBe(1);
    expect(await effectCount(t, delivered.id)).toBe(1);
  });

  it('rolls back a failing handler, records the failure outside, and rethrows', async () => {
    const delivered = event();
    const failing = async (...args: Parameters<typeof recordEffect>) => {
      await recordEffect(...args);
      throw new Error('upstream said no to sk_live_abcdefghijklmnop1234 with whsec_abcdef0123456789');
    };
    await expect(inbox.process(delivered, failing)).rejects.toThrow('upstream said no');
    await expect(inbox.process(delivered, failing)).rejects.toThrow('upstream said no');
    expect(await effectCount(t, delivered.id)).toBe(0);
    const row = (await inboxRows(t)).find((found) => found.event_id === delivered.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    expect(row?.last_error).toContain('Error: upstream said no');
    expect(row?.last_error).not.toContain('sk_live_abcdefghijklmnop1234');
    expect(row?.last_error).not.toContain('whsec_abcdef0123456789');
    expect((await inbox.failed()).map((failed) => failed.id)).toContain(delivered.id);

    expect(await inbox.process(delivered, recordEffect)).toEqual({ duplicate: false, outcome: 'processed' });
    expect(await effectCount(t, delivered.id)).toBe(1);
    const processed = (await inboxRows(t)).find((found) => found.event_id === delivered.id);
    expect(processed).toMatchObject({ status: 'processed', attempts: 3, last_error: null });
    expect((await inbox.failed()).map((failed) => failed.id)).not.toContain(delivered.id);
  });

  it('records an unresolvable event as unresolved with its reason, without its effects, and never runs it again', async () => {
    const delivered = event();
    const unresolvable = async (...args: Parameters<typeof recordEffect>) => {
      await recordEffect(...args);
      throw new UnresolvedWebhookEvent('no organisation for sub_foreign');
    };
    expect(await inbox.seen(delivered.id)).toBe(false);
    expect(await inbox.process(delivered, unresolvable)).toEqual({ duplicate: false, outcome: 'unresolved' });
    expect(await inbox.process(delivered, recordEffect)).toEqual({ duplicate: true, outcome: 'unresolved' });
    expect(await effectCount(t, delivered.id)).toBe(0);
    expect(await inbox.seen(delivered.id)).toBe(true);
    expect((await inboxRows(t)).find((row) => row.event_id === delivered.id)).toMatchObject({
      status: 'unresolved',
      last_error: 'no organisation for sub_foreign',
    });
    expect(await inbox.unresolved()).toContainEqual({
      event: delivered,
      reason: 'no organisation for sub_foreign',
    });
    expect((await inbox.failed()).map((failed) => failed.id)).not.toContain(delivered.id);
  });

  it('answers seen() only for events with a final outcome, not for failed ones', async () => {
    const processed = event();
    const failedOnce = event();
    await inbox.process(processed, recordEffect);
    await expect(
      inbox.process(failedOnce, async () => {
        throw new Error('database blinked');
      }),
    ).rejects.toThrow();
    expect(await inbox.seen(processed.id)).toBe(true);
    expect(await inbox.seen(failedOnce.id)).toBe(false);
    expect(await inbox.seen('evt_never_delivered')).toBe(false);
  });

  it('lists failed events fewest attempts first, so events that keep failing cannot starve newer ones', async () => {
    const poison = createWebhookInbox(t.db, 'poison-provider', t.clock);
    const failing = async () => {
      throw new Error('still broken');
    };
    const old = event();
    for (let attempt = 0; attempt < 3; attempt++)
      await expect(poison.process(old, failing)).rejects.toThrow();
    t.clock.advance(1000);
    const newer = event();
    await expect(poison.process(newer, failing)).rejects.toThrow();
    expect((await poison.failed(1)).map((failed) => failed.id)).toEqual([newer.id]);
    expect((await poison.failed()).map((failed) => failed.id)).toEqual([newer.id, old.id]);
  });

  it('truncates a long failure message', async () => {
    const delivered = event();
    const failing = async () => {
      throw new Error('x'.repeat(5000));
    };
    await expect(inbox.process(delivered, failing)).rejects.toThrow();
    const row = (await inboxRows(t)).find((found) => found.event_id === delivered.id);
    expect(row?.last_error?.length).toBe(1000);
  });

  it('lets a concurrent delivery process an event whose first attempt fails meanwhile', async () => {
    const delivered = event();
    const { open, opened } = gate();
    let attempt = 0;
    const failsFirst = async (...args: Parameters<typeof recordEffect>) => {
      attempt++;
      if (attempt === 1) {
        await opened;
        throw new Error('first attempt fails');
      }
      return recordEffect(...args);
    };
    // Whichever delivery claims the event first fails; the other one was waiting and takes over.
    const deliveries = Promise.allSettled([
      inbox.process(delivered, failsFirst),
      inbox.process(delivered, failsFirst),
    ]);
    await untilSomeoneWaits(t);
    open();
    const settled = await deliveries;
    expect(settled.filter((result) => result.status === 'rejected')).toEqual([
      { status: 'rejected', reason: new Error('first attempt fails') },
    ]);
    expect(settled.filter((result) => result.status === 'fulfilled')).toEqual([
      { status: 'fulfilled', value: { duplicate: false, outcome: 'processed' } },
    ]);
    expect(await effectCount(t, delivered.id)).toBe(1);
    // The failure recorded after the second delivery committed does not overwrite it.
    const row = (await inboxRows(t)).find((found) => found.event_id === delivered.id);
    expect(row?.status).toBe('processed');
  });

  it('lists failed events oldest first with their payload, up to the limit', async () => {
    const failing = async () => {
      throw new Error('down');
    };
    const fresh = createWebhookInbox(t.db, 'listing', t.clock);
    const events = [event('a.one'), event('b.two'), event('c.three')];
    for (const delivered of events) {
      t.clock.advance(1000);
      await expect(fresh.process(delivered, failing)).rejects.toThrow('down');
    }
    const failed = await fresh.failed(2);
    expect(failed).toEqual(events.slice(0, 2));
  });
});
