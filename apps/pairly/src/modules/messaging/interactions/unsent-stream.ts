// Owns the durable stream of unsends: `unsent:<conversationId>`, whose seq is the conversation's
// unsend seq (migration 0009). A `message.unsent` event carries the tombstone; the database is the
// truth, so the gateway replays what a socket missed after a gap or a lost pub/sub subscription
// through this StreamSource, a reconnecting client asks for what it missed with `unsent.resume`
// (the unsends after its last unsend seq per conversation, or `recovered: false` past the resume
// window, when it reloads history), and a REST client pages the tombstones after a seq.
import type { OutgoingEvent, RealtimeConnection, StreamSource } from '@app/platform';
import { pairlyDb } from '../../../db.js';
import type { PairlyContext } from '../../context.js';
import { type MessageView, toMessageView } from '../views.js';
import {
  lastUnsendSeq,
  type TombstoneRow,
  tombstonesAfter,
  unsendSeqsSince,
  userConversations,
} from './repository.js';

export const UNSENT_STREAM_PREFIX = 'unsent:';

/** Conversations a resync looks at beyond those the socket had seen (most recently unsent first). */
const RESYNC_CONVERSATIONS = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const unsentStreamOf = (conversationId: string) => `${UNSENT_STREAM_PREFIX}${conversationId}`;

export interface Unsend {
  unsendSeq: number;
  message: MessageView;
}

export type UnsentResumeResult =
  | { recovered: true; lastUnsendSeq: number; replayed: number }
  | { recovered: false; lastUnsendSeq: number; reason: 'window_exceeded' }
  | { recovered: false; reason: 'conversation_not_found' };

const toUnsend = (row: TombstoneRow): Unsend => ({
  unsendSeq: Number(row.unsend_seq),
  message: toMessageView(row),
});

/** The `message.unsent` event of a tombstone. */
export function unsentEvent(row: TombstoneRow): OutgoingEvent {
  const { unsendSeq, message } = toUnsend(row);
  return {
    type: 'message.unsent',
    delivery: 'durable',
    stream: { id: unsentStreamOf(message.conversationId), seq: unsendSeq },
    payload: { conversationId: message.conversationId, message },
  };
}

/** The conversation id of an `unsent:<id>` stream, if it is one. */
function conversationOf(streamId: string): string | undefined {
  if (!streamId.startsWith(UNSENT_STREAM_PREFIX)) return undefined;
  const id = streamId.slice(UNSENT_STREAM_PREFIX.length);
  return UUID.test(id) ? id : undefined;
}

export function createUnsentStream(context: PairlyContext) {
  const kysely = pairlyDb(context.db);
  const { messaging } = context;
  const window = messaging.options.resumeWindow;

  async function eventsAfter(conversationId: string, afterSeq: number, limit: number) {
    return (await tombstonesAfter(kysely, conversationId, afterSeq, limit)).map(unsentEvent);
  }

  const streamSource: StreamSource = {
    async after(connection, streamId, afterSeq, limit) {
      const conversationId = conversationOf(streamId);
      if (!conversationId) return [];
      const mine = await userConversations(kysely, connection.userId, [conversationId]);
      return mine.has(conversationId) ? eventsAfter(conversationId, afterSeq, limit) : [];
    },

    async resync(connection, seen) {
      const since = new Map<string, number>();
      for (const [streamId, seq] of seen) {
        const conversationId = conversationOf(streamId);
        if (conversationId) since.set(conversationId, seq);
      }
      // Conversations with unsends since the socket opened, which it may never have been sent.
      const moved = await unsendSeqsSince(
        kysely,
        connection.userId,
        connection.openedAt,
        RESYNC_CONVERSATIONS,
      );
      for (const [conversationId, seq] of moved)
        if (!since.has(conversationId)) since.set(conversationId, seq);
      const mine = await userConversations(kysely, connection.userId, [...since.keys()]);
      const events: OutgoingEvent[] = [];
      for (const [conversationId, afterSeq] of since) {
        if (mine.has(conversationId)) events.push(...(await eventsAfter(conversationId, afterSeq, window)));
      }
      return events;
    },
  };

  return {
    streamSource,

    /** The conversation's unsends after `afterSeq`, oldest first, for one of its participants. */
    async page(userId: string, conversationId: string, afterSeq: number, limit: number) {
      await messaging.participation(userId, conversationId);
      const rows = await tombstonesAfter(kysely, conversationId, afterSeq, limit + 1);
      return {
        items: rows.slice(0, limit).map(toUnsend),
        hasMore: rows.length > limit,
        lastUnsendSeq: await lastUnsendSeq(kysely, conversationId),
      };
    },

    /** Replays the unsends the socket missed of each conversation since the client's last unsend seq. */
    async resume(
      connection: RealtimeConnection,
      lastSeqs: Readonly<Record<string, number>>,
    ): Promise<Record<string, UnsentResumeResult>> {
      const results: Record<string, UnsentResumeResult> = {};
      const mine = await userConversations(kysely, connection.userId, Object.keys(lastSeqs));
      for (const [conversationId, clientSeq] of Object.entries(lastSeqs)) {
        if (!mine.has(conversationId)) {
          results[conversationId] = { recovered: false, reason: 'conversation_not_found' };
          continue;
        }
        const latest = await lastUnsendSeq(kysely, conversationId);
        if (latest - clientSeq > window) {
          results[conversationId] = { recovered: false, lastUnsendSeq: latest, reason: 'window_exceeded' };
          continue;
        }
        const stream = unsentStreamOf(conversationId);
        // Seen up to the client's seq first: a live event racing the replay is then a gap the
        // gateway repairs, and the replayed events it already sent are dropped as duplicates.
        connection.markSeen(stream, Math.min(clientSeq, latest));
        const events = await eventsAfter(conversationId, clientSeq, window);
        for (const event of events) connection.send(event);
        // Every unsend up to `latest` was committed before the read, so the client now has them all.
        connection.markSeen(stream, Math.max(latest, events.at(-1)?.stream?.seq ?? 0));
        results[conversationId] = { recovered: true, lastUnsendSeq: latest, replayed: events.length };
      }
      return results;
    },
  };
}

export type UnsentStream = ReturnType<typeof createUnsentStream>;
