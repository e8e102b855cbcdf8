// Shared by the webhook tests: Stripe-shaped events, signed with the official SDK's test-header
// helper, delivered to the fixture app; and what the inbox and the handler's effects hold after.
import { sql } from 'kysely';
import Stripe from 'stripe';
import type { TestApp } from '../../src/testing/index.js';
import { WEBHOOK_SECRET } from '../fixtures/webhook-app.js';

const stripe = new Stripe('sk_test_webhook_fixture_only');

let sequence = 0;

/** A Stripe event body as Stripe sends it, with a fresh id unless one is given. */
export function stripeEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence++;
  return {
    id: `evt_test_${sequence}_${Math.random().toString(36).slice(2, 10)}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: 1767225600,
    type: 'customer.subscription.updated',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: { id: 'sub_test_1', object: 'subscription', status: 'active' } },
    ...overrides,
  };
}

/** The Stripe-Signature header the SDK computes for `payload` (seconds since the epoch). */
export function signatureFor(payload: string, timestamp: number, secret = WEBHOOK_SECRET): string {
  return stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** Now on the app's clock, in Unix seconds: what a fresh delivery is signed with. */
export const nowSeconds = (t: TestApp) => Math.floor(t.clock.now().getTime() / 1000);

export interface Delivery {
  payload: string;
  signature?: string;
  contentType?: string;
  url?: string;
}

export function deliver(t: TestApp, delivery: Delivery) {
  return t.app.inject({
    method: 'POST',
    url: delivery.url ?? '/webhooks/stripe',
    headers: {
      'content-type': delivery.contentType ?? 'application/json; charset=utf-8',
      ...(delivery.signature !== undefined && { 'stripe-signature': delivery.signature }),
    },
    payload: delivery.payload,
  });
}

/** Delivers an event signed now with the fixture's secret. */
export function deliverSigned(t: TestApp, event: Record<string, unknown>, url?: string) {
  const payload = JSON.stringify(event);
  return deliver(t, { payload, signature: signatureFor(payload, nowSeconds(t)), ...(url && { url }) });
}

export async function inboxRows(t: TestApp) {
  const { rows } = await sql<{
    event_id: string;
    type: string;
    status: string;
    attempts: number;
    last_error: string | null;
  }>`select event_id, type, status, attempts, last_error from webhook_events order by received_at, event_id`.execute(
    t.db.kysely,
  );
  return rows;
}

/** How many times the handler's effect committed for an event (all events when none is named). */
export async function effectCount(t: TestApp, eventId?: string): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from webhook_fixture_effects
    where ${eventId === undefined ? sql`true` : sql`event_id = ${eventId}`}`.execute(t.db.kysely);
  return rows[0]?.count ?? 0;
}

/**
 * Resolves once another session is blocked (PostgreSQL: waiting on a lock; PGlite: queued for the
 * single session), so a test knows a concurrent delivery has reached the inbox's claim.
 */
export async function untilSomeoneWaits(t: TestApp): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    if (t.db.kind === 'pglite') {
      if (t.db.poolStats().waiting > 0) return;
    } else {
      const { rows } = await sql<{ waiting: number }>`
        select count(*)::int as waiting from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db.kysely);
      if ((rows[0]?.waiting ?? 0) > 0) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no concurrent session started waiting');
}
