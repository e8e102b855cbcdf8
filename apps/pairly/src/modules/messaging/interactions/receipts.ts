// Owns receipts: each participant's delivered and read markers ("every message up to this seq"),
// stored per (conversation, user) and only ever moved forward; read implies delivered; a marker past
// the conversation's latest message is refused. A change is pushed to both participants as an
// ephemeral `receipt` event, coalesced per (conversation, user) on this instance: the first change
// starts a timer of `receiptBatchMs`, later ones ride along, and the event carries the markers read
// back from the database when it fires. Ephemeral because the state is durable and re-readable
// (GET .../receipts, after a reconnect): a shed or lost event is superseded by the next one.
// A user with read receipts off still has their read marker stored (their unread counts) and sent
// to their own devices, but the other participant never sees it, nor an event for a read alone.
import { pairlyDb } from '../../../db.js';
import type { PairlyContext } from '../../context.js';
import { receiptBeyondLastSeq } from './errors.js';
import type { InteractionOptions } from './options.js';
import { advanceMarkers, type Markers, receiptsOf } from './repository.js';

export interface ReceiptChange {
  delivered?: number | undefined;
  read?: number | undefined;
}

export interface OwnMarkers extends Markers {
  conversationId: string;
}

export interface ConversationReceipts {
  conversationId: string;
  lastSeq: number;
  own: Markers;
  /** The other participant's markers; `read` is null when they keep read receipts to themselves. */
  peer: { userId: string; delivered: number; read: number | null };
}

interface PendingPush {
  timer: NodeJS.Timeout;
  deliveredMoved: boolean;
  readMoved: boolean;
}

export function createReceipts(context: PairlyContext, options: InteractionOptions) {
  const { db, clock, logger, messaging, realtime, safety } = context;
  const kysely = pairlyDb(db);
  const pending = new Map<string, PendingPush>();

  /** Pushes the user's current markers: to their own sockets, and what the peer may see to the peer. */
  async function push(conversationId: string, userId: string, moved: Omit<PendingPush, 'timer'>) {
    const participants = await receiptsOf(kysely, conversationId);
    const own = participants.find((entry) => entry.userId === userId);
    const peer = participants.find((entry) => entry.userId !== userId);
    if (!own || !peer) return;
    const event = (read: number | null) => ({
      type: 'receipt',
      delivery: 'ephemeral' as const,
      payload: { conversationId, userId, delivered: own.delivered, read },
    });
    const peerTold = moved.deliveredMoved || (moved.readMoved && own.sharesRead);
    const peerMayKnow = peerTold && !(await safety.isBlockedEitherWay(userId, peer.userId));
    if (peerMayKnow && own.sharesRead) {
      await realtime.publishToUsers([userId, peer.userId], event(own.read));
      return;
    }
    await realtime.publishToUsers([userId], event(own.read));
    if (peerMayKnow) await realtime.publishToUsers([peer.userId], event(null));
  }

  function schedule(conversationId: string, userId: string, moved: Omit<PendingPush, 'timer'>) {
    const key = `${conversationId}:${userId}`;
    const waiting = pending.get(key);
    if (waiting) {
      waiting.deliveredMoved ||= moved.deliveredMoved;
      waiting.readMoved ||= moved.readMoved;
      return;
    }
    const entry: PendingPush = {
      ...moved,
      timer: setTimeout(() => {
        pending.delete(key);
        push(conversationId, userId, entry).catch((error: unknown) =>
          logger.warn(
            { event: 'receipt_push_failed', conversationId, userId, err: error },
            'receipt stored but not pushed',
          ),
        );
      }, options.receiptBatchMs),
    };
    pending.set(key, entry);
  }

  return {
    /**
     * Moves the caller's markers forward (a lower value changes nothing) and answers where they
     * stand. `path` prefixes the field names in errors (`/body` over REST, empty for a frame).
     */
    async update(
      userId: string,
      conversationId: string,
      change: ReceiptChange,
      path: string,
    ): Promise<OwnMarkers> {
      const { lastSeq } = await messaging.participation(userId, conversationId);
      for (const field of ['delivered', 'read'] as const) {
        const value = change[field];
        if (value !== undefined && value > lastSeq) throw receiptBeyondLastSeq(`${path}/${field}`, lastSeq);
      }
      const to = { delivered: change.delivered ?? 0, read: change.read ?? 0 };
      const moved = await advanceMarkers(kysely, conversationId, userId, to, clock.now());
      if (moved) {
        schedule(conversationId, userId, moved);
        return { conversationId, delivered: moved.delivered, read: moved.read };
      }
      const own = (await receiptsOf(kysely, conversationId)).find((entry) => entry.userId === userId);
      return { conversationId, delivered: own?.delivered ?? 0, read: own?.read ?? 0 };
    },

    /** Both participants' markers as the caller may see them. */
    async get(userId: string, conversationId: string): Promise<ConversationReceipts> {
      const { lastSeq, peerId } = await messaging.participation(userId, conversationId);
      const participants = await receiptsOf(kysely, conversationId);
      const own = participants.find((entry) => entry.userId === userId);
      const peer = participants.find((entry) => entry.userId === peerId);
      return {
        conversationId,
        lastSeq,
        own: { delivered: own?.delivered ?? 0, read: own?.read ?? 0 },
        peer: {
          userId: peerId,
          delivered: peer?.delivered ?? 0,
          read: peer?.sharesRead ? peer.read : null,
        },
      };
    },

    /** Drops the pushes still waiting (the app is closing; the markers are stored). */
    close() {
      for (const entry of pending.values()) clearTimeout(entry.timer);
      pending.clear();
    },
  };
}

export type Receipts = ReturnType<typeof createReceipts>;
