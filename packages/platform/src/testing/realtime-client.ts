// Owns the WebSocket client tests use to talk to the realtime gateway on a real port, as an app
// would: connect (with an Origin), authenticate with the first frame, send requests correlated by
// `id` and wait for their reply or error, wait for server events by predicate, and see how the
// socket was closed. Every frame received is kept, so a test can also assert what did NOT arrive.
import WebSocket from 'ws';

export interface Frame {
  type: string;
  id?: string;
  [field: string]: unknown;
}

export interface ClosedWith {
  code: number;
  reason: string;
}

export interface RealtimeTestClient {
  socket: WebSocket;
  /** Every frame received so far, oldest first. */
  frames: Frame[];
  /** Settles when the socket has closed. */
  closed: Promise<ClosedWith>;
  sendRaw(data: string | Buffer): void;
  /** Sends `{type, id, ...fields}` and resolves with the matching `reply` or `error` frame. */
  request(type: string, fields?: Record<string, unknown>, timeoutMs?: number): Promise<Frame>;
  /** Resolves with the first frame (already received or still to come) the predicate accepts. */
  next(predicate: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  close(): Promise<ClosedWith>;
}

export interface RealtimeClientOptions {
  /** Sent as the Origin header; default none (a non-browser client). */
  origin?: string;
  /** Sends `{type:'auth', token}` at once and waits for `auth_ok` (rejects if the socket closes first). */
  token?: string;
  /** Extra upgrade request headers. */
  headers?: Record<string, string>;
  protocols?: string[];
  /** Answer the server's pings (default true); false plays a peer that is gone without closing. */
  autoPong?: boolean;
}

let requestCounter = 0;

/** Opens a socket to `url` (ws://127.0.0.1:port/path); rejects when the upgrade is refused, with the status. */
export async function openRealtimeClient(
  url: string,
  options: RealtimeClientOptions = {},
): Promise<RealtimeTestClient> {
  const socket = new WebSocket(url, options.protocols ?? [], {
    headers: { ...(options.origin ? { origin: options.origin } : {}), ...options.headers },
    autoPong: options.autoPong ?? true,
  });
  const frames: Frame[] = [];
  const waiters = new Set<{ predicate: (frame: Frame) => boolean; resolve: (frame: Frame) => void }>();
  socket.on('message', (data) => {
    let frame: Frame;
    try {
      frame = JSON.parse(String(data)) as Frame;
    } catch {
      frame = { type: 'unparseable', raw: String(data) };
    }
    frames.push(frame);
    for (const waiter of waiters) {
      if (waiter.predicate(frame)) {
        waiters.delete(waiter);
        waiter.resolve(frame);
      }
    }
  });
  const closed = new Promise<ClosedWith>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) =>
      reject(
        Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode }),
      ),
    );
    socket.once('error', reject);
  });

  function next(predicate: (frame: Frame) => boolean, timeoutMs = 5_000): Promise<Frame> {
    const seen = frames.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (frame: Frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`no matching frame within ${timeoutMs} ms; received: ${JSON.stringify(frames)}`));
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  const client: RealtimeTestClient = {
    socket,
    frames,
    closed,
    sendRaw: (data) => socket.send(data),
    request(type, fields = {}, timeoutMs) {
      const id = `r${++requestCounter}`;
      socket.send(JSON.stringify({ ...fields, type, id }));
      return next(
        (frame) => frame.id === id && (frame.type === 'reply' || frame.type === 'error'),
        timeoutMs,
      );
    },
    next,
    async close() {
      if (socket.readyState !== WebSocket.CLOSED) socket.close(1000, 'done');
      return closed;
    },
  };
  if (options.token !== undefined) {
    socket.send(JSON.stringify({ type: 'auth', token: options.token }));
    const outcome = await Promise.race([
      next((frame) => frame.type === 'auth_ok'),
      closed.then((how) => {
        throw Object.assign(new Error(`closed before auth_ok: ${how.code} ${how.reason}`), how);
      }),
    ]);
    if (outcome.type !== 'auth_ok') throw new Error('authentication failed');
  }
  return client;
}
