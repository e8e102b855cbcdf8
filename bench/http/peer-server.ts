// The peer bench/http compares the platform with: what a user would assemble from the fastify
// ecosystem's defaults for the same authenticated GET. fastify with its pino request log (two lines
// per request, pino's default synchronous stdout), @fastify/helmet, @fastify/cors and
// @fastify/rate-limit (in-memory store, per address) with their defaults, except a limit high enough
// never to refuse, and @fastify/jwt verifying an HS256 bearer token on every request (no cache).
// POST /token hands the bench a token; it prints its address on stdout once listening.
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import jwt from '@fastify/jwt';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';

const app = Fastify({ logger: true });
await app.register(helmet);
await app.register(cors);
await app.register(rateLimit, { max: 60_000_000, timeWindow: 60_000 });
await app.register(jwt, { secret: 'bench-only-secret-that-is-long-enough-0123456789' });

app.post('/token', async () => ({ accessToken: app.jwt.sign({ sub: 'bench-user' }, { expiresIn: '1h' }) }));
app.get('/guarded', { onRequest: (request) => request.jwtVerify() }, async () => ({ ok: true }));
app.get('/health', async () => ({ status: 'ok' }));

const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on ${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
