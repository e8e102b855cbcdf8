// Owns closing the sockets of revoked sessions: at once when a revocation is published on the
// key-value channel (every instance follows it), and by a periodic re-check of the sessions this
// instance holds sockets for, the safety net for a notice lost while the store was unreachable (also
// run when the store restores its subscriptions). Closed sockets get 4401: sign in again. The same
// re-check closes the sockets of users and addresses banned since they connected (4003).
import { SESSION_REVOKED_CHANNEL } from '../auth/revocation.js';
import type { SessionService } from '../auth/sessions.js';
import type { KeyValueStore } from '../kv/types.js';
import type { Logger } from '../log/index.js';
import type { ConnectionIndex } from './connections.js';
import { REALTIME_CLOSE } from './protocol.js';

export interface SessionWatchSetup {
  kv: KeyValueStore;
  sessions: Pick<SessionService, 'isRevoked'>;
  /** True when any of the clients (`user:<id>`, `ip:<address>`) is banned. */
  isBanned(clients: readonly string[]): Promise<boolean>;
  connections: ConnectionIndex;
  recheckMs: number;
  logger: Logger;
}

export async function watchSessions(setup: SessionWatchSetup) {
  const { connections, logger } = setup;
  let rechecking = false;

  function closeSession(sessionId: string): void {
    for (const connection of connections.ofSession(sessionId)) {
      connection.close(REALTIME_CLOSE.unauthenticated, 'session ended');
    }
  }

  async function recheck(): Promise<void> {
    if (rechecking) return;
    rechecking = true;
    try {
      for (const sessionId of connections.sessionIds()) {
        if (await setup.sessions.isRevoked(sessionId)) closeSession(sessionId);
      }
      for (const connection of connections.all()) {
        if (await setup.isBanned([`user:${connection.userId}`, `ip:${connection.address}`])) {
          connection.close(REALTIME_CLOSE.banned, 'banned');
        }
      }
    } catch (error) {
      logger.warn({ event: 'ws_session_recheck_failed', err: error }, 'could not re-check sessions now');
    } finally {
      rechecking = false;
    }
  }

  const unsubscribe = await setup.kv.subscribe(SESSION_REVOKED_CHANNEL, (message) => {
    const ids = JSON.parse(message) as unknown;
    if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') closeSession(id);
  });
  const timer = setInterval(() => void recheck(), setup.recheckMs);
  timer.unref();

  return {
    recheck,
    async close(): Promise<void> {
      clearInterval(timer);
      await unsubscribe();
    },
  };
}
