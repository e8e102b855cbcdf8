// Slow senders cannot hold connections open: on a real port, a client that trickles its headers or
// stalls mid-body is disconnected once the configured deadline passes, while a normal request on
// the same server is served.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { kernelApp } from '../fixtures/kernel-app.js';

/**
 * Resolves with what the server sent once it closed the socket. A client that is never cut off
 * never resolves, and the test fails on its own timeout: no elapsed time is asserted (item 20).
 */
function watchClose(socket: Socket): Promise<{ received: string }> {
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  return new Promise((resolve) => socket.on('close', () => resolve({ received })));
}

describe('slow senders', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await buildTestApp(kernelApp, { env: { HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000' } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => t?.close());

  it('cuts off a client that never finishes its headers', async () => {
    const socket = connect(port, '127.0.0.1');
    const closed = watchClose(socket);
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
    const trickle = setInterval(() => socket.write('X-Slow: 1\r\n'), 200);
    const { received } = await closed;
    clearInterval(trickle);
    expect(received).toMatch(/^HTTP\/1.1 408/);
  });

  it('cuts off a client that stalls in the middle of its body', async () => {
    const socket = connect(port, '127.0.0.1');
    const closed = watchClose(socket);
    socket.write(
      'POST /widgets HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
    );
    const { received } = await closed;
    expect(received).not.toMatch(/^HTTP\/1.1 201/);
  });

  it('still serves a well-behaved client', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
  });
});
