// bench/webhooks: verified Stripe events per second through the real endpoint (HTTP over loopback,
// autocannon against the server in its own process), half of the deliveries being duplicates of a
// recent event (some still in flight, so they wait on the first one's claim), against the bare
// signature check (the stripe SDK's constructEvent) and the platform's own scheme alone, in this
// process on the same bodies. The endpoint runs on embedded PGlite and, when DATABASE_URL is set,
// on a fresh PostgreSQL database created for the run and dropped after. Every delivery is signed by
// the SDK's test-header helper just before it is sent. Loopback only; under a minute in all.
// Usage: npm run bench:webhooks [-- --duration 3 --rounds 2 --connections 16]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stripeSignatureScheme } from '@app/platform';
import pg from 'pg';
import Stripe from 'stripe';
import { type ChildServer, type Figures, measure, median, startChildServer } from '../support.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '16' },
  },
});
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const secret = `whsec_bench_${randomBytes(16).toString('hex')}`;
const stripe = new Stripe('sk_test_bench_only');
const runId = randomBytes(4).toString('hex');
const began = performance.now();

interface Delivery {
  payload: string;
  signature: string;
}

function event(index: number, series = 'bare'): string {
  return JSON.stringify({
    id: `evt_bench_${runId}_${series}_${index}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: Math.floor(Date.now() / 1000),
    type: 'customer.subscription.updated',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: `sub_bench_${index}`,
        object: 'subscription',
        customer: `cus_bench_${index}`,
        status: 'active',
        cancel_at_period_end: false,
        current_period_end: 1767225600 + index,
        items: {
          object: 'list',
          data: [{ id: `si_${index}`, price: { id: 'price_pro', unit_amount: 4900 } }],
        },
        metadata: { organisationId: `org_${index}`, tier: 'pro' },
      },
    },
  });
}

const sign = (payload: string): Delivery => ({
  payload,
  signature: stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    timestamp: Math.floor(Date.now() / 1000),
  }),
});

/** Every other delivery repeats one of the last few new events, as retries and fan-outs do. */
function deliveries(series: string) {
  const recent: Delivery[] = [];
  let sent = 0;
  return (): Delivery => {
    sent++;
    if (sent % 2 === 0 && recent.length > 0)
      return recent[Math.floor(Math.random() * recent.length)] as Delivery;
    const fresh = sign(event(sent, series));
    recent.push(fresh);
    if (recent.length > 8) recent.shift();
    return fresh;
  };
}

const serverEnv = (env: Record<string, string>) => ({
  NODE_ENV: 'production',
  // A bench server has no load balancer to drain: stop at once.
  SHUTDOWN_DRAIN_MS: '0',
  PORT: '0',
  LOG_LEVEL: 'warn',
  REDIS_URL: '',
  // Stripe delivers from a few addresses; the endpoint is exempt from limits anyway.
  RATE_LIMIT_ENABLED: 'false',
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
  BENCH_WEBHOOK_SECRET: secret,
  BENCHWEBHOOKS_JWT_SECRET: 'bench-only-secret-that-is-long-enough-0123456789',
  BENCHWEBHOOKS_ENCRYPTION_KEY: 'bench-only-encryption-key-long-enough-0123456789',
  ...env,
});

interface Result extends Figures {
  rounds: Figures[];
}

/** Loads one server: a short warm-up, then `rounds` timed runs; the median run is the result. */
async function loadEndpoint(server: ChildServer, label: string): Promise<Result> {
  const load = (seconds: number, series: string) => {
    const next = deliveries(`${label}_${series}`);
    return measure({
      url: `${server.url}/webhooks/stripe`,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const delivery = next();
            return {
              ...request,
              headers: { 'content-type': 'application/json', 'stripe-signature': delivery.signature },
              body: delivery.payload,
            };
          },
        },
      ],
    });
  };
  await load(1, 'warm');
  const measured: Figures[] = [];
  for (let round = 0; round < rounds; round++) measured.push(await load(duration, `r${round}`));
  return { ...median(measured), rounds: measured };
}

/** Checks per second of `check` over pre-signed deliveries, for `seconds`, in this process. */
function checksPerSecond(check: (delivery: Delivery) => unknown, seconds: number): number {
  const pool = Array.from({ length: 1000 }, (_, index) => sign(event(index)));
  let done = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (performance.now() < deadline) {
    for (let index = 0; index < 100; index++) check(pool[(done + index) % pool.length] as Delivery);
    done += 100;
  }
  return Math.round(done / ((performance.now() - started) / 1000));
}

const ours = stripeSignatureScheme({ secrets: [secret] });
const sdkPerSecond = checksPerSecond(
  (delivery) => stripe.webhooks.constructEvent(delivery.payload, delivery.signature, secret),
  1,
);
const schemePerSecond = checksPerSecond(
  (delivery) =>
    ours.verify(
      Buffer.from(delivery.payload),
      { 'stripe-signature': delivery.signature },
      Math.floor(Date.now() / 1000),
    ),
  1,
);

// Both servers start together (starting is most of the wall time on a loaded machine), then are
// loaded one after the other.
const dataDir = mkdtempSync(join(tmpdir(), 'bench-webhooks-'));
const postgresUrl = process.env.DATABASE_URL;
const database = `bench_webhooks_${runId}`;
const admin = postgresUrl ? new pg.Client({ connectionString: postgresUrl }) : null;
const servers: Record<string, ChildServer> = {};
const results: Record<string, Result> = {};
try {
  const starting: Promise<void>[] = [
    startChildServer('bench/webhooks/server.ts', serverEnv({ DATA_DIR: dataDir, DATABASE_URL: '' })).then(
      (server) => {
        servers.pglite = server;
      },
    ),
  ];
  if (admin && postgresUrl) {
    await admin.connect();
    await admin.query(`create database ${database}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    starting.push(
      startChildServer(
        'bench/webhooks/server.ts',
        serverEnv({ DATA_DIR: join(dataDir, 'postgres'), DATABASE_URL: url.toString() }),
      ).then((server) => {
        servers.postgres = server;
      }),
    );
  }
  await Promise.all(starting);
  for (const [backend, server] of Object.entries(servers))
    results[backend] = await loadEndpoint(server, backend);
} finally {
  await Promise.all(Object.values(servers).map((server) => server.stop()));
  if (admin) {
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
    await admin.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
}

console.log('bare signature checks per second (one core, no HTTP, no database):');
console.log(`  stripe SDK constructEvent: ${sdkPerSecond}`);
console.log(`  platform stripeSignatureScheme.verify: ${schemePerSecond}`);
for (const [backend, figures] of Object.entries(results)) {
  console.log(
    `endpoint on ${backend} (${connections} connections, 50% duplicates, median of ${rounds} x ${duration} s): ` +
      `${figures.requestsPerSecond} deliveries/s, p50 ${figures.p50} ms, p99 ${figures.p99} ms, non-2xx/errors ${figures.errors}` +
      ` (rounds: ${figures.rounds.map((round) => round.requestsPerSecond).join(', ')})`,
  );
}
const summary = Object.entries(results)
  .map(
    ([backend, figures]) =>
      `${backend} ${figures.requestsPerSecond}/s (${((figures.requestsPerSecond / sdkPerSecond) * 100).toFixed(1)}% of bare)`,
  )
  .join(', ');
const wall = ((performance.now() - began) / 1000).toFixed(0);
console.log(`webhooks summary: bare SDK check ${sdkPerSecond}/s; endpoint ${summary}; ${wall} s in all`);
