// Owns the baseline lanes of bench/realtime: sockets to the bare `ws` echo server, each sending
// frames shaped and sized like the paid phase's `message.send` and waiting for the same frame back
// (matched by its `id`). Latency is the round trip.
import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import { connect, createWaiters, type Lane, onFrame } from './load.js';

export const MESSAGE_BODY = 'Hello! Loved your last post, what camera do you use?';

export async function openEchoLanes(wsUrl: string, count: number, timeoutMs: number) {
  const sockets: WebSocket[] = [];
  const lanes: Lane[] = [];
  for (let index = 0; index < count; index++) {
    const socket = await connect(wsUrl);
    const conversationId = randomUUID();
    const echoed = createWaiters<number>(timeoutMs);
    onFrame(socket, (frame) => {
      if (frame.id) echoed.settle(frame.id, performance.now());
    });
    sockets.push(socket);
    lanes.push({
      async send(key) {
        const started = performance.now();
        socket.send(
          JSON.stringify({
            type: 'message.send',
            id: key,
            conversationId,
            clientMessageId: key,
            body: MESSAGE_BODY,
          }),
        );
        const arrived = await echoed.wait(key);
        return typeof arrived === 'number' ? { latencyMs: arrived - started } : arrived;
      },
    });
  }
  return { sockets, lanes };
}
