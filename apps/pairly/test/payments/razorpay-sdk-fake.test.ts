// The official Razorpay SDK against the fake Razorpay on 127.0.0.1 (configureRazorpayClient points
// it there): orders, payments, refunds and RazorpayX payouts answer as Razorpay does, HTTP Basic
// keys are checked, payout idempotency keys return the same payout, outages are recognised (so the
// breaker counts them), and webhook deliveries verify with the SDK's own signature check and with
// the platform's razorpaySignatureScheme.

import { createHmac } from 'node:crypto';
import {
  configureRazorpayClient,
  createProviderCallGuard,
  isRazorpayOutage,
  razorpaySignatureScheme,
  verifyRazorpayCheckoutSignature,
} from '@app/platform';
import { createFakeClock, type FakeRazorpay, startFakeRazorpay } from '@app/platform/testing';
import Razorpay from 'razorpay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const clock = createFakeClock('2026-03-10T12:00:00.000Z');
let fake: FakeRazorpay;
let razorpay: Razorpay;

/** What the payouts module does: RazorpayX has no SDK resource, so it posts on the SDK's axios instance. */
interface PayoutAnswer {
  data: { id: string; status: string } & Record<string, unknown>;
}
interface AxiosLike {
  post(url: string, body: unknown, config?: { headers: Record<string, string> }): Promise<PayoutAnswer>;
  get(url: string): Promise<PayoutAnswer>;
}
const rq = () => (razorpay.api as unknown as { rq: AxiosLike }).rq;

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as { statusCode: number; error: Record<string, unknown> },
  );

beforeAll(async () => {
  fake = await startFakeRazorpay({ clock });
  razorpay = configureRazorpayClient(new Razorpay({ key_id: fake.keyId, key_secret: fake.keySecret }), {
    apiUrl: new URL(fake.url),
    timeoutMs: 5_000,
  });
});
afterAll(() => fake.close());

describe('the Razorpay SDK against the fake', () => {
  it('creates and reads an order, then sees it paid once captured', async () => {
    const order = await razorpay.orders.create({
      amount: 49_900,
      currency: 'INR',
      receipt: 'order-1',
      notes: { orderId: 'a1' },
      partial_payment: false,
    });
    expect(order).toMatchObject({
      entity: 'order',
      amount: 49_900,
      currency: 'INR',
      status: 'created',
      amount_due: 49_900,
    });
    expect(order.id).toMatch(/^order_[A-Za-z0-9]{14}$/);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/orders', keyId: fake.keyId });
    const { payment } = fake.capturePayment(order.id);
    expect(await razorpay.orders.fetch(order.id)).toMatchObject({
      status: 'paid',
      amount_paid: 49_900,
      amount_due: 0,
    });
    const payments = await razorpay.orders.fetchPayments(order.id);
    expect(payments).toMatchObject({
      entity: 'collection',
      count: 1,
      items: [{ id: payment.id, status: 'captured' }],
    });
    expect(await razorpay.payments.fetch(payment.id)).toMatchObject({
      order_id: order.id,
      amount: 49_900,
      captured: true,
      notes: { orderId: 'a1' },
    });
  });

  it('refuses bad input and unknown ids with Razorpay’s error body', async () => {
    const missing = await rejection(razorpay.orders.create({ currency: 'INR' } as never));
    expect(missing).toMatchObject({ statusCode: 400, error: { code: 'BAD_REQUEST_ERROR', field: 'amount' } });
    const unknown = await rejection(razorpay.payments.fetch('pay_DoesNotExist01'));
    expect(unknown).toMatchObject({
      statusCode: 400,
      error: { description: 'The id provided does not exist' },
    });
    const wrongKey = configureRazorpayClient(new Razorpay({ key_id: fake.keyId, key_secret: 'wrong' }), {
      apiUrl: new URL(fake.url),
    });
    expect(await rejection(wrongKey.orders.fetch('order_x'))).toMatchObject({
      statusCode: 401,
      error: { description: 'Authentication failed' },
    });
  });

  it('lists payments and refunds by period with count and skip, newest first', async () => {
    const start = Math.floor(clock.now().getTime() / 1000);
    clock.advance(60_000);
    const first = fake.addPayment({ amount: 10_000 });
    clock.advance(1_000);
    const second = fake.addPayment({ amount: 20_000, notes: { source: 'missed' } });
    const refund = fake.refundPayment(second.id, 5_000);
    const page = await razorpay.payments.all({ from: start + 1, count: 1 });
    expect(page.items.map((item) => item.id)).toEqual([second.id]);
    const next = await razorpay.payments.all({ from: start + 1, count: 1, skip: 1 });
    expect(next.items.map((item) => item.id)).toEqual([first.id]);
    expect((await razorpay.payments.fetch(second.id)).refund_status).toBe('partial');
    expect((await razorpay.refunds.all({ from: start + 1 })).items).toEqual([refund]);
    expect((await razorpay.payments.fetchMultipleRefund(second.id)).items.map((item) => item.id)).toEqual([
      refund.id,
    ]);
    expect(await rejection(razorpay.payments.all({ count: 101 }))).toMatchObject({ statusCode: 400 });
  });

  it('creates RazorpayX payouts idempotently and settles them', async () => {
    const body = {
      account_number: '7878780080316316',
      fund_account_id: 'fa_00000000000001',
      amount: 100_000,
      currency: 'INR',
      mode: 'IMPS',
      purpose: 'payout',
      reference_id: 'payout-1',
      narration: 'Pairly earnings',
      notes: { payoutId: 'p1' },
    };
    const headers = { headers: { 'X-Payout-Idempotency': 'payout-1' } };
    const created = (await rq().post('/v1/payouts', body, headers)).data;
    expect(created).toMatchObject({ entity: 'payout', status: 'processing', amount: 100_000 });
    const again = (await rq().post('/v1/payouts', body, headers)).data;
    expect(again.id).toBe(created.id);
    expect(fake.requests.at(-1)?.replayed).toBe(true);
    const other = await rq()
      .post('/v1/payouts', { ...body, amount: 1_000 }, headers)
      .catch((error: unknown) => error);
    expect((other as { response: { status: number } }).response.status).toBe(400);
    fake.settlePayout(created.id, 'processed');
    expect((await rq().get(`/v1/payouts/${created.id}`)).data).toMatchObject({ status: 'processed' });
    expect(() => fake.settlePayout(created.id, 'rejected')).toThrow();
  });

  it('reports outages in a shape the breaker counts, and refusals as not outages', async () => {
    const guard = createProviderCallGuard({ name: 'razorpay', clock, failureThreshold: 2 });
    fake.failNext(1, 503);
    const server = await rejection(razorpay.orders.fetch('order_x'));
    expect(server).toMatchObject({ statusCode: 503, error: { code: 'SERVER_ERROR' } });
    expect(isRazorpayOutage(server)).toBe(true);
    fake.down(true, 'socket_destroyed');
    const connection = await rejection(razorpay.orders.fetch('order_x'));
    fake.down(false);
    expect(connection).toMatchObject({
      statusCode: 0,
      error: { code: 'NETWORK_ERROR', reason: 'connection_failure' },
    });
    expect(isRazorpayOutage(connection)).toBe(true);
    expect(isRazorpayOutage(await rejection(razorpay.orders.fetch('order_x')))).toBe(false);
    fake.failNext(1, 429, { retryAfterSeconds: 40 });
    const limited = await guard.run(() => razorpay.orders.fetch('order_x')).catch((error: unknown) => error);
    expect(limited).toMatchObject({ code: 'payments_provider_unavailable', retryAfterSeconds: 40 });
  });

  it('signs webhooks as Razorpay does: the SDK and the platform scheme both verify them', async () => {
    const secret = 'razorpay_webhook_secret_1';
    const payment = fake.addPayment({ amount: 49_900 });
    const delivery = fake.signedEvent('payment.captured', { payment }, { secret, eventId: 'Evt0000000001' });
    expect(
      Razorpay.validateWebhookSignature(delivery.body, delivery.headers['x-razorpay-signature'], secret),
    ).toBe(true);
    const scheme = razorpaySignatureScheme({ secrets: [secret] });
    const event = scheme.verify(
      Buffer.from(delivery.body),
      delivery.headers,
      Math.floor(clock.now().getTime() / 1000),
    );
    expect(event).toMatchObject({ id: 'Evt0000000001', type: 'payment.captured' });
    expect(event.payload).toMatchObject({
      entity: 'event',
      contains: ['payment'],
      payload: { payment: { entity: { id: payment.id } } },
    });
  });

  it('the checkout callback check agrees with the SDK’s validatePaymentVerification', async () => {
    const { validatePaymentVerification } = await import('razorpay/dist/utils/razorpay-utils.js');
    const signature = createHmac('sha256', fake.keySecret).update('order_A|pay_B').digest('hex');
    expect(
      validatePaymentVerification({ order_id: 'order_A', payment_id: 'pay_B' }, signature, fake.keySecret),
    ).toBe(true);
    expect(
      verifyRazorpayCheckoutSignature({
        orderId: 'order_A',
        paymentId: 'pay_B',
        signature,
        keySecret: fake.keySecret,
      }),
    ).toBe(true);
    expect(
      verifyRazorpayCheckoutSignature({
        orderId: 'order_A',
        paymentId: 'pay_C',
        signature,
        keySecret: fake.keySecret,
      }),
    ).toBe(false);
  });
});
