// Baseline for bench/http: a bare node:http server answering GET /health and GET /guarded with the
// same JSON bodies as the platform's routes (it checks nothing: the Authorization header the load
// sends is ignored). It prints its address on stdout once listening.
import { createServer } from 'node:http';

const bodies: Record<string, string> = {
  '/health': JSON.stringify({ status: 'ok' }),
  '/guarded': JSON.stringify({ ok: true }),
};
const server = createServer((request, response) => {
  const body = bodies[request.url ?? ''];
  if (body !== undefined) {
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
    return;
  }
  response.writeHead(404).end();
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object')
    process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
