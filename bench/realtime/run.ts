// bench/realtime: paid messages end to end through the pairly app's WebSocket gateway (charge +
// persist + deliver), against a bare `ws` echo server driven by the same load generator in the same
// run, and the server's memory per idle authenticated connection. Each server runs in its own
// process on loopback (the client sockets' memory is never counted); every phase is time-bounded.
// - echo: `lanes` sockets, each with `in-flight` frames outstanding, waiting for the frame back.
// - paid: `lanes` fans, each in a conversation with one of `creators` creators (price > 0, fans
//   funded); a message counts once the fan has its reply and the creator's socket its
//   `message.new`; latency is send -> the creator's receipt. Per-socket and per-user frame rates
//   are raised so a few closed-loop lanes can load the server (production allows 2 frames/s).
// - idle: `idle` authenticated sockets of `idle-users` users; the server's RSS/heap delta after a
//   full GC, divided by the sockets (the bare ws server's figure alongside).
// Usage: npm run bench:realtime [-- --seconds 3 --rounds 2 --lanes 32 --creators 32 --in-flight 1
//        --idle 5000 --idle-users 1000 --log-level info]
// Storage: PGlite embedded by default; PostgreSQL when DATABASE_URL is set (a throwaway database on
// that server, dropped at the end), Redis when REDIS_URL is set.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ChildServer, startChildServer } from '../support.js';
import { BENCH_TOKEN_HEADER } from './bench-routes.js';
import { openBenchStorage } from './database.js';
import { openEchoLanes } from './echo.js';
import { type IdleMemory, measureIdleMemory } from './idle.js';
import {
  closeAll,
  drive,
  type Lane,
  type PhaseResult,
  processCpuMs,
  type ServerCpu,
  summarise,
} from './load.js';
import { openPaidLanes } from './paid.js';
import { fund, openConversation, setMessagePrice, signUpUsers, spentSince } from './pairly-setup.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    lanes: { type: 'string', default: '32' },
    creators: { type: 'string' },
    'in-flight': { type: 'string', default: '1' },
    idle: { type: 'string', default: '5000' },
    'idle-users': { type: 'string', default: '1000' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const rounds = Number(values.rounds);
const laneCount = Number(values.lanes);
const creatorCount = Number(values.creators ?? laneCount);
const inFlight = Number(values['in-flight']);
const idleCount = Number(values.idle);
const idleUsers = Number(values['idle-users']);
const MESSAGE_PRICE = 10;
const OPENING_CREDITS = 1_000_000;
const TIMEOUT_MS = 10_000;
const runId = randomBytes(4).toString('hex');
const benchToken = randomBytes(16).toString('hex');

const wsUrlOf = (server: ChildServer) => `${server.url.replace('http://', 'ws://')}/realtime`;
const gcEnv = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() };
const load = () => loadavg()[0]?.toFixed(1);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

const storage = await openBenchStorage(process.env.DATABASE_URL ?? '', process.env.REDIS_URL ?? '');
const dataDir = mkdtempSync(join(tmpdir(), 'bench-realtime-'));
console.log(
  `bench:realtime: ${laneCount} lanes (${creatorCount} creators) x ${inFlight} in flight, ` +
    `${rounds} x ${seconds} s per variant after ${warmup} s warm-up; ${idleCount} idle sockets of ${idleUsers} users; ` +
    `${storage.description}`,
);
const loadBefore = load();
const servers: ChildServer[] = [];
try {
  const echoServer = await startChildServer('bench/realtime/echo-server.ts', gcEnv);
  servers.push(echoServer);
  const pairlyServer = await startChildServer('bench/realtime/server.ts', {
    ...gcEnv,
    ...storage.env,
    NODE_ENV: 'production',
    // A bench server has no load balancer to drain: stop at once.
    SHUTDOWN_DRAIN_MS: '0',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: values['log-level'] as string,
    PAIRLY_JWT_SECRET: 'bench-only-secret-that-is-long-enough-0123456789',
    PAIRLY_ENCRYPTION_KEY: 'bench-only-encryption-key-long-enough-0123456789',
    // Sign-up of a thousand users from one address is setup here, not abuse.
    RATE_LIMIT_AUTH_PER_MINUTE: '60000000',
    RATE_LIMIT_DEFAULT_PER_MINUTE: '60000000',
    RATE_LIMIT_BAN_THRESHOLD_PER_MINUTE: '60000000',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    BENCH_TOKEN: benchToken,
    BENCH_REALTIME_OPTIONS: JSON.stringify({
      maxSockets: idleCount + 1_000,
      maxSocketsPerUser: Math.ceil(idleCount / idleUsers) + 1,
      connectionRate: { limit: 1_000_000, periodMs: 1_000 },
      userRate: { limit: 1_000_000, periodMs: 1_000 },
    }),
  });
  servers.push(pairlyServer);

  const setupStarted = performance.now();
  const creators = await signUpUsers(pairlyServer.url, 'creator', creatorCount, runId);
  const fans = await signUpUsers(pairlyServer.url, 'fan', laneCount, runId);
  for (const creator of creators) await setMessagePrice(pairlyServer.url, creator, MESSAGE_PRICE);
  await fund(pairlyServer.url, benchToken, fans, OPENING_CREDITS);
  const pairs = [];
  for (const [index, fan] of fans.entries()) {
    const creator = creators[index % creatorCount] as (typeof creators)[number];
    pairs.push({ fan, creator, conversationId: await openConversation(pairlyServer.url, fan, creator) });
  }
  const idlers = await signUpUsers(pairlyServer.url, 'fan', idleUsers, `${runId}-idle`);
  console.log(
    `setup (sign-ups, prices, credits, conversations): ${((performance.now() - setupStarted) / 1_000).toFixed(1)} s`,
  );

  const echo = await openEchoLanes(wsUrlOf(echoServer), laneCount, TIMEOUT_MS);
  const paid = await openPaidLanes(wsUrlOf(pairlyServer), pairs, TIMEOUT_MS);
  const variants: Record<string, { lanes: Lane[]; serverCpuMs: () => Promise<ServerCpu> }> = {
    'bare ws echo': {
      lanes: echo.lanes,
      serverCpuMs: async () => ({ app: processCpuMs(echoServer.child.pid as number), database: 0 }),
    },
    'paid message': {
      lanes: paid.lanes,
      serverCpuMs: async () => ({
        app: processCpuMs(pairlyServer.child.pid as number),
        database: await storage.databaseCpuMs(),
      }),
    },
  };
  const phase = (name: string, duration: number) => ({
    seconds: duration,
    inFlight,
    // Keys become clientMessageIds: printable ASCII, no spaces.
    keyPrefix: `${runId}-${name.replaceAll(' ', '_')}`,
  });
  const warmUps = new Map<string, PhaseResult>();
  for (const [name, variant] of Object.entries(variants))
    warmUps.set(name, await drive(variant.lanes, { ...variant, ...phase(`${name}-warm`, warmup) }));
  // Variants take turns round after round, so drift in machine speed affects both alike.
  const samples = new Map<string, PhaseResult[]>(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, variant] of Object.entries(variants)) {
      samples
        .get(name)
        ?.push(await drive(variant.lanes, { ...variant, ...phase(`${name}-${round}`, seconds) }));
    }
  }
  await closeAll([...echo.sockets, ...paid.sockets]);
  // Every message the server accepted (answered with a reply) was charged once, and nothing else was.
  const accepted = [warmUps.get('paid message'), ...(samples.get('paid message') ?? [])].reduce(
    (sum, run) => sum + (run?.completed ?? 0) + (run?.errors.not_delivered ?? 0),
    0,
  );
  const charged = (await spentSince(pairlyServer.url, fans, OPENING_CREDITS)) / MESSAGE_PRICE;

  const idle: Record<string, IdleMemory> = {
    'bare ws (unauthenticated)': await measureIdleMemory({
      baseUrl: echoServer.url,
      wsUrl: wsUrlOf(echoServer),
      count: idleCount,
    }),
    'pairly gateway (authenticated)': await measureIdleMemory({
      baseUrl: pairlyServer.url,
      wsUrl: wsUrlOf(pairlyServer),
      count: idleCount,
      tokenOf: (index) => (idlers[index % idleUsers] as (typeof idlers)[number]).accessToken,
      headers: { [BENCH_TOKEN_HEADER]: benchToken },
    }),
  };

  const figures = Object.fromEntries([...samples].map(([name, runs]) => [name, summarise(runs)]));
  console.table(figures);
  for (const [name, runs] of samples) {
    const errors = runs.flatMap((run) => Object.entries(run.errors));
    if (errors.length > 0) console.log(`${name} errors:`, Object.fromEntries(errors));
  }
  console.table(
    Object.fromEntries(
      Object.entries(idle).map(([name, memory]) => [
        name,
        {
          sockets: memory.connections,
          'opened in s': Number(memory.openSeconds.toFixed(1)),
          'RSS KiB/conn': Number(kib(memory.rssPerConnection)),
          'heap KiB/conn': Number(kib(memory.heapPerConnection)),
          'external KiB/conn': Number(kib(memory.externalPerConnection)),
          'heap MiB before/open/closed': [memory.before, memory.open, memory.closed]
            .map((snapshot) => (snapshot.heapUsed / 1024 / 1024).toFixed(1))
            .join(' / '),
          'after GC': memory.open.collected,
        },
      ]),
    ),
  );
  const echoRow = figures['bare ws echo'] as ReturnType<typeof summarise>;
  const paidRow = figures['paid message'] as ReturnType<typeof summarise>;
  const ratio = paidRow['msgs/s'] / echoRow['msgs/s'];
  const gateway = idle['pairly gateway (authenticated)'] as IdleMemory;
  console.log(
    [
      `charges: ${charged} messages' worth of credits spent for ${accepted} messages accepted (${charged === accepted ? 'exact' : 'MISMATCH'})`,
      `paid messages: ${paidRow['msgs/s']}/s (target >= 2,000: ${verdict(paidRow['msgs/s'] >= 2_000)}), ` +
        `p99 ${paidRow['p99 ms']} ms (target < 50: ${verdict(paidRow['p99 ms'] < 50)}); ` +
        `${paidRow['msgs per server CPU-s']} per CPU-second of the server (${storage.cpuScope})`,
      `(${rounds} rounds of ${seconds} s per variant after ${warmup} s warm-up; ${availableParallelism()} CPUs shared by the ` +
        `load generator, both servers and the stores; load average ${loadBefore} before, ${load()} after)`,
      `realtime: paid msgs/s ${paidRow['msgs/s']} (p50 ${paidRow['p50 ms']} ms, p99 ${paidRow['p99 ms']} ms) = ` +
        `${ratio.toPrecision(2)} of bare ws echo ${echoRow['msgs/s']}/s; idle connection ` +
        `${kib(gateway.heapPerConnection + gateway.externalPerConnection)} KiB (heap + external; RSS delta ${kib(gateway.rssPerConnection)} KiB)`,
    ].join('\n'),
  );
} finally {
  await Promise.allSettled(servers.map((server) => server.stop()));
  await storage.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
