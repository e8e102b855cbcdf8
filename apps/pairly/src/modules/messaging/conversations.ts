// Owns conversations: opening one between two users (at least one a creator, one conversation per
// pair, refused as sending is: a block either way or a restricted opener), finding a conversation
// as one of its participants (anyone else gets the same 404 as for a missing one), listing a user's
// conversations most recently active first with a keyset cursor, the last visible message and the
// unread count, and the partners a user talks with (presence tells them of status changes).
import type { Clock } from '@app/platform';
import { type RawBuilder, sql } from 'kysely';
import type { PairlyDb } from '../../db.js';
import type { Safety } from '../safety/service.js';
import {
  conversationNotFound,
  conversationWithSelf,
  creatorRequired,
  invalidCursor,
  membersOnly,
  userNotFound,
} from './errors.js';
import { isUuid } from './schemas.js';
import { type MessageView, type StoredMessage, toMessageView } from './views.js';

/** Roles that may take part in conversations (staff accounts are not reachable this way). */
const MEMBER_ROLES = new Set(['fan', 'creator']);

export interface Participation {
  id: string;
  userId: string;
  peerId: string;
  lastSeq: number;
}

export interface ConversationView {
  id: string;
  peerId: string;
  createdAt: string;
  lastSeq: number;
  lastMessageAt: string | null;
  /** The latest message the caller has not deleted for themselves (a tombstone if unsent). */
  lastMessage: MessageView | null;
  /** Messages from the peer after the caller's read marker, not unsent or deleted by the caller. */
  unreadCount: number;
  /** What the caller pays per message now: the peer's price, or 0 (free, or the peer made messages free for subscribers and the caller is one). */
  messagePrice: number;
}

export interface ConversationPage {
  items: ConversationView[];
  nextCursor: string | null;
}

interface ConversationRow {
  id: string;
  user_a: string;
  user_b: string;
  created_at: Date;
  last_seq: number;
  last_message_at: Date | null;
  activity_at: Date;
  unread_count: number;
  last_message: StoredMessage | null;
  message_price: number | string;
}

function encodeCursor(row: ConversationRow): string {
  return Buffer.from(JSON.stringify([new Date(row.activity_at).toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('/querystring/cursor');
  }
  const [at, id] = Array.isArray(decoded) ? decoded : [];
  const date = new Date(typeof at === 'string' ? at : Number.NaN);
  const year = date.getUTCFullYear();
  if (typeof id !== 'string' || !isUuid(id) || Number.isNaN(year) || year < 1970 || year > 9999) {
    throw invalidCursor('/querystring/cursor');
  }
  return [date.toISOString(), id];
}

export function createConversations(db: PairlyDb, clock: Clock, safety: Safety) {
  /** The caller's conversations with their last message and unread count; `where` narrows them. */
  async function selectViews(userId: string, where: RawBuilder<unknown>, limit: number) {
    const { rows } = await sql<ConversationRow>`
      SELECT c.id, c.user_a, c.user_b, c.created_at, c.last_seq, c.last_message_at,
             coalesce(c.last_message_at, c.created_at) AS activity_at,
             (SELECT to_jsonb(m) FROM messages m
               WHERE m.conversation_id = c.id
                 AND NOT EXISTS (SELECT 1 FROM message_hidden h WHERE h.message_id = m.id AND h.user_id = ${userId})
               ORDER BY m.seq DESC LIMIT 1) AS last_message,
             (SELECT count(*) FROM messages m
               WHERE m.conversation_id = c.id AND m.sender_id <> ${userId} AND m.unsent_at IS NULL
                 AND m.seq > coalesce((SELECT r.read_seq FROM conversation_receipts r
                                        WHERE r.conversation_id = c.id AND r.user_id = ${userId}), 0)
                 AND NOT EXISTS (SELECT 1 FROM message_hidden h WHERE h.message_id = m.id AND h.user_id = ${userId})
             )::int AS unread_count,
             messaging_price_for(${userId}::uuid,
                                 CASE WHEN c.user_a = ${userId} THEN c.user_b ELSE c.user_a END,
                                 ${clock.now()}::timestamptz) AS message_price
      FROM conversations c
      WHERE (c.user_a = ${userId} OR c.user_b = ${userId}) AND ${where}
      ORDER BY coalesce(c.last_message_at, c.created_at) DESC, c.id DESC
      LIMIT ${limit}
    `.execute(db);
    return rows;
  }

  function toView(userId: string, row: ConversationRow): ConversationView {
    const lastMessage =
      typeof row.last_message === 'string' ? JSON.parse(row.last_message) : row.last_message;
    return {
      id: row.id,
      peerId: row.user_a === userId ? row.user_b : row.user_a,
      createdAt: new Date(row.created_at).toISOString(),
      lastSeq: Number(row.last_seq),
      lastMessageAt: row.last_message_at ? new Date(row.last_message_at).toISOString() : null,
      lastMessage: lastMessage ? toMessageView(lastMessage) : null,
      unreadCount: row.unread_count,
      messagePrice: Number(row.message_price),
    };
  }

  /** The conversation as one of its participants sees it; anyone else gets the 404 of a missing one. */
  async function participation(userId: string, conversationId: string): Promise<Participation> {
    const row = await db
      .selectFrom('conversations')
      .select(['id', 'user_a', 'user_b', 'last_seq'])
      .where('id', '=', conversationId)
      .where((eb) => eb.or([eb('user_a', '=', userId), eb('user_b', '=', userId)]))
      .executeTakeFirst();
    if (!row) throw conversationNotFound();
    return {
      id: row.id,
      userId,
      peerId: row.user_a === userId ? row.user_b : row.user_a,
      lastSeq: Number(row.last_seq),
    };
  }

  return {
    participation,

    /** Opens the pair's conversation, or finds the one already open (`created` false). */
    async open(
      userId: string,
      peerId: string,
    ): Promise<{ created: boolean; conversation: ConversationView }> {
      if (peerId === userId) throw conversationWithSelf();
      const users = await db
        .selectFrom('auth_users')
        .select(['id', 'role'])
        .where('id', 'in', [userId, peerId])
        .execute();
      const me = users.find((user) => user.id === userId);
      if (!me || !MEMBER_ROLES.has(me.role)) throw membersOnly();
      const peer = users.find((user) => user.id === peerId);
      if (!peer || !MEMBER_ROLES.has(peer.role)) throw userNotFound();
      if (!users.some((user) => user.role === 'creator')) throw creatorRequired();
      // The same refusals as sending (restricted, blocked either way), from safety.
      await safety.assertMayMessage(userId, peerId);
      const [userA, userB] = userId < peerId ? [userId, peerId] : [peerId, userId];
      const inserted = await db
        .insertInto('conversations')
        .values({ id: crypto.randomUUID(), user_a: userA, user_b: userB, created_at: clock.now() })
        .onConflict((conflict) => conflict.columns(['user_a', 'user_b']).doNothing())
        .returning('id')
        .executeTakeFirst();
      const pair = sql`c.user_a = ${userA} AND c.user_b = ${userB}`;
      const [row] = await selectViews(userId, pair, 1);
      if (!row) throw conversationNotFound();
      return { created: inserted !== undefined, conversation: toView(userId, row) };
    },

    async get(userId: string, conversationId: string): Promise<ConversationView> {
      const [row] = await selectViews(userId, sql`c.id = ${conversationId}`, 1);
      if (!row) throw conversationNotFound();
      return toView(userId, row);
    },

    async list(userId: string, query: { cursor?: string; limit: number }): Promise<ConversationPage> {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const where = after
        ? sql`(coalesce(c.last_message_at, c.created_at), c.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`
        : sql`true`;
      const rows = await selectViews(userId, where, query.limit + 1);
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map((row) => toView(userId, row)),
        nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
      };
    },

    /** The users this user has conversations with, most recently active first. */
    async partnersOf(userId: string, limit = 100): Promise<string[]> {
      const rows = await db
        .selectFrom('conversations')
        .select((eb) =>
          eb
            .case()
            .when('user_a', '=', userId)
            .then(eb.ref('user_b'))
            .else(eb.ref('user_a'))
            .end()
            .as('peer_id'),
        )
        .where((eb) => eb.or([eb('user_a', '=', userId), eb('user_b', '=', userId)]))
        .orderBy(sql`coalesce(last_message_at, created_at)`, 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => row.peer_id);
    },
  };
}

export type Conversations = ReturnType<typeof createConversations>;
