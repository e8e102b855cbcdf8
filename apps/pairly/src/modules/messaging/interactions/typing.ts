// Owns typing indicators: never stored, kept only as a timer on the instance whose socket sent the
// `typing` frame. The first `active: true` of a user in a conversation (participants who may
// message the other: no block either way, not restricted; the same refusals as a send) tells the
// other participant `typing {active: true, ttlMs}`; renewals within `ttlMs` only restart the timer
// (no event; the refusals are checked again at most once per `ttlMs`). The other participant is
// told `active: false` when the typist says so, sends a message (through this instance), closes the
// socket that was typing, or lets `ttlMs` pass without a renewal, unless the two are now blocked
// either way: a block ends their indicators silently (at once on the instance that stored it).
// Events are ephemeral: shed first under backpressure, and a client drops an indicator by itself
// after `ttlMs` anyway.
import { performance } from 'node:perf_hooks';
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
  /** When the refusals (block, restriction) were last checked, in ms of performance.now(). */
  checkedAt: number;
}

export function createTyping(context: PairlyContext, options: InteractionOptions) {
  const { logger, messaging, realtime, safety } = context;
  const active = new Map<string, ActiveTyping>();
  const keyOf = (conversationId: string, userId: string) => `${conversationId}:${userId}`;

  async function tell(entry: ActiveTyping, isTyping: boolean): Promise<void> {
    const { conversationId, userId, peerId } = entry;
    try {
      // A stop is never told across a block (the start was checked as it began).
      if (!isTyping && (await safety.isBlockedEitherWay(userId, peerId))) return;
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

  /** Forgets an indicator without telling anyone; answers it when there was one. */
  function drop(conversationId: string, userId: string): ActiveTyping | undefined {
    const key = keyOf(conversationId, userId);
    const entry = active.get(key);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    active.delete(key);
    return entry;
  }

  /** Ends the user's typing in the conversation, if this instance has it, and tells the peer. */
  async function stop(conversationId: string, userId: string): Promise<void> {
    const entry = drop(conversationId, userId);
    if (entry) await tell(entry, false);
  }

  /** Restarts the expiry timer: a renewal, refused (and ended silently) when the refusals apply now. */
  async function renew(entry: ActiveTyping, connection: RealtimeConnection): Promise<void> {
    if (performance.now() - entry.checkedAt >= options.typingTtlMs) {
      entry.checkedAt = performance.now();
      try {
        await safety.assertMayMessage(entry.userId, entry.peerId);
      } catch (error) {
        drop(entry.conversationId, entry.userId);
        throw error;
      }
    }
    entry.connectionId = connection.id;
    entry.timer.refresh();
  }

  // A new block ends the indicators between the two at once, telling neither.
  safety.blocks.onBlocked((blockerId, blockedId) => {
    for (const entry of [...active.values()]) {
      const between = [entry.userId, entry.peerId];
      if (between.includes(blockerId) && between.includes(blockedId))
        drop(entry.conversationId, entry.userId);
    }
  });

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
        checkedAt: performance.now(),
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
