// bench/auth: on one server process, loads GET /open (no auth), GET /guarded (JWT verification plus
// the revocation lookup) and POST /auth/login (argon2id m=19456 t=2 p=1 in a bounded pool), and
// prints req/s, p50/p99 and each as a ratio to /open measured in the same run.
// Usage: npm run bench:auth [-- --duration 10 --connections 50]
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

const load = (options: Parameters<typeof measure>[0]) => measure({ connections, duration, ...options });

const dataDir = mkdtempSync(join(tmpdir(), 'bench-auth-'));
const server = await startChildServer('bench/auth/server.ts', {
  NODE_ENV: 'production',
  // A bench server has no load balancer to drain: stop at once.
  SHUTDOWN_DRAIN_MS: '0',
  PORT: '0',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  // The guard's cost is measured alone; the limiter has its own benchmark (bench/ratelimit).
  RATE_LIMIT_ENABLED: 'false',
  BENCHAUTH_JWT_SECRET: 'bench-only-secret-that-is-long-enough-0123456789',
  BENCHAUTH_ENCRYPTION_KEY: 'bench-only-encryption-key-long-enough-0123456789',
});
try {
  // Logins are spread over a pool of accounts, one in flight per account at most: concurrent
  // sign-ins to one account from one address are what the attempt throttle exists to refuse.
  const password = 'bench password that is long enough';
  const accounts = Array.from({ length: 32 }, (_, index) => ({
    email: `bench${index}@example.com`,
    password,
  }));
  let accessToken = '';
  for (const account of accounts) {
    const signUp = await fetch(`${server.url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...account, role: 'member' }),
    });
    accessToken = ((await signUp.json()) as { accessToken: string }).accessToken;
  }
  let nextAccount = 0;
  const guarded = { url: `${server.url}/guarded`, headers: { authorization: `Bearer ${accessToken}` } };
  await load({ url: `${server.url}/open`, duration: 2 });
  await load({ ...guarded, duration: 2 });
  const open = await load({ url: `${server.url}/open` });
  const withAuth = await load(guarded);
  const login = await load({
    url: `${server.url}/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          nextAccount = (nextAccount + 1) % accounts.length;
          return { ...request, body: JSON.stringify(accounts[nextAccount]) };
        },
      },
    ],
    connections: 8,
  });
  console.table({ 'GET /open': open, 'GET /guarded': withAuth, 'POST /auth/login (8 conns)': login });
  console.log(
    `guarded/open throughput ratio: ${(withAuth.requestsPerSecond / open.requestsPerSecond).toFixed(2)}`,
  );
  console.log(
    `login/open throughput ratio: ${(login.requestsPerSecond / open.requestsPerSecond).toFixed(4)}`,
  );
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
