// Owns the paid-message lanes of bench/realtime: one authenticated socket per fan and per creator on
// the pairly gateway; a lane is a fan and the conversation it opened with its creator. Sending is
// the `message.send` frame; a message counts once the fan has its `reply` (charged and stored) AND
// the creator's socket has the `message.new` with the same clientMessageId (delivered). Its latency
// is send -> the creator's receipt; an `error` reply counts under its code.
import type WebSocket from 'ws';
import { MESSAGE_BODY } from './echo.js';
import { authenticate, connect, createWaiters, type Frame, type Lane, onFrame } from './load.js';
import type { BenchUser } from './pairly-setup.js';

export interface PaidPair {
  fan: BenchUser;
  creator: BenchUser;
  conversationId: string;
}

async function openAuthenticated(wsUrl: string, user: BenchUser): Promise<WebSocket> {
  const socket = await connect(wsUrl);
  await authenticate(socket, user.accessToken);
  return socket;
}

/** The clientMessageId of a `message.new` event (`{conversationId, message: {clientMessageId, …}}`). */
function deliveredKey(frame: Frame): string | undefined {
  const message = frame.message as { clientMessageId?: unknown } | undefined;
  return frame.type === 'message.new' && typeof message?.clientMessageId === 'string'
    ? message.clientMessageId
    : undefined;
}

export async function openPaidLanes(wsUrl: string, pairs: readonly PaidPair[], timeoutMs: number) {
  const sockets: WebSocket[] = [];
  // One socket (and one set of delivery waiters) per creator, shared by the lanes that pay them.
  const deliveriesTo = new Map<string, ReturnType<typeof createWaiters<number>>>();
  for (const creator of new Set(pairs.map((pair) => pair.creator))) {
    const socket = await openAuthenticated(wsUrl, creator);
    const deliveries = createWaiters<number>(timeoutMs);
    onFrame(socket, (frame) => {
      const key = deliveredKey(frame);
      if (key) deliveries.settle(key, performance.now());
    });
    sockets.push(socket);
    deliveriesTo.set(creator.id, deliveries);
  }
  const lanes: Lane[] = [];
  for (const { fan, creator, conversationId } of pairs) {
    const socket = await openAuthenticated(wsUrl, fan);
    const replies = createWaiters<true>(timeoutMs);
    onFrame(socket, (frame) => {
      if (frame.id === undefined) return;
      if (frame.type === 'reply') replies.settle(frame.id, true);
      else if (frame.type === 'error') replies.settle(frame.id, { error: String(frame.code) });
    });
    sockets.push(socket);
    const deliveries = deliveriesTo.get(creator.id) as ReturnType<typeof createWaiters<number>>;
    lanes.push({
      async send(key) {
        const started = performance.now();
        const delivered = deliveries.wait(key);
        socket.send(
          JSON.stringify({
            type: 'message.send',
            id: key,
            conversationId,
            clientMessageId: key,
            body: MESSAGE_BODY,
          }),
        );
        const replied = await replies.wait(key);
        if (replied !== true) {
          // Refused: nothing will be delivered; stop waiting for it.
          deliveries.settle(key, replied);
          return replied;
        }
        const arrived = await delivered;
        return typeof arrived === 'number' ? { latencyMs: arrived - started } : { error: 'not_delivered' };
      },
    });
  }
  return { sockets, lanes };
}
