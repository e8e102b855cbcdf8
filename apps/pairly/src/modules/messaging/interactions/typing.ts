// Owns typing indicators: never stored, kept only as a timer on the instance whose socket sent the
// `typing` frame. The first `active: true` of a user in a conversation (participants who may
// message the other: no block either way, not restricted; the same refusals as a send) tells the other participant `typing {active: true, ttlMs}`; renewals within `ttlMs`
// only restart the timer (no event, no database read). The other participant is told
// `active: false` when the typist says so, sends a message (through this instance), closes the
// socket that was typing, or lets `ttlMs` pass without a renewal. Events are ephemeral: shed first
// under backpressure, and a client drops an indicator by itself after `ttlMs` anyway.
import type { RealtimeConnection } from '@app/platform';
import type { PairlyContext } from '../../context.js';
import type { InteractionOptions } from './options.js';

interface ActiveTyping {
  conversationId: string;
  userId: string;
  peerId: string;
  /** The socket that started or last renewed it. */
  connectionId: string;
  timer: NodeJS.Timeout;
}

export function createTyping(context: PairlyContext, options: InteractionOptions) {
  const { logger, messaging, realtime, safety } = context;
  const active = new Map<string, ActiveTyping>();
  const keyOf = (conversationId: string, userId: string) => `${conversationId}:${userId}`;

  async function tell(entry: ActiveTyping, isTyping: boolean): Promise<void> {
    const { conversationId, userId, peerId } = entry;
    try {
      await realtime.publishToUsers([peerId], {
        type: 'typing',
        delivery: 'ephemeral',
        payload: {
          conversationId,
          userId,
          active: isTyping,
          ...(isTyping && { ttlMs: options.typingTtlMs }),
        },
      });
    } catch (error) {
      logger.warn({ event: 'typing_publish_failed', conversationId, userId, err: error }, 'typing not told');
    }
  }

  /** Ends the user's typing in the conversation, if this instance has it, and tells the peer. */
  async function stop(conversationId: string, userId: string): Promise<void> {
    const key = keyOf(conversationId, userId);
    const entry = active.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    active.delete(key);
    await tell(entry, false);
  }

  /** Restarts the expiry timer: a renewal. */
  function renew(entry: ActiveTyping, connection: RealtimeConnection): void {
    entry.connectionId = connection.id;
    entry.timer.refresh();
  }

  return {
    /** `typing {active: true}`: starts (and tells the peer) or renews. */
    async start(connection: RealtimeConnection, conversationId: string): Promise<void> {
      const key = keyOf(conversationId, connection.userId);
      const current = active.get(key);
      if (current) return renew(current, connection);
      const { peerId } = await messaging.participation(connection.userId, conversationId);
      await safety.assertMayMessage(connection.userId, peerId);
      const raced = active.get(key);
      if (raced) return renew(raced, connection);
      const entry: ActiveTyping = {
        conversationId,
        userId: connection.userId,
        peerId,
        connectionId: connection.id,
        timer: setTimeout(() => void stop(conversationId, connection.userId), options.typingTtlMs),
      };
      active.set(key, entry);
      await tell(entry, true);
    },

    stop,

    /** The socket that was typing closed: its indicators end now rather than at expiry. */
    async stopConnection(connection: RealtimeConnection): Promise<void> {
      const typedThere = [...active.values()].filter((entry) => entry.connectionId === connection.id);
      await Promise.all(typedThere.map((entry) => stop(entry.conversationId, entry.userId)));
    },

    /** Drops every timer (the app is closing; nothing is stored). */
    close(): void {
      for (const entry of active.values()) clearTimeout(entry.timer);
      active.clear();
    },
  };
}

export type Typing = ReturnType<typeof createTyping>;
