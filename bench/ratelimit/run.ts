// bench/ratelimit: what the rate limiter adds per request. Loads the same limited route of the pairly
// app (GET /.well-known/jwks.json, default class, one client) with the limiter off, on the memory
// store and on Redis (when one answers at REDIS_URL or 127.0.0.1:6379), each in its own process on
// loopback, with limits high enough never to refuse; prints req/s, p50/p99, the ratio against "off"
// and the p99 added. Usage: npm run bench:ratelimit [-- --duration 5 --connections 50 --rounds 3]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ChildServer, type Figures, measure, median, startChildServer } from '../support.js';

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
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when a Redis answers PING within a second. */
function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

const load = (url: string, seconds: number) =>
  measure({ url: `${url}/.well-known/jwks.json`, connections, duration: seconds });

const dataDir = mkdtempSync(join(tmpdir(), 'bench-ratelimit-'));
const appEnv = (instance: string, extra: Record<string, string>) => ({
  NODE_ENV: 'production',
  // A bench server has no load balancer to drain: stop at once.
  SHUTDOWN_DRAIN_MS: '0',
  PORT: '0',
  DATA_DIR: join(dataDir, instance),
  LOG_LEVEL: 'info',
  DATABASE_URL: '',
  REDIS_URL: '',
  PAIRLY_JWT_SECRET: 'bench-only-secret-that-is-long-enough-0123456789',
  PAIRLY_ENCRYPTION_KEY: 'bench-only-encryption-key-long-enough-0123456789',
  // The most the configuration allows: every request is decided, none refused.
  RATE_LIMIT_DEFAULT_PER_MINUTE: '60000000',
  RATE_LIMIT_BAN_THRESHOLD_PER_MINUTE: '60000000',
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
  ...extra,
});
const servers: Record<string, ChildServer> = {
  off: await startChildServer('apps/pairly/src/main.ts', appEnv('off', { RATE_LIMIT_ENABLED: 'false' })),
  memory: await startChildServer('apps/pairly/src/main.ts', appEnv('memory', {})),
};
if (await redisAnswers(redisUrl)) {
  servers.redis = await startChildServer(
    'apps/pairly/src/main.ts',
    appEnv('redis', { REDIS_URL: redisUrl, RATE_LIMIT_KEY_PREFIX: `bench:${randomUUID()}:` }),
  );
} else {
  console.log(`no Redis answers at ${redisUrl}: measuring off and memory only`);
}
try {
  for (const server of Object.values(servers)) await load(server.url, 2);
  // Servers take turns round after round and each keeps its median round.
  const samples = new Map<string, Figures[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, server] of Object.entries(servers)) {
      samples.set(name, [...(samples.get(name) ?? []), await load(server.url, duration)]);
    }
  }
  const figures = Object.fromEntries([...samples].map(([name, runs]) => [name, median(runs)]));
  const off = figures.off as Figures;
  console.table(
    Object.fromEntries(
      Object.entries(figures).map(([name, f]) => [
        name,
        {
          ...f,
          'ratio vs off': Number((f.requestsPerSecond / off.requestsPerSecond).toFixed(2)),
          'p99 added (ms)': f.p99 - off.p99,
        },
      ]),
    ),
  );
  console.log(
    `(median of ${rounds} rounds of ${duration} s, ${connections} connections, loopback, each server in its own process)`,
  );
} finally {
  await Promise.allSettled(Object.values(servers).map((server) => server.stop()));
  rmSync(dataDir, { recursive: true, force: true });
}
