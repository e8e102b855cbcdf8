// bench/payments: credit grants per second through pairly's real purchase webhook
// (POST /webhooks/stripe: signature check, inbox claim, payments event router, applyPaidPayment,
// the credits ledger, the order's move to paid, in one transaction) when every payment arrives
// several times, against the platform's bare webhook endpoint (bench/webhooks' fixture: the same
// signature check and inbox, a handler that does nothing) loaded in the same run with the same
// deliveries, so the figure is a ratio. N orders are seeded in `created` (bench-only route, not
// measured); each is paid by one Stripe PaymentIntent announced by two events,
// checkout.session.completed and payment_intent.succeeded, and D deliveries per order cycle through
// them (so D = 4 is each event twice, as Stripe's retries do), all shuffled with a seed and sent at
// concurrency C over loopback HTTP, each phase cut off after `--seconds`. Both servers run in their
// own processes, on embedded PGlite, or, when DATABASE_URL is set, each on a throwaway PostgreSQL
// database created for the run and dropped after. At the end it checks that every answer was 2xx and
// that exactly one purchase transfer exists per order that got a delivery (N when none was cut off),
// and exits non-zero otherwise.
// Usage: npm run payments [-- --orders 500 --duplicates 4 --concurrency 16 --seconds 20 --seed 1]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Stripe from 'stripe';
import { openBenchStorage } from '../realtime/database.js';
import { type ChildServer, startChildServer } from '../support.js';
import {
  BENCH_TOKEN_HEADER,
  GRANTS_PATH,
  type GrantCounts,
  SEED_PATH,
  type SeededOrder,
} from './protocol.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '500' },
    duplicates: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
  },
});
const orders = Number(values.orders);
const duplicates = Number(values.duplicates);
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const seed = Number(values.seed);
for (const [name, value] of Object.entries({ orders, duplicates, concurrency, seconds })) {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a whole number >= 1`);
}

const runId = randomBytes(4).toString('hex');
const secret = `whsec_bench_${randomBytes(16).toString('hex')}`;
const benchToken = randomBytes(16).toString('hex');
const stripe = new Stripe('sk_test_bench_only');
const began = performance.now();
const load = () => loadavg()[0]?.toFixed(1);

interface Delivery {
  order: number;
  payload: string;
  signature: string;
}

/** A Stripe event as Stripe sends it, the object carrying our order id in its metadata. */
function stripeEvent(id: string, type: string, object: Record<string, unknown>): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });
}

/** The two events one paid order is announced by (both name the same PaymentIntent). */
function eventsOf(order: SeededOrder, index: number, series: string): string[] {
  const paymentIntent = `pi_${series}_${runId}_${index}`;
  const metadata = { orderId: order.orderId, userId: order.userId, packId: 'starter' };
  return [
    stripeEvent(`evt_${series}_${runId}_cs_${index}`, 'checkout.session.completed', {
      id: order.sessionId,
      object: 'checkout.session',
      mode: 'payment',
      status: 'complete',
      payment_status: 'paid',
      payment_intent: paymentIntent,
      amount_total: order.amount,
      currency: 'usd',
      client_reference_id: order.orderId,
      metadata,
    }),
    stripeEvent(`evt_${series}_${runId}_pi_${index}`, 'payment_intent.succeeded', {
      id: paymentIntent,
      object: 'payment_intent',
      status: 'succeeded',
      amount: order.amount,
      amount_received: order.amount,
      currency: 'usd',
      metadata,
    }),
  ];
}

/** Fisher–Yates with a seeded xorshift, so a run's order can be replayed. */
function shuffled<T>(items: T[], from: number): T[] {
  let state = from >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(next() * (index + 1));
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items;
}

function deliveriesOf(seeded: SeededOrder[], series = 'bench'): Delivery[] {
  const timestamp = Math.floor(Date.now() / 1000);
  const all: Delivery[] = [];
  seeded.forEach((order, index) => {
    const signed = eventsOf(order, index, series).map((payload) => ({
      payload,
      signature: stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
    }));
    for (let copy = 0; copy < duplicates; copy++) {
      all.push({ order: index, ...(signed[copy % signed.length] as (typeof signed)[number]) });
    }
  });
  return shuffled(all, seed);
}

interface Answer {
  status: number;
  body: string;
}

function post(agent: Agent, url: URL, delivery: Delivery): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(delivery.payload),
          'stripe-signature': delivery.signature,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(delivery.payload);
  });
}

interface Phase {
  sent: number;
  seconds: number;
  latencies: number[];
  failures: Map<string, number>;
  /** Orders that got at least one 2xx delivery. */
  delivered: Set<number>;
  cutOff: boolean;
}

/** Sends the deliveries in order from `concurrency` loops until done or `seconds` have passed. */
async function drive(server: ChildServer, deliveries: Delivery[]): Promise<Phase> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL('/webhooks/stripe', server.url);
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  const delivered = new Set<number>();
  let cursor = 0;
  const started = performance.now();
  const deadline = started + seconds * 1_000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (cursor < deliveries.length && performance.now() < deadline) {
        const delivery = deliveries[cursor++] as Delivery;
        const begun = performance.now();
        try {
          const answer = await post(agent, url, delivery);
          latencies.push(performance.now() - begun);
          if (answer.status >= 200 && answer.status < 300) delivered.add(delivery.order);
          else {
            const key = `${answer.status} ${answer.body.slice(0, 160)}`;
            failures.set(key, (failures.get(key) ?? 0) + 1);
          }
        } catch (error) {
          const key = (error as Error).message;
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1_000;
  agent.destroy();
  return {
    sent: cursor,
    seconds: elapsed,
    latencies,
    failures,
    delivered,
    cutOff: cursor < deliveries.length,
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number);

function figures(phase: Phase) {
  const sorted = [...phase.latencies].sort((a, b) => a - b);
  return {
    deliveriesPerSecond: Math.round(phase.sent / phase.seconds),
    p50: percentile(sorted, 0.5).toFixed(1),
    p99: percentile(sorted, 0.99).toFixed(1),
  };
}

async function call<T>(server: ChildServer, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      [BENCH_TOKEN_HEADER]: benchToken,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const baseEnv = {
  NODE_ENV: 'production',
  // A bench server has no load balancer to drain: stop at once.
  SHUTDOWN_DRAIN_MS: '0',
  PORT: '0',
  // At info, as in production (and the line support.ts waits for, "listening on", is logged at info).
  LOG_LEVEL: 'info',
  // Stripe delivers from a few addresses; the endpoints are exempt from limits anyway.
  RATE_LIMIT_ENABLED: 'false',
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
};

const databaseUrl = process.env.DATABASE_URL ?? '';
// Redis is left out of both: neither endpoint uses it on this path.
const pairlyStorage = await openBenchStorage(databaseUrl, '');
const bareStorage = await openBenchStorage(databaseUrl, '');
const dataDir = mkdtempSync(join(tmpdir(), 'bench-payments-'));
const servers: ChildServer[] = [];
let failed = false;
try {
  console.log(
    `bench:payments: ${orders} orders x ${duplicates} deliveries (2 events per payment), concurrency ${concurrency}, ` +
      `cut-off ${seconds} s per phase, seed ${seed}; ${pairlyStorage.description}; ` +
      `${availableParallelism()} cores, load average ${load()} at start`,
  );
  // Both servers start together (starting is most of the wall time on a loaded machine).
  const track = (server: ChildServer) => {
    servers.push(server);
    return server;
  };
  const [pairly, bare] = await Promise.all([
    startChildServer('bench/payments/server.ts', {
      ...baseEnv,
      ...pairlyStorage.env,
      DATA_DIR: join(dataDir, 'pairly'),
      PAIRLY_JWT_SECRET: 'bench-only-secret-that-is-long-enough-0123456789',
      PAIRLY_ENCRYPTION_KEY: 'bench-only-encryption-key-long-enough-0123456789',
      STRIPE_WEBHOOK_SECRET: secret,
      BENCH_TOKEN: benchToken,
    }).then(track),
    startChildServer('bench/webhooks/server.ts', {
      ...baseEnv,
      ...bareStorage.env,
      DATA_DIR: join(dataDir, 'bare'),
      BENCH_WEBHOOK_SECRET: secret,
      BENCHWEBHOOKS_JWT_SECRET: 'bench-only-secret-that-is-long-enough-0123456789',
      BENCHWEBHOOKS_ENCRYPTION_KEY: 'bench-only-encryption-key-long-enough-0123456789',
    }).then(track),
  ]);

  const setupStarted = performance.now();
  const { orders: seeded } = await call<{ orders: SeededOrder[] }>(pairly, 'POST', SEED_PATH, {
    runId,
    orders,
  });
  const deliveries = deliveriesOf(seeded);
  console.log(
    `setup (${orders} buyers and orders, ${deliveries.length} signed deliveries): ${((performance.now() - setupStarted) / 1_000).toFixed(1)} s`,
  );

  // A short warm-up of both (JIT, connections) on events of no order: the bare endpoint
  // acknowledges them, pairly's records them as unknown orders; neither grants.
  const warm = deliveriesOf(
    Array.from({ length: 50 }, (_, index) => ({
      orderId: '00000000-0000-4000-8000-000000000000',
      userId: '00000000-0000-4000-8000-000000000000',
      sessionId: `cs_test_warm_${runId}_${index}`,
      amount: 1,
      credits: 1,
    })),
    'warm',
  );
  await drive(bare, warm);
  await drive(pairly, warm);

  const bareLoad = load();
  const barePhase = await drive(bare, deliveries);
  const pairlyLoad = load();
  const pairlyPhase = await drive(pairly, deliveries);
  const counts = await call<GrantCounts>(pairly, 'GET', GRANTS_PATH);

  const bareFigures = figures(barePhase);
  const pairlyFigures = figures(pairlyPhase);
  const grants = counts.transfers;
  const grantsPerSecond = Math.round(grants / pairlyPhase.seconds);
  const expected = pairlyPhase.delivered.size;
  console.log(
    `bare inbox endpoint (bench/webhooks fixture): ${barePhase.sent} deliveries in ${barePhase.seconds.toFixed(1)} s = ` +
      `${bareFigures.deliveriesPerSecond} deliveries/s, p50 ${bareFigures.p50} ms, p99 ${bareFigures.p99} ms` +
      `${barePhase.cutOff ? ' (CUT OFF)' : ''}; load average ${bareLoad} before`,
  );
  console.log(
    `pairly /webhooks/stripe: ${pairlyPhase.sent} deliveries in ${pairlyPhase.seconds.toFixed(1)} s = ` +
      `${pairlyFigures.deliveriesPerSecond} deliveries/s, ${grantsPerSecond} grants/s (${grants} distinct grants), ` +
      `p50 ${pairlyFigures.p50} ms, p99 ${pairlyFigures.p99} ms${pairlyPhase.cutOff ? ' (CUT OFF)' : ''}; load average ${pairlyLoad} before`,
  );
  console.log(
    `ratio: pairly delivers at ${((pairlyFigures.deliveriesPerSecond / bareFigures.deliveriesPerSecond) * 100).toFixed(0)}% of the bare inbox's rate`,
  );

  const problems: string[] = [];
  for (const [label, phase] of [
    ['bare', barePhase],
    ['pairly', pairlyPhase],
  ] as const) {
    for (const [failure, count] of phase.failures) problems.push(`${label}: ${count} x ${failure}`);
  }
  if (grants !== expected) problems.push(`${grants} purchase transfers for ${expected} orders delivered`);
  if (counts.paid !== expected) problems.push(`${counts.paid} orders paid for ${expected} delivered`);
  if (counts.credits !== expected * (seeded[0]?.credits ?? 0))
    problems.push(`${counts.credits} credits granted, expected ${expected * (seeded[0]?.credits ?? 0)}`);
  if (counts.review !== 0) problems.push(`${counts.review} orders in review`);
  if (pairlyPhase.cutOff || barePhase.cutOff)
    console.log(
      `note: cut off after ${seconds} s; checked against the ${expected} orders that were delivered, not ${orders}`,
    );
  if (problems.length > 0) {
    failed = true;
    console.error(`FAILED checks:\n  ${problems.join('\n  ')}`);
  } else {
    console.log(
      `checks: every answer 2xx; exactly ${grants} purchase grants for ${expected} orders (${counts.credits} credits)`,
    );
  }
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  await pairlyStorage.drop();
  await bareStorage.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(`payments bench: ${((performance.now() - began) / 1_000).toFixed(0)} s in all`);
if (failed) process.exit(1);
