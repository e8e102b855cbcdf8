// bench/http: loads GET /health of the hiring app (full platform stack: security headers, request
// id, access log line, metrics) and of a raw node:http server with the same JSON, in one run, each
// in its own process on loopback, and prints req/s, p50/p99 latency and the app/raw ratio.
// Usage: npm run bench:http [-- --duration 5 --connections 50 --rounds 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Figures, measure, median, startChildServer } from '../support.js';

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

const load = (url: string, seconds: number) =>
  measure({ url: `${url}/health`, connections, duration: seconds });

const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
const appEnv = (logLevel: string, instance: string) => ({
  NODE_ENV: 'production',
  // A bench server has no load balancer to drain: stop at once.
  SHUTDOWN_DRAIN_MS: '0',
  PORT: '0',
  DATA_DIR: join(dataDir, instance),
  LOG_LEVEL: logLevel,
  HIRING_JWT_SECRET: 'bench-only-secret-that-is-long-enough-0123456789',
  HIRING_ENCRYPTION_KEY: 'bench-only-encryption-key-long-enough-0123456789',
});
const servers = {
  'raw node:http': await startChildServer('bench/http/raw-server.ts', {}),
  // One access-log line per request, as in production.
  'hiring /health': await startChildServer('apps/hiring/src/main.ts', appEnv('info', 'logged')),
  // The same stack without the per-request line: isolates what logging costs.
  'hiring /health, no request log': await startChildServer(
    'apps/hiring/src/main.ts',
    appEnv('warn', 'quiet'),
  ),
};
try {
  // Warm every server up (JIT, pools) before measuring.
  for (const server of Object.values(servers)) await load(server.url, 2);
  // Servers take turns round after round and each keeps its median round, so drift in machine
  // speed during the run affects all of them alike.
  const samples = new Map<string, Figures[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [name, server] of Object.entries(servers)) {
      samples.set(name, [...(samples.get(name) ?? []), await load(server.url, duration)]);
    }
  }
  const figures = Object.fromEntries([...samples].map(([name, runs]) => [name, median(runs)]));
  console.table(figures);
  const rps = (name: keyof typeof servers) => (figures[name] as Figures).requestsPerSecond;
  const raw = rps('raw node:http');
  console.log(`app/raw throughput ratio: ${(rps('hiring /health') / raw).toFixed(2)}`);
  console.log(`app without request log/raw: ${(rps('hiring /health, no request log') / raw).toFixed(2)}`);
  console.log(
    `logging cost (with/without request log): ${(rps('hiring /health') / rps('hiring /health, no request log')).toFixed(2)}`,
  );
  console.log(
    `(median of ${rounds} rounds of ${duration} s, ${connections} connections, loopback, each server in its own process)`,
  );
} finally {
  await Promise.allSettled(Object.values(servers).map((server) => server.stop()));
  rmSync(dataDir, { recursive: true, force: true });
}
