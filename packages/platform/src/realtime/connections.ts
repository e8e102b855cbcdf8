// Owns this instance's index of authenticated sockets: by user (oldest first, with the message budget
// the user's sockets share here) and by session (so a revocation finds its sockets at once).
import type { MessageLimiter } from '../ratelimit/message-limiter.js';
import type { LiveConnection } from './connection.js';

interface UserEntry {
  connections: Set<LiveConnection>;
  limiter: MessageLimiter;
}

export function createConnectionIndex(newUserLimiter: () => MessageLimiter) {
  const users = new Map<string, UserEntry>();
  const sessions = new Map<string, Set<LiveConnection>>();
  let size = 0;

  return {
    get size() {
      return size;
    },

    add(connection: LiveConnection): void {
      let user = users.get(connection.userId);
      if (!user) {
        user = { connections: new Set(), limiter: newUserLimiter() };
        users.set(connection.userId, user);
      }
      user.connections.add(connection);
      let session = sessions.get(connection.sessionId);
      if (!session) {
        session = new Set();
        sessions.set(connection.sessionId, session);
      }
      session.add(connection);
      size += 1;
    },

    /** Returns true when it was indexed. */
    remove(connection: LiveConnection): boolean {
      const user = users.get(connection.userId);
      if (!user?.connections.delete(connection)) return false;
      if (user.connections.size === 0) users.delete(connection.userId);
      const session = sessions.get(connection.sessionId);
      session?.delete(connection);
      if (session?.size === 0) sessions.delete(connection.sessionId);
      size -= 1;
      return true;
    },

    /** The user's sockets here, oldest first. */
    of: (userId: string): LiveConnection[] => [...(users.get(userId)?.connections ?? [])],
    ofSession: (sessionId: string): LiveConnection[] => [...(sessions.get(sessionId) ?? [])],
    sessionIds: (): string[] => [...sessions.keys()],
    all: (): LiveConnection[] => [...users.values()].flatMap((user) => [...user.connections]),

    /** The budget the user's sockets here share; one is made for a user without sockets. */
    userLimiter(userId: string): MessageLimiter {
      return users.get(userId)?.limiter ?? newUserLimiter();
    },
  };
}

export type ConnectionIndex = ReturnType<typeof createConnectionIndex>;
