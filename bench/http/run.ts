// bench/http: loads GET /health of the hiring app (full platform stack: security headers, request
// id, access log line, metrics) and of a raw node:http server with the same JSON, in one run, each
// in its own process on loopback, and prints req/s, p50/p99 latency and the app/raw ratio.
// Usage: npm run bench:http [-- --duration 10 --connections 50]
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Server {
  url: string;
  child: ChildProcess;
}

function startServer(entry: string, env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(seen);
      if (!match?.[1]) return;
      // Keep draining the access log so the server never blocks on a full pipe.
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      resolve({ url: match[1], child });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before listening`)));
  });
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, seconds: number): Promise<Figures> {
  const result = await autocannon({ url: `${url}/health`, connections, duration: seconds, pipelining: 1 });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
const raw = await startServer('bench/http/raw-server.ts', {});
const app = await startServer('apps/hiring/src/main.ts', {
  NODE_ENV: 'production',
  PORT: '0',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
  HIRING_JWT_SECRET: 'bench-only-secret-that-is-long-enough-0123456789',
  HIRING_ENCRYPTION_KEY: 'bench-only-encryption-key-long-enough-0123456789',
  HIRING_STRIPE_WEBHOOK_SECRET: 'bench-only-webhook-secret-long-enough-0123456789',
});
try {
  // Warm both up (JIT, connection pools) before measuring, then alternate to share any drift.
  await load(raw.url, 2);
  await load(app.url, 2);
  const rawFigures = await load(raw.url, duration);
  const appFigures = await load(app.url, duration);
  const ratio = appFigures.requestsPerSecond / rawFigures.requestsPerSecond;
  console.table({ 'raw node:http': rawFigures, 'hiring /health': appFigures });
  console.log(
    `app/raw throughput ratio: ${ratio.toFixed(2)} (${connections} connections, ${duration} s each)`,
  );
} finally {
  await Promise.allSettled([stop(raw), stop(app)]);
  rmSync(dataDir, { recursive: true, force: true });
}
