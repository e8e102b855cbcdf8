// Baseline for bench/http: a bare node:http server answering GET /health with the same JSON body
// as the platform's liveness route. It prints its address on stdout once listening.
import { createServer } from 'node:http';

const body = JSON.stringify({ status: 'ok' });
const server = createServer((request, response) => {
  if (request.url === '/health') {
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
