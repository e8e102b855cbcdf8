// The fake Stripe's payment mode through the official SDK: a payment Checkout Session with inline
// price data, paying it (PaymentIntent and charge carry payment_intent_data.metadata), expiring
// it, listing intents, charges and refunds by period and page, refunds adding up on the charge,
// disputes won or lost, transfers (idempotent) and their reversals, and webhook events of any type.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeSignatureScheme } from '../../src/index.js';
import { createFakeClock, type FakeStripe, signedEvent, startFakeStripe } from '../../src/testing/index.js';

const KEY = 'sk_test_payments_fake_0001';
const clock = createFakeClock('2026-03-10T12:00:00.000Z');
let fake: FakeStripe;
let stripe: Stripe;

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error as Stripe.errors.StripeError,
  );

const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

const createSession = (overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}) =>
  stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [
      {
        price_data: { currency: 'usd', unit_amount: 499, product_data: { name: '100 credits' } },
        quantity: 2,
      },
    ],
    client_reference_id: 'order-1',
    metadata: { orderId: 'order-1' },
    payment_intent_data: { metadata: { orderId: 'order-1' } },
    success_url: 'https://pairly.example.com/credits/done',
    cancel_url: 'https://pairly.example.com/credits',
    ...overrides,
  });

beforeAll(async () => {
  fake = await startFakeStripe({ clock, apiKey: KEY });
  const url = new URL(fake.url);
  stripe = new Stripe(KEY, { protocol: 'http', host: url.hostname, port: url.port, maxNetworkRetries: 0 });
});
afterAll(() => fake.close());

describe('payment-mode Checkout', () => {
  it('creates an open session, and paying it makes a succeeded intent and charge', async () => {
    const session = await createSession();
    expect(session).toMatchObject({
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 998,
      currency: 'usd',
      payment_intent: null,
      client_reference_id: 'order-1',
      metadata: { orderId: 'order-1' },
    });
    const paid = fake.payCheckout(session.id);
    expect(paid.paymentIntent).toMatchObject({
      status: 'succeeded',
      amount: 998,
      metadata: { orderId: 'order-1' },
    });
    expect(paid.charge).toMatchObject({
      status: 'succeeded',
      paid: true,
      payment_intent: paid.paymentIntent.id,
    });
    expect(await stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      payment_intent: paid.paymentIntent.id,
    });
    expect(await stripe.paymentIntents.retrieve(paid.paymentIntent.id)).toMatchObject({
      latest_charge: paid.charge.id,
      amount_received: 998,
    });
    expect((await stripe.charges.retrieve(paid.charge.id)).amount_captured).toBe(998);
    expect(() => fake.payCheckout(session.id)).toThrow();
  });

  it('pays another amount or currency on demand (for mismatch tests)', async () => {
    const session = await createSession();
    const paid = fake.payCheckout(session.id, { amount: 1, currency: 'eur' });
    expect(paid.paymentIntent).toMatchObject({ amount: 1, currency: 'eur' });
  });

  it('refuses bad parameters naming them', async () => {
    const noPrice = await refusal(
      createSession({
        line_items: [{ price_data: { currency: 'usd', product_data: { name: 'x' } }, quantity: 1 }],
      }),
    );
    expect(noPrice).toMatchObject({ statusCode: 400, param: 'line_items[0][price_data][unit_amount]' });
    const early = await refusal(createSession({ expires_at: nowSeconds() + 60 }));
    expect(early).toMatchObject({ statusCode: 400, param: 'expires_at' });
    const unknown = await refusal(stripe.checkout.sessions.retrieve('cs_test_unknown'));
    expect(unknown).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });

  it('expires an open session once; a paid one is not expirable', async () => {
    const session = await createSession({ expires_at: nowSeconds() + 3600 });
    expect(session.expires_at).toBe(nowSeconds() + 3600);
    expect((await stripe.checkout.sessions.expire(session.id)).status).toBe('expired');
    expect((await refusal(stripe.checkout.sessions.expire(session.id))).statusCode).toBe(400);
    const paid = await createSession();
    fake.payCheckout(paid.id);
    expect((await refusal(stripe.checkout.sessions.expire(paid.id))).statusCode).toBe(400);
    const expired = await createSession();
    expect(fake.expireCheckout(expired.id).status).toBe('expired');
  });
});

describe('payments lists, refunds and disputes', () => {
  it('lists intents and charges by period, newest first, page by page', async () => {
    clock.advance(3_600_000);
    const from = nowSeconds();
    const first = fake.addPaymentIntent({ amount: 500, currency: 'gbp', metadata: { source: 'nobody' } });
    clock.advance(1_000);
    const second = fake.addPaymentIntent({ amount: 700 });
    const page = await stripe.paymentIntents.list({ created: { gte: from }, limit: 1 });
    expect(page.data.map((intent) => intent.id)).toEqual([second.paymentIntent.id]);
    expect(page.has_more).toBe(true);
    const next = await stripe.paymentIntents.list({
      created: { gte: from },
      limit: 1,
      starting_after: page.data[0]?.id,
    });
    expect(next.data.map((intent) => intent.id)).toEqual([first.paymentIntent.id]);
    expect(next.has_more).toBe(false);
    const before = await stripe.paymentIntents.list({ created: { lt: from } });
    expect(before.data.map((intent) => intent.id)).not.toContain(first.paymentIntent.id);
    const all: string[] = [];
    for await (const charge of stripe.charges.list({ created: { gte: from }, limit: 1 })) all.push(charge.id);
    expect(all).toEqual([second.charge?.id, first.charge?.id]);
  });

  it('adds refunds up on the charge and lists them per charge', async () => {
    const { charge } = fake.addPaymentIntent({ amount: 1_000 });
    const id = charge?.id as string;
    const partial = fake.refundCharge(id, 400);
    expect(partial.charge).toMatchObject({ amount_refunded: 400, refunded: false });
    const rest = fake.refundCharge(id);
    expect(rest.refund.amount).toBe(600);
    expect(await stripe.charges.retrieve(id)).toMatchObject({ amount_refunded: 1_000, refunded: true });
    const refunds = await stripe.refunds.list({ charge: id });
    expect(refunds.data.map((refund) => refund.id)).toEqual([rest.refund.id, partial.refund.id]);
    expect(() => fake.refundCharge(id, 1)).toThrow();
    expect(await stripe.refunds.retrieve(partial.refund.id)).toMatchObject({
      charge: id,
      status: 'succeeded',
    });
  });

  it('opens a dispute and closes it won or lost', async () => {
    const { charge } = fake.addPaymentIntent({ amount: 2_000 });
    const { dispute, charge: disputed } = fake.disputeCharge(charge?.id as string);
    expect(disputed.disputed).toBe(true);
    expect(await stripe.disputes.retrieve(dispute.id)).toMatchObject({
      status: 'needs_response',
      amount: 2_000,
    });
    fake.closeDispute(dispute.id, 'lost');
    expect((await stripe.disputes.retrieve(dispute.id)).status).toBe('lost');
    expect(() => fake.closeDispute(dispute.id, 'won')).toThrow();
  });
});

describe('transfers', () => {
  const create = (key: string, amount = 5_000) =>
    stripe.transfers.create(
      {
        amount,
        currency: 'usd',
        destination: 'acct_1Creator000001',
        metadata: { payoutId: 'p1' },
        transfer_group: 'payout-p1',
      },
      { idempotencyKey: key },
    );

  it('creates a transfer once per idempotency key and reverses it', async () => {
    const transfer = await create('payout-p1');
    const again = await create('payout-p1');
    expect(again.id).toBe(transfer.id);
    expect((await refusal(create('payout-p1', 6_000))).type).toBe('StripeIdempotencyError');
    const reversal = await stripe.transfers.createReversal(transfer.id, { amount: 2_000 });
    expect(reversal).toMatchObject({ object: 'transfer_reversal', amount: 2_000, transfer: transfer.id });
    expect(fake.reverseTransfer(transfer.id)).toMatchObject({ reversed: true, amount_reversed: 5_000 });
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({ reversed: true });
    expect((await refusal(stripe.transfers.createReversal(transfer.id))).statusCode).toBe(400);
    const bad = await refusal(stripe.transfers.create({ amount: 1, currency: 'usd', destination: 'cus_x' }));
    expect(bad).toMatchObject({ statusCode: 400, param: 'destination' });
  });
});

describe('signed events of any type', () => {
  it('signs a charge.refunded event carrying the charge, which the platform scheme accepts', async () => {
    const { charge } = fake.addPaymentIntent({ amount: 300 });
    const refunded = fake.refundCharge(charge?.id as string).charge;
    const secret = 'whsec_payments_fake';
    const delivery = signedEvent({ type: 'charge.refunded', object: refunded }, secret, clock.now());
    const scheme = stripeSignatureScheme({ secrets: [secret] });
    const event = scheme.verify(
      Buffer.from(delivery.payload),
      { 'stripe-signature': delivery.header },
      nowSeconds(),
    );
    expect(event.type).toBe('charge.refunded');
    expect(event.payload).toMatchObject({ data: { object: { id: refunded.id, refunded: true } } });
  });
});
