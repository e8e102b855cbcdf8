// Stripe delivers events late, twice and in any order (stripe-cli #418: a late `updated` arriving
// after `created`). A recorded sequence of one subscription's life — checkout completed, created,
// invoice paid, upgraded, payment failed, deleted, with increasing `created` — replayed twice and in
// several shuffled orders ends in the same state: with Stripe reachable (every event re-fetches
// the subscription) and without a Stripe key (each event's own object, ordered by `created`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation, signUp } from '../support/hiring-client.js';
import {
  type BillingTestApp,
  billingStatus,
  buildBillingTestApp,
  deliver,
  PRICES,
  sign,
  storedSubscription,
  webhookRows,
} from './support.js';

type RecordedEvent = { id: string; type: string; object: unknown; created: Date };

let sequenceCount = 0;

/** One subscription's life in the fake Stripe, and the events Stripe sent along the way. */
async function recordSequence({ t, stripe }: BillingTestApp) {
  sequenceCount += 1;
  const owner = await signUp(t, 'employer');
  const organisationId = await createOrganisation(t, owner);
  const base = t.clock.now().getTime();
  const events: RecordedEvent[] = [];
  const record = (type: string, object: unknown) =>
    events.push({
      id: `evt_order_${process.pid}_${sequenceCount}_${events.length + 1}`,
      type,
      object,
      created: new Date(base + (events.length + 1) * 60_000),
    });
  const metadata = { organisation_id: organisationId, tier: 'starter' };
  const customer = stripe.customers.add({ email: owner.email }).id;
  const subscription = stripe.subscriptions.add({ customer, price: PRICES.starter, metadata });
  const invoice = (status: string) => ({
    id: `in_order_${sequenceCount}_${events.length}`,
    object: 'invoice',
    customer,
    status,
    parent: {
      type: 'subscription_details',
      subscription_details: { subscription: subscription.id, metadata },
    },
  });
  record('checkout.session.completed', {
    id: `cs_test_order_${sequenceCount}`,
    object: 'checkout.session',
    mode: 'subscription',
    status: 'complete',
    payment_status: 'paid',
    client_reference_id: organisationId,
    customer,
    subscription: subscription.id,
    metadata,
  });
  record('customer.subscription.created', subscription);
  record('invoice.paid', invoice('paid'));
  const proMetadata = { organisation_id: organisationId, tier: 'pro' };
  record(
    'customer.subscription.updated',
    stripe.subscriptions.update(subscription.id, { price: PRICES.pro, metadata: proMetadata }),
  );
  stripe.subscriptions.update(subscription.id, { status: 'past_due' });
  record('invoice.payment_failed', invoice('open'));
  record(
    'customer.subscription.deleted',
    stripe.subscriptions.update(subscription.id, { status: 'canceled' }),
  );
  return { owner, organisationId, customer, subscriptionId: subscription.id, events };
}

async function deliverAll(context: BillingTestApp, events: RecordedEvent[]) {
  for (const event of events) {
    const response = await deliver(context.t, sign(context.t, event));
    expect(response.statusCode, `${event.type}: ${response.body}`).toBe(200);
  }
}

/** A seeded shuffle, so a failing order can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let index = result.length - 1; index > 0; index -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

const ORDERS: Array<[string, (events: RecordedEvent[]) => RecordedEvent[]]> = [
  ['reversed', (events) => [...events].reverse()],
  ['deleted first', (events) => [events[5], ...events.slice(0, 5)] as RecordedEvent[]],
  ['shuffle 7', (events) => shuffled(events, 7)],
  ['shuffle 42', (events) => shuffled(events, 42)],
  ['shuffle 2026', (events) => shuffled(events, 2026)],
];

/** The state an order must reach, told apart from the ids of each run's own subscription. */
async function finalState(context: BillingTestApp, sequence: Awaited<ReturnType<typeof recordSequence>>) {
  const stored = await storedSubscription(context.t, sequence.organisationId);
  const status = await billingStatus(context.t, sequence.owner, sequence.organisationId);
  return {
    tier: stored?.tier,
    status: stored?.status,
    cancelAtPeriodEnd: stored?.cancelAtPeriodEnd,
    periodStart: stored?.periodStart,
    periodEnd: stored?.periodEnd,
    ownCustomer: stored?.customer === sequence.customer,
    ownSubscription: stored?.subscription === sequence.subscriptionId,
    effectiveTier: status.effectiveTier,
  };
}

describe.each([
  ['Stripe reachable: every event re-fetches the subscription', true],
  ['no Stripe key: each event applies its own object by `created`', false],
])('%s', (_name, stripeKey) => {
  let context: BillingTestApp;
  let reference: Awaited<ReturnType<typeof finalState>>;

  beforeAll(async () => {
    context = await buildBillingTestApp({ stripeKey });
  });
  afterAll(async () => {
    await context?.close();
  });

  it('the sequence in order, then replayed, ends canceled on the pro tier and processes each event once', async () => {
    const sequence = await recordSequence(context);
    await deliverAll(context, sequence.events);
    reference = await finalState(context, sequence);
    expect(reference).toEqual({
      tier: 'pro',
      status: 'canceled',
      cancelAtPeriodEnd: false,
      periodStart: expect.any(String),
      periodEnd: expect.any(String),
      ownCustomer: true,
      ownSubscription: true,
      effectiveTier: 'free',
    });

    for (const event of sequence.events) {
      const again = await deliver(context.t, sign(context.t, event));
      expect(again.json()).toMatchObject({ received: true, duplicate: true });
    }
    expect(await finalState(context, sequence)).toEqual(reference);
    const rows = (await webhookRows(context.t)).filter((row) =>
      sequence.events.some((event) => event.id === row.event_id),
    );
    expect(rows).toHaveLength(sequence.events.length);
    expect(rows.every((row) => row.status === 'processed' || row.status === 'ignored')).toBe(true);
  });

  it.each(ORDERS)('delivered %s, it ends in the same state', async (_order, reorder) => {
    const sequence = await recordSequence(context);
    await deliverAll(context, reorder(sequence.events));
    expect(await finalState(context, sequence)).toEqual(reference);
  });

  it('a late, older update never overwrites a newer state', async () => {
    const sequence = await recordSequence(context);
    const [, created, , upgraded] = sequence.events as RecordedEvent[];
    // Stripe is reachable: the live state decides; not: the newer `created` decides.
    if (stripeKey) context.stripe.subscriptions.update(sequence.subscriptionId, { status: 'active' });
    await deliverAll(context, [upgraded as RecordedEvent, created as RecordedEvent]);
    expect(await storedSubscription(context.t, sequence.organisationId)).toMatchObject({
      tier: 'pro',
      status: 'active',
    });
  });
});
