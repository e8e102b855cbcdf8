// Owns reading a conversation's messages back, as one of its participants sees them (messages they
// deleted for themselves left out, unsent ones as tombstones): REST history pages by seq, the
// realtime gateway's StreamSource for `conv:` streams (events after a seq; what a socket missed
// while the shared pub/sub was down), and `resume`, which replays what a reconnecting client missed
// per conversation in order, or answers `recovered: false` past the resume window.
import type { OutgoingEvent, RealtimeConnection, StreamSource } from '@app/platform';
import type { PairlyDb } from '../../db.js';
import type { Conversations } from './conversations.js';
import type { MessagingOptions } from './options.js';
import { isUuid } from './schemas.js';
import {
  CONVERSATION_STREAM_PREFIX,
  type MessageView,
  messageEvent,
  streamOf,
  toMessageView,
} from './views.js';

export interface HistoryQuery {
  before?: number;
  after?: number;
  limit: number;
}

export interface HistoryPage {
  /** Oldest first. */
  items: MessageView[];
  /** More messages beyond this page: newer ones when paging with `after` alone, older ones otherwise. */
  hasMore: boolean;
}

export type ResumeResult =
  | { recovered: true; lastSeq: number; replayed: number }
  | { recovered: false; lastSeq: number; reason: 'window_exceeded' | 'already_ahead' }
  | { recovered: false; reason: 'conversation_not_found' };

/** Conversations a resync looks at beyond those the socket had seen (most recently active first). */
const RESYNC_CONVERSATIONS = 100;

export function createHistory(db: PairlyDb, conversations: Conversations, options: MessagingOptions) {
  /** Messages visible to `userId`, seq in (after, before), oldest first, or the newest `limit` when going back. */
  async function visible(
    userId: string,
    conversationId: string,
    range: { after?: number; before?: number },
    limit: number,
    newestFirst: boolean,
  ) {
    const rows = await db
      .selectFrom('messages as m')
      .selectAll('m')
      .where('m.conversation_id', '=', conversationId)
      .$if(range.after !== undefined, (q) => q.where('m.seq', '>', range.after as number))
      .$if(range.before !== undefined, (q) => q.where('m.seq', '<', range.before as number))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('message_hidden as h')
              .select('h.message_id')
              .whereRef('h.message_id', '=', 'm.id')
              .where('h.user_id', '=', userId),
          ),
        ),
      )
      .orderBy('m.seq', newestFirst ? 'desc' : 'asc')
      .limit(limit)
      .execute();
    const messages = rows.map(toMessageView);
    return newestFirst ? messages.reverse() : messages;
  }

  /** The events of one conversation after `afterSeq`, oldest first, if the user is in it. */
  async function eventsAfter(userId: string, conversationId: string, afterSeq: number, limit: number) {
    const messages = await visible(userId, conversationId, { after: afterSeq }, limit, false);
    return messages.map(messageEvent);
  }

  /** The conversation id of a `conv:<id>` stream, if it is one. */
  function conversationOf(streamId: string): string | undefined {
    if (!streamId.startsWith(CONVERSATION_STREAM_PREFIX)) return undefined;
    const id = streamId.slice(CONVERSATION_STREAM_PREFIX.length);
    return isUuid(id) ? id : undefined;
  }

  /** The last seq of each of these conversations the user is in, in one query (others are left out). */
  async function lastSeqsOf(
    userId: string,
    conversationIds: readonly string[],
  ): Promise<Map<string, number>> {
    const ids = conversationIds.filter(isUuid);
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('conversations')
      .select(['id', 'last_seq'])
      .where('id', 'in', ids)
      .where((eb) => eb.or([eb('user_a', '=', userId), eb('user_b', '=', userId)]))
      .execute();
    return new Map(rows.map((row) => [row.id, Number(row.last_seq)]));
  }

  async function isParticipant(userId: string, conversationId: string): Promise<boolean> {
    try {
      await conversations.participation(userId, conversationId);
      return true;
    } catch {
      return false;
    }
  }

  const streamSource: StreamSource = {
    async after(connection, streamId, afterSeq, limit) {
      const conversationId = conversationOf(streamId);
      if (!conversationId || !(await isParticipant(connection.userId, conversationId))) return [];
      return eventsAfter(connection.userId, conversationId, afterSeq, limit);
    },

    async resync(connection, seen) {
      const since = new Map<string, number>();
      for (const [streamId, seq] of seen) {
        const conversationId = conversationOf(streamId);
        if (conversationId) since.set(conversationId, seq);
      }
      // Conversations that moved since the socket opened, which it may never have been sent.
      const moved = await db
        .selectFrom('conversations')
        .select('id')
        .where((eb) => eb.or([eb('user_a', '=', connection.userId), eb('user_b', '=', connection.userId)]))
        .where('last_message_at', '>=', connection.openedAt)
        .orderBy('last_message_at', 'desc')
        .limit(RESYNC_CONVERSATIONS)
        .execute();
      const movedFrom = await firstSeqsSince(
        moved.map((row) => row.id),
        connection.openedAt,
      );
      for (const [conversationId, seq] of movedFrom)
        if (!since.has(conversationId)) since.set(conversationId, seq);
      // Only the user's conversations with something after the seq cost a query of their own.
      const lastSeqs = await lastSeqsOf(connection.userId, [...since.keys()]);
      const events: OutgoingEvent[] = [];
      for (const [conversationId, afterSeq] of since) {
        if ((lastSeqs.get(conversationId) ?? afterSeq) <= afterSeq) continue;
        events.push(
          ...(await eventsAfter(connection.userId, conversationId, afterSeq, options.resumeWindow)),
        );
      }
      return events;
    },
  };

  /** For each conversation, the seq just before its first message sent at or after `at`. */
  async function firstSeqsSince(conversationIds: string[], at: Date): Promise<Map<string, number>> {
    if (conversationIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('messages')
      .select(['conversation_id', (eb) => eb.fn.min('seq').as('first_seq')])
      .where('conversation_id', 'in', conversationIds)
      .where('created_at', '>=', at)
      .groupBy('conversation_id')
      .execute();
    return new Map(rows.map((row) => [row.conversation_id, Number(row.first_seq) - 1]));
  }

  return {
    streamSource,

    async page(userId: string, conversationId: string, query: HistoryQuery): Promise<HistoryPage> {
      await conversations.participation(userId, conversationId);
      const forward = query.after !== undefined && query.before === undefined;
      const items = await visible(userId, conversationId, query, query.limit + 1, !forward);
      const hasMore = items.length > query.limit;
      // One extra row was read to know whether there are more: dropped at the far end of the page.
      return { items: hasMore ? (forward ? items.slice(0, -1) : items.slice(1)) : items, hasMore };
    },

    /** Replays what the socket missed of each conversation since the client's last seq. */
    async resume(
      connection: RealtimeConnection,
      lastSeqs: Readonly<Record<string, number>>,
    ): Promise<Record<string, ResumeResult>> {
      const results: Record<string, ResumeResult> = {};
      // One query answers which of the ids are the user's; only those with missed messages cost more.
      const known = await lastSeqsOf(connection.userId, Object.keys(lastSeqs));
      for (const [conversationId, clientSeq] of Object.entries(lastSeqs)) {
        const lastSeq = known.get(conversationId);
        if (lastSeq === undefined) {
          results[conversationId] = { recovered: false, reason: 'conversation_not_found' };
          continue;
        }
        if (connection.closing) break;
        const stream = streamOf(conversationId);
        const alreadySent = connection.lastSeq(stream);
        // Past the window, or this socket was already sent later events of the conversation (the
        // missed ones could no longer go out in order): the client refetches the history.
        if (lastSeq - clientSeq > options.resumeWindow || (alreadySent ?? 0) > clientSeq) {
          const reason = lastSeq - clientSeq > options.resumeWindow ? 'window_exceeded' : 'already_ahead';
          results[conversationId] = { recovered: false, lastSeq, reason };
          continue;
        }
        // From here the gateway places this stream's events after the client's seq, and repairs a gap
        // itself should a live event overtake the replay (duplicates are dropped).
        connection.markSeen(stream, Math.min(clientSeq, lastSeq));
        const events =
          lastSeq > clientSeq
            ? await eventsAfter(connection.userId, conversationId, clientSeq, options.resumeWindow)
            : [];
        for (const event of events) connection.send(event);
        results[conversationId] = { recovered: true, lastSeq, replayed: events.length };
      }
      return results;
    },
  };
}

export type History = ReturnType<typeof createHistory>;
