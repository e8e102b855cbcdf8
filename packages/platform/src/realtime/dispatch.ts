// Owns what happens to one client frame once a socket is authenticated: read it, charge it to the
// socket's and the user's message budgets (every frame, whatever its type), validate its fields,
// run its handler and answer with a reply or an error frame. A refused frame is answered
// `rate_limited`; a socket that keeps sending past its forgiven refusals is closed 4429. Nothing a
// handler throws escapes: an AppError becomes its error frame, anything else an `internal` one, logged.
import type { Logger } from '../log/index.js';
import type { MessageLimiter } from '../ratelimit/message-limiter.js';
import type { Catalog } from './catalog.js';
import type { LiveConnection } from './connection.js';
import { errorFrame, errorFrameFor, REALTIME_CLOSE, readClientFrame } from './protocol.js';

export interface DispatchSetup {
  catalog: Catalog;
  logger: Logger;
  /** The budget shared by the user's sockets on this instance. */
  userLimiter(userId: string): MessageLimiter;
}

export function createDispatcher(setup: DispatchSetup) {
  const { catalog, logger } = setup;
  /** Sockets whose last frame was refused, so a burst of refusals is logged once. */
  const limited = new WeakSet<LiveConnection>();

  /** Whether the frame may be handled; answers and, past the forgiven refusals, closes when not. */
  function admit(connection: LiveConnection, id: string | undefined): boolean {
    const own = connection.limiters.connection.take();
    const decision = own.allowed ? setup.userLimiter(connection.userId).take() : own;
    if (decision.allowed) {
      limited.delete(connection);
      return true;
    }
    const scope = own.allowed ? 'user' : 'connection';
    const forgiven = connection.limiters.refusals.take().allowed;
    if (!limited.has(connection) || !forgiven) {
      logger.warn(
        {
          event: 'ws_rate_limit_exceeded',
          connectionId: connection.id,
          userId: connection.userId,
          scope,
          closed: !forgiven,
        },
        forgiven ? 'WebSocket frames refused: rate limit' : 'WebSocket closed: rate limit exceeded again',
      );
    }
    limited.add(connection);
    if (!forgiven) {
      connection.close(REALTIME_CLOSE.rateLimited, 'rate limit exceeded');
      return false;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    connection.reply(
      errorFrame(id, 'rate_limited', 429, `Too many frames for this ${scope}; slow down.`, {
        retryAfterSeconds,
      }),
    );
    return false;
  }

  return async function dispatch(
    connection: LiveConnection,
    data: unknown,
    isBinary: boolean,
  ): Promise<void> {
    const reading = readClientFrame(data, isBinary);
    if ('problem' in reading) {
      if (admit(connection, reading.problem.id)) connection.reply(reading.problem);
      return;
    }
    const { frame } = reading;
    if (!admit(connection, frame.id)) return;
    const registered = catalog.handlerFor(frame.type);
    if (!registered) {
      return connection.reply(
        errorFrame(frame.id, 'unknown_type', 400, `There is no frame type "${frame.type}".`),
      );
    }
    try {
      registered.check(frame.fields);
      const data = await registered.handler(connection, frame.fields);
      if (frame.id !== undefined) connection.reply({ type: 'reply', id: frame.id, data: data ?? {} });
    } catch (error) {
      const [answer, log] = errorFrameFor(frame.id, error);
      if (log) {
        logger.error(
          { event: 'ws_handler_failed', connectionId: connection.id, frameType: frame.type, err: error },
          'realtime handler failed',
        );
      }
      connection.reply(answer);
    }
  };
}
