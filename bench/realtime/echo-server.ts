// Baseline for bench/realtime: a bare `ws` server on 127.0.0.1 that sends every frame back as it
// came, with no authentication, parsing or storage, plus GET /bench/memory for the idle-socket
// comparison. It prints its address on stdout once listening, as the app does, so the bench starts
// both the same way.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { MEMORY_PATH, memorySnapshot } from './bench-routes.js';

const http = createServer((request, response) => {
  if (request.method === 'GET' && request.url === MEMORY_PATH) {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(memorySnapshot()));
    return;
  }
  response.writeHead(404).end();
});
const server = new WebSocketServer({ server: http, path: '/realtime' });
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address && typeof address === 'object')
    process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => {
  for (const socket of server.clients) socket.terminate();
  server.close();
  http.close(() => process.exit(0));
});
