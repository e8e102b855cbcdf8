// Owns one authenticated socket: the RealtimeConnection modules see, the bounded send path (ephemeral
// events dropped above the high-water mark, the socket closed 4008 rather than a durable event
// dropped), the ordered intake of client frames (one at a time, reading paused while too many wait),
// liveness by ping/pong, and per-stream seq tracking: duplicates dropped, a gap repaired from the
// stream's source before the event that revealed it, a resync after pub/sub was lost.
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import type { AuthContext } from '../auth/identity.js';
import type { Logger } from '../log/index.js';
import type { MessageLimiter } from '../ratelimit/message-limiter.js';
import type { RealtimeOptions } from './options.js';
import { eventText, REALTIME_CLOSE } from './protocol.js';
import type { Delivery, OutgoingEvent, RealtimeConnection, StreamSource } from './types.js';

export interface ConnectionSetup {
  id: string;
  auth: AuthContext;
  /** The client's address, as bans name it (`ip:<address>`). */
  address: string;
  openedAt: Date;
  socket: WebSocket;
  options: RealtimeOptions;
  logger: Logger;
  /** This socket's own message budget, and the refused frames it is forgiven before being closed. */
  limiters: { connection: MessageLimiter; refusals: MessageLimiter };
  /** The source a stream id's events are replayed from (by prefix), if any. */
  sourceFor(streamId: string): StreamSource | undefined;
  /** Handles one client frame (dispatch.ts); never throws. */
  dispatch(connection: LiveConnection, data: unknown, isBinary: boolean): Promise<void>;
  /** Called once when the socket is gone or being closed, with the code. */
  onRetired(connection: LiveConnection, code: number): void;
}

/** What the gateway holds besides the module-facing view. */
export interface LiveConnection extends RealtimeConnection {
  readonly address: string;
  readonly limiters: ConnectionSetup['limiters'];
  /** Starts reading frames; `early` ones (sent before auth_ok) are handled first. */
  start(early: readonly { data: unknown; isBinary: boolean }[]): void;
  /** Writes a gateway frame (reply, error); never shed. */
  reply(frame: Record<string, unknown>): void;
  /** One liveness round: pings, or terminates the socket when the last ping went unanswered. */
  checkAlive(): void;
  /** Asks every source for what this socket may have missed while pub/sub was down. */
  resync(sources: readonly StreamSource[]): void;
  /** For the disconnect log. */
  stats(): Record<string, number>;
}

type StreamPosition = NonNullable<OutgoingEvent['stream']>;

/** `ws` hands messages over as one Buffer (its default binaryType). */
const sizeOf = (data: unknown): number =>
  Buffer.isBuffer(data) ? data.length : Buffer.byteLength(String(data));

export function createConnection(setup: ConnectionSetup): LiveConnection {
  const { socket, options, logger, auth } = setup;
  const seen = new Map<string, number>();
  const startedAt = performance.now();
  const counts = { framesIn: 0, framesOut: 0, shed: 0, duplicates: 0, repaired: 0 };
  let closing = false;
  let alive = true;
  let pendingFrames = 0;
  let readingPaused = false;
  let inbox: Promise<void> = Promise.resolve();
  /** Stream work (repairs, resyncs) in progress; later stream events wait behind it. */
  let streamWork: Promise<void> | undefined;

  function retire(code: number): void {
    if (closing) return;
    closing = true;
    setup.onRetired(connection, code);
  }

  /** Writes one frame (JSON text) unless shed; a durable one that does not fit closes the socket. */
  function write(text: string, delivery: Delivery): boolean {
    if (closing) return false;
    const queued = socket.bufferedAmount;
    if (delivery === 'ephemeral' && queued > options.sendQueueHighWaterBytes) {
      counts.shed += 1;
      return false;
    }
    if (delivery === 'durable' && queued + Buffer.byteLength(text) > options.sendQueueMaxBytes) {
      logger.warn(
        { event: 'ws_slow_consumer', connectionId: setup.id, userId: auth.userId, queuedBytes: queued },
        'closing a socket that reads too slowly for its durable events',
      );
      connection.close(REALTIME_CLOSE.slowConsumer, 'slow consumer');
      return false;
    }
    socket.send(text);
    counts.framesOut += 1;
    return true;
  }

  /** Sends a stream event that is next (or after a gap that could not be repaired); drops a duplicate. */
  function place(event: OutgoingEvent, stream: StreamPosition): void {
    const last = seen.get(stream.id);
    if (last !== undefined && stream.seq <= last) {
      counts.duplicates += 1;
      return;
    }
    seen.set(stream.id, stream.seq);
    write(eventText(event), event.delivery);
  }

  function placeAll(events: readonly OutgoingEvent[]): void {
    for (const event of events) {
      if (event.stream) place(event, event.stream);
      else write(eventText(event), event.delivery);
    }
  }

  /** Fetches a stream's events after `last` up to `upTo` (exclusive) from its source, page by page. */
  async function repair(streamId: string, last: number, upTo: number): Promise<void> {
    const source = setup.sourceFor(streamId);
    if (!source) return;
    let after = last;
    while (!closing && after < upTo - 1) {
      const page = await source.after(connection, streamId, after, options.gapFetchLimit);
      placeAll(page);
      counts.repaired += page.length;
      const reached = seen.get(streamId) ?? after;
      if (page.length < options.gapFetchLimit || reached <= after) return;
      after = reached;
    }
  }

  /** Runs stream work after any already queued, so a stream's events leave in seq order. */
  function queueStreamWork(work: () => Promise<void>): void {
    const next = (streamWork ?? Promise.resolve()).then(work).catch((error: unknown) => {
      logger.error(
        { event: 'ws_stream_recovery_failed', connectionId: setup.id, err: error },
        'stream recovery failed',
      );
    });
    streamWork = next;
    void next.then(() => {
      if (streamWork === next) streamWork = undefined;
    });
  }

  function deliverStreamEvent(event: OutgoingEvent, stream: StreamPosition): void {
    const { id, seq } = stream;
    const last = seen.get(id);
    if (!streamWork && (last === undefined || seq <= last + 1)) {
      place(event, stream);
      return;
    }
    queueStreamWork(async () => {
      const before = seen.get(id);
      if (before !== undefined && seq > before + 1) {
        try {
          await repair(id, before, seq);
        } catch (error) {
          logger.error(
            { event: 'ws_gap_repair_failed', connectionId: setup.id, stream: id, err: error },
            'gap repair failed',
          );
        }
      }
      place(event, stream);
    });
  }

  function receive(data: unknown, isBinary: boolean): void {
    if (closing) return;
    if (sizeOf(data) > options.maxMessageBytes) {
      connection.close(REALTIME_CLOSE.messageTooBig, 'frame too large');
      return;
    }
    counts.framesIn += 1;
    pendingFrames += 1;
    if (pendingFrames >= options.maxPendingFrames && !readingPaused) {
      readingPaused = true;
      socket.pause();
    }
    inbox = inbox.then(async () => {
      try {
        if (!closing) await setup.dispatch(connection, data, isBinary);
      } catch (error) {
        logger.error(
          { event: 'ws_frame_failed', connectionId: setup.id, err: error },
          'frame handling failed',
        );
      } finally {
        pendingFrames -= 1;
        if (readingPaused && pendingFrames < options.maxPendingFrames) {
          readingPaused = false;
          socket.resume();
        }
      }
    });
  }

  const connection: LiveConnection = {
    id: setup.id,
    address: setup.address,
    userId: auth.userId,
    role: auth.role,
    sessionId: auth.sessionId,
    openedAt: setup.openedAt,
    get closing() {
      return closing;
    },
    data: new Map(),
    limiters: setup.limiters,
    send(event) {
      if (event.stream) deliverStreamEvent(event, event.stream);
      else write(eventText(event), event.delivery);
    },
    reply(frame) {
      write(JSON.stringify(frame), 'durable');
    },
    lastSeq: (streamId) => seen.get(streamId),
    markSeen(streamId, seq) {
      const last = seen.get(streamId);
      if (last === undefined || seq > last) seen.set(streamId, seq);
    },

    close(code, reason) {
      if (closing) return;
      socket.close(code, reason);
      retire(code);
    },

    start(early) {
      socket.on('message', receive);
      socket.on('pong', () => {
        alive = true;
      });
      socket.once('close', (code: number) => retire(code));
      for (const frame of early) receive(frame.data, frame.isBinary);
    },

    checkAlive() {
      if (closing) return;
      if (!alive) {
        socket.terminate();
        retire(REALTIME_CLOSE.abnormal);
        return;
      }
      alive = false;
      socket.ping();
    },

    resync(sources) {
      queueStreamWork(async () => {
        for (const source of sources) {
          if (closing) return;
          placeAll(await source.resync(connection, new Map(seen)));
        }
      });
    },

    stats: () => ({ ...counts, durationMs: Math.round(performance.now() - startedAt) }),
  };
  return connection;
}
