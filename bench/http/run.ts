// bench/http: loads GET /health of the hiring app (full platform stack: security headers, request
// id, access log line, metrics) and of a raw node:http server with the same JSON, in one run, each
// in its own process on loopback, and prints req/s, p50/p99 latency and the app/raw ratio.
// Usage: npm run bench:http [-- --duration 10 --connections 50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measure, startChildServer } from '../support.js';

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } },
});
const duration = Number(values.duration);
const connections = Number(values.connections);

const load = (url: string, seconds: number) =>
  measure({ url: `${url}/health`, connections, duration: seconds });

const dataDir = mkdtempSync(join(tmpdir(), 'bench-http-'));
const raw = await startChildServer('bench/http/raw-server.ts', {});
const app = await startChildServer('apps/hiring/src/main.ts', {
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
  await Promise.allSettled([raw.stop(), app.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
}
