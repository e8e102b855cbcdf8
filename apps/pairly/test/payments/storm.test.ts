// A webhook storm through the app's HTTP stack (app.inject, 100 requests in flight): 1,000
// deliveries of one payment event, and 100 payment events delivered 10 times each in a shuffled
// order. Every answer is a 2xx, every payment grants exactly once, and the ledger stays sound.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerChecker } from '../credits/ledger-invariants.js';
import type { Response } from '../support/pairly-client.js';
import { signUp } from '../support/pairly-client.js';
import {
  type Delivery,
  deliver,
  order,
  type PaymentsTestEnv,
  payStripe,
  purchaseGrants,
  shuffled,
  startPaymentsApp,
  stripeDelivery,
  stripeOrderBody,
} from './support.js';

const IN_FLIGHT = 100;
// A few seconds on an idle machine; a generous bound for a loaded CI runner.
const STORM_TIMEOUT_MS = 120_000;

let env: PaymentsTestEnv;

beforeAll(async () => {
  env = await startPaymentsApp();
});
afterAll(() => env?.close());

/** Delivers everything with at most IN_FLIGHT requests at once; answers every response. */
async function storm(deliveries: readonly Delivery[]): Promise<Response[]> {
  const responses: Response[] = new Array(deliveries.length);
  let next = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const index = next++;
      responses[index] = await deliver(env, deliveries[index] as Delivery);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return responses;
}

function expectAll2xx(responses: Response[]) {
  const refused = responses.filter((response) => response.statusCode < 200 || response.statusCode > 299);
  expect(refused.map((response) => `${response.statusCode} ${response.body}`)).toEqual([]);
}

describe('a webhook storm', () => {
  it(
    '1,000 deliveries of one event at 100 in flight: one grant, every answer 2xx',
    async () => {
      const fan = await signUp(env.t, 'fan');
      const made = await order(env, fan, stripeOrderBody('pro', 'USD'));
      const { events } = payStripe(env, made);
      const succeeded = events[1] as Delivery;
      const responses = await storm(Array(1_000).fill(succeeded));
      expectAll2xx(responses);
      const answers = responses.map((response) => response.json() as { duplicate: boolean; outcome: string });
      expect(answers.filter((answer) => !answer.duplicate)).toEqual([
        { received: true, duplicate: false, outcome: 'processed' },
      ]);
      expect(await purchaseGrants(env, fan.id)).toEqual({ count: 1, sum: 1_200 });
    },
    STORM_TIMEOUT_MS,
  );

  it(
    '100 events x 10 duplicates, shuffled, at 100 in flight: one grant per payment, every answer 2xx',
    async () => {
      const buyers = await Promise.all(Array.from({ length: 4 }, () => signUp(env.t, 'fan')));
      // Orders as the order route leaves them (their Checkout Sessions are not what is under test).
      const now = env.t.clock.now();
      const orders = Array.from({ length: 100 }, (_, index) => ({
        index,
        orderId: randomUUID(),
        buyer: buyers[index % buyers.length] as { id: string },
      }));
      await env.t.db.executeSql(
        `insert into payment_orders (id, user_id, pack_id, credits, amount, currency, provider, status,
         provider_order_id, idempotency_key, request_hash, created_at, updated_at)
       select o.id, o.user_id, 'starter', 100, 199, 'USD', 'stripe', 'created', o.session, o.key, 'storm', $2, $2
       from jsonb_to_recordset($1::jsonb) as o(id uuid, user_id uuid, session text, key text)`,
        [
          JSON.stringify(
            orders.map(({ index, orderId, buyer }) => ({
              id: orderId,
              user_id: buyer.id,
              session: `cs_test_storm${index}`,
              key: `storm-${index}`,
            })),
          ),
          now,
        ],
      );
      const events = orders.map(({ index, orderId, buyer }) =>
        stripeDelivery(env, {
          type: 'payment_intent.succeeded',
          object: {
            id: `pi_storm${index}`,
            object: 'payment_intent',
            amount: 199,
            amount_received: 199,
            currency: 'usd',
            status: 'succeeded',
            metadata: { orderId, userId: buyer.id, packId: 'starter' },
          },
        }),
      );
      const deliveries = shuffled(
        events.flatMap((event) => Array(10).fill(event) as Delivery[]),
        20261130,
      );
      expectAll2xx(await storm(deliveries));
      for (const buyer of buyers)
        expect(await purchaseGrants(env, buyer.id)).toEqual({ count: 25, sum: 2_500 });
      const { rows } = await env.t.db.executeSql(
        "select count(*)::int as n from payment_orders where request_hash = 'storm' and status = 'paid' and credits_granted = 100",
      );
      expect((rows[0] as { n: number }).n).toBe(100);
      await ledgerChecker(env.t.db).assertSound();
    },
    STORM_TIMEOUT_MS,
  );
});
