// bench/http: the HTTP hot path against raw node:http, in one run, each server in its own process on
// loopback with stdout going to a file. It loads:
// - raw node:http answering the same JSON (raw-server.ts): the baseline;
// - an authenticated GET through the whole platform stack (bench/auth/server.ts, GET /guarded): request
//   id and context, the access-log line (LOG_LEVEL=info, as in production), security headers, CORS,
//   load shedding, the memory rate limiter with the ban check (limits high enough never to refuse),
//   the access-token guard with its session revocation lookup, metrics; and the same on Redis (limiter
//   and key-value store) when REDIS_URL is set;
// - the ecosystem peer for the same route (peer-server.ts);
// - GET /health of the same platform server, and of one logging nothing at info (no access line).
//   (The kernel's /health passes every hook an app's routes do; the apps add no request hooks of
//   their own, and the bench server starts in seconds where an app's embedded database takes a
//   minute on a busy machine.)
// For each it prints req/s, p50/p99 latency and the CPU time the server process spent per request
// (utime + stime from /proc/<pid>/stat, steadier than req/s on a shared machine), each as a ratio to
// raw, and last the line `hot path: authenticated GET / raw node:http = …`. Where taskset exists and
// there are two CPUs or more, the servers run on CPU 1 and the load generator on CPU 0, so the two
// never compete for one core. Each server is warmed up with 10,000 requests (the JIT's tiers need
// requests, not seconds) before the rounds start.
// Usage: npm run bench:http [-- --duration 5 --connections 50 --rounds 3]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { type ChildServer, startChildServer } from '../support.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
  },
});
const rounds = Number(values.rounds);
const duration = Number(values.duration);
const connections = Number(values.connections);
const redisUrl = process.env.REDIS_URL;

interface Sample {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time of the server process per completed request, in microseconds. */
  cpuUsPerRequest: number;
}

interface Load {
  server: ChildServer;
  path: string;
  headers?: Record<string, string>;
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU time (user + system, all threads) the process has used, in microseconds; NaN without /proc. */
function cpuMicroseconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1e6;
  } catch {
    return Number.NaN;
  }
}

/** Pins a process and all its threads to `cpus`; false where taskset is missing or refuses. */
function pin(pid: number | undefined, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const pinned = availableParallelism() >= 2 && pin(process.pid, '0');

async function start(entry: string, env: Record<string, string>): Promise<ChildServer> {
  const server = await startChildServer(entry, env);
  if (pinned) pin(server.child.pid, '1');
  return server;
}

async function measure(
  { server, path, headers }: Load,
  length: { duration: number } | { amount: number },
): Promise<Sample> {
  const cpuBefore = cpuMicroseconds(server.child.pid);
  const result = await autocannon({
    url: `${server.url}${path}`,
    connections,
    ...length,
    ...(headers ? { headers } : {}),
  });
  const cpu = cpuMicroseconds(server.child.pid) - cpuBefore;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    cpuUsPerRequest: Math.round(cpu / Math.max(1, result.requests.total)),
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
const platformEnv = (instance: string, extra: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  // A bench server has no load balancer to drain: stop at once.
  SHUTDOWN_DRAIN_MS: '0',
  PORT: '0',
  DATA_DIR: join(dataDir, instance),
  DATABASE_URL: '',
  REDIS_URL: '',
  LOG_LEVEL: 'info',
  ...extra,
});
const limitsThatNeverRefuse = {
  RATE_LIMIT_DEFAULT_PER_MINUTE: '60000000',
  RATE_LIMIT_AUTH_PER_MINUTE: '60000000',
  RATE_LIMIT_BAN_THRESHOLD_PER_MINUTE: '60000000',
  RATE_LIMIT_ADDRESS_BAN_THRESHOLD_PER_MINUTE: '60000000',
  ACCESS_TOKEN_TTL_SECONDS: '1800',
  BENCHAUTH_JWT_SECRET: 'bench-only-secret-that-is-long-enough-0123456789',
  BENCHAUTH_ENCRYPTION_KEY: 'bench-only-encryption-key-long-enough-0123456789',
};

/** A bearer header from `path`; retried while a server that has just started still sheds load (503). */
async function bearer(url: string, path: string, body: object): Promise<Record<string, string>> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const { accessToken } = (await response.json()) as { accessToken?: string };
    if (accessToken) return { authorization: `Bearer ${accessToken}` };
    if (response.status !== 503 || attempt === 10) {
      throw new Error(`${path} gave no access token (${response.status})`);
    }
    await sleep(1_000);
  }
}

async function platformLoad(instance: string, extra: Record<string, string> = {}): Promise<Load> {
  const server = await start(
    'bench/auth/server.ts',
    platformEnv(instance, { ...limitsThatNeverRefuse, ...extra }),
  );
  const account = { email: 'bench@example.com', password: 'bench password that is long enough' };
  const headers = await bearer(server.url, '/auth/signup', { ...account, role: 'member' });
  return { server, path: '/guarded', headers };
}

const AUTH = 'authenticated GET, memory limiter';
const AUTH_REDIS = 'authenticated GET, Redis';
const PEER = 'peer: fastify + helmet + cors + rate-limit + jwt + pino log';
const RAW = 'raw node:http';
const HEALTH = 'GET /health';
const HEALTH_QUIET = 'GET /health, no access line';

const loads: Record<string, Load> = {};
const raw = await start('bench/http/raw-server.ts', {});
const peer = await start('bench/http/peer-server.ts', {});
try {
  loads[RAW] = { server: raw, path: '/guarded' };
  const platform = await platformLoad('memory');
  loads[AUTH] = platform;
  if (redisUrl) {
    loads[AUTH_REDIS] = await platformLoad('redis', {
      REDIS_URL: redisUrl,
      RATE_LIMIT_KEY_PREFIX: `bench:${randomUUID()}:`,
    });
  }
  loads[PEER] = { server: peer, path: '/guarded', headers: await bearer(peer.url, '/token', {}) };
  loads[HEALTH] = { server: platform.server, path: '/health' };
  loads[HEALTH_QUIET] = {
    server: await start(
      'bench/auth/server.ts',
      platformEnv('quiet', { ...limitsThatNeverRefuse, LOG_LEVEL: 'warn' }),
    ),
    path: '/health',
  };

  // Warm every server up (JIT, pools) before measuring.
  for (const load of Object.values(loads)) await measure(load, { amount: 10_000 });
  // Servers take turns round after round, so drift in machine speed affects all of them alike.
  const samples = new Map<string, Sample[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, load] of Object.entries(loads)) {
      samples.set(name, [...(samples.get(name) ?? []), await measure(load, { duration })]);
    }
  }
  // Each keeps its median round by req/s (its latencies belong to that round); CPU per request is
  // the median of the rounds on its own.
  const figures = new Map<string, Sample>();
  for (const [name, runs] of samples) {
    const byRate = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
    const cpu = runs.map((run) => run.cpuUsPerRequest).sort((a, b) => a - b);
    const middle = Math.floor(runs.length / 2);
    figures.set(name, { ...(byRate[middle] as Sample), cpuUsPerRequest: cpu[middle] as number });
  }
  const baseline = figures.get(RAW) as Sample;
  const ratio = (name: string) =>
    (figures.get(name) as Sample).requestsPerSecond / baseline.requestsPerSecond;
  const cpuRatio = (name: string) => baseline.cpuUsPerRequest / (figures.get(name) as Sample).cpuUsPerRequest;
  console.table(
    Object.fromEntries(
      [...figures].map(([name, sample]) => [
        name,
        {
          'req/s': sample.requestsPerSecond,
          'p50 ms': sample.p50,
          'p99 ms': sample.p99,
          'cpu us/req': sample.cpuUsPerRequest,
          'req/s vs raw': ratio(name).toFixed(2),
          'cpu vs raw': cpuRatio(name).toFixed(2),
          errors: sample.errors,
        },
      ]),
    ),
  );
  const failed = [...figures].filter(([, sample]) => sample.errors > 0).map(([name]) => name);
  if (failed.length > 0) console.log(`WARNING: errors or non-2xx answers in: ${failed.join('; ')}`);
  console.log(
    `(median of ${rounds} rounds of ${duration} s, ${connections} connections, loopback, each server in its own process` +
      `${pinned ? ', servers on CPU 1 and the load generator on CPU 0' : ', not pinned to CPUs'}; ` +
      `"cpu vs raw" is raw's CPU per request over the server's, the throughput ratio a CPU-bound server would reach)`,
  );
  const summary = (name: string) =>
    `${ratio(name).toFixed(2)} (cpu us/req ${(figures.get(name) as Sample).cpuUsPerRequest} vs ${baseline.cpuUsPerRequest})`;
  console.log(`${HEALTH} / raw node:http = ${summary(HEALTH)}`);
  console.log(`${HEALTH_QUIET} / raw node:http = ${summary(HEALTH_QUIET)}`);
  if (redisUrl) console.log(`${AUTH_REDIS} / raw node:http = ${summary(AUTH_REDIS)}`);
  console.log(`${PEER} / raw node:http = ${summary(PEER)}`);
  console.log(
    `hot path: authenticated GET / raw node:http = ${summary(AUTH).replace(/\)$/, `; peer ${ratio(PEER).toFixed(2)})`)}`,
  );
} finally {
  const servers = new Set([raw, peer, ...Object.values(loads).map((load) => load.server)]);
  await Promise.allSettled([...servers].map((server) => server.stop()));
  rmSync(dataDir, { recursive: true, force: true });
}
