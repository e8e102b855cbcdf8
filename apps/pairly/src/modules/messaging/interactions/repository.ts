// Owns the SQL of what people do with messages already sent: moving receipt markers forward (one
// conditional upsert: GREATEST on each marker, read implies delivered), reading both participants'
// markers with their read-receipt setting, turning a message into a tombstone that takes the
// conversation's next unsend seq (one statement: sender, not yet unsent, inside the window), the
// tombstones after an unsend seq (the `unsent:` stream), the ledger transfers of a message's charge,
// and hiding a message for one user. Returns plain rows; the services decide.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { PairlySchema } from '../../../db.js';
import type { StoredMessage } from '../views.js';

type Db = Kysely<PairlySchema> | Transaction<PairlySchema>;

export interface Markers {
  delivered: number;
  read: number;
}

export interface MovedMarkers extends Markers {
  deliveredMoved: boolean;
  readMoved: boolean;
}

export interface ParticipantReceipts extends Markers {
  userId: string;
  /** Whether this user lets the other participant see their read marker. */
  sharesRead: boolean;
}

/** A message row with what unsend needs besides the view (migration 0009 adds unsend_seq). */
export interface TombstoneRow extends StoredMessage {
  charge_operation_id: string | null;
  unsend_seq: number | null;
}

export interface ChargeTransfer {
  id: number;
  debit_account_id: string;
  credit_account_id: string;
  amount: number;
  /** `message` (to the recipient's earnings) or `message_fee` (to the platform). */
  kind: string;
}

/**
 * Moves the user's markers up to the given seqs, never back; `read` moves `delivered` too. Returns
 * the markers after the change and which of them moved, or undefined when neither moved. (The
 * "before" values come from the statement's snapshot: under a concurrent update of the same row
 * they may be older, so a move may be reported twice, never missed.)
 */
export async function advanceMarkers(
  db: Db,
  conversationId: string,
  userId: string,
  to: Markers,
  now: Date,
): Promise<MovedMarkers | undefined> {
  const { rows } = await sql<{
    delivered: number;
    read: number;
    delivered_before: number;
    read_before: number;
  }>`
    with before as (
      select delivered_seq, read_seq from conversation_receipts
      where conversation_id = ${conversationId} and user_id = ${userId}
    ), moved as (
      insert into conversation_receipts as r (conversation_id, user_id, delivered_seq, read_seq, updated_at)
      values (${conversationId}, ${userId}, ${Math.max(to.delivered, to.read)}, ${to.read}, ${now})
      on conflict (conversation_id, user_id) do update set
        delivered_seq = greatest(r.delivered_seq, excluded.delivered_seq),
        read_seq = greatest(r.read_seq, excluded.read_seq),
        updated_at = excluded.updated_at
      where excluded.delivered_seq > r.delivered_seq or excluded.read_seq > r.read_seq
      returning delivered_seq, read_seq
    )
    select moved.delivered_seq as delivered, moved.read_seq as read,
      coalesce(before.delivered_seq, 0) as delivered_before, coalesce(before.read_seq, 0) as read_before
    from moved left join before on true
  `.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const delivered = Number(row.delivered);
  const read = Number(row.read);
  return {
    delivered,
    read,
    deliveredMoved: delivered > Number(row.delivered_before),
    readMoved: read > Number(row.read_before),
  };
}

/** Both participants' markers (0 where none is stored yet) and whether each shares their read marker. */
export async function receiptsOf(db: Db, conversationId: string): Promise<ParticipantReceipts[]> {
  const { rows } = await sql<{ user_id: string; delivered: number; read: number; shares_read: boolean }>`
    select p.user_id,
      coalesce(r.delivered_seq, 0) as delivered,
      coalesce(r.read_seq, 0) as read,
      coalesce(s.read_receipts, true) as shares_read
    from conversations c
    cross join lateral (values (c.user_a), (c.user_b)) as p (user_id)
    left join conversation_receipts r on r.conversation_id = c.id and r.user_id = p.user_id
    left join messaging_settings s on s.user_id = p.user_id
    where c.id = ${conversationId}
  `.execute(db);
  return rows.map((row) => ({
    userId: row.user_id,
    delivered: Number(row.delivered),
    read: Number(row.read),
    sharesRead: row.shares_read,
  }));
}

/** The message of this conversation, or undefined. */
export async function findMessage(
  db: Db,
  conversationId: string,
  messageId: string,
): Promise<TombstoneRow | undefined> {
  const { rows } = await sql<TombstoneRow>`
    select * from messages where id = ${messageId} and conversation_id = ${conversationId}
  `.execute(db);
  return rows[0];
}

/**
 * Turns the sender's message into a tombstone (body null, unsent_at set; id and seq stay) with the
 * conversation's next unsend seq, if it is not unsent yet and was sent at or after `sentSince`.
 * Undefined when any condition failed. The message row is locked before the conversation row (a
 * send locks only the conversation), so the two never wait on each other in opposite orders.
 */
export async function tombstone(
  db: Db,
  message: { conversationId: string; messageId: string; senderId: string },
  sentSince: Date,
  now: Date,
): Promise<TombstoneRow | undefined> {
  const { rows } = await sql<TombstoneRow>`
    with target as (
      select id from messages
      where id = ${message.messageId} and conversation_id = ${message.conversationId}
        and sender_id = ${message.senderId} and unsent_at is null and created_at >= ${sentSince}
      for update
    ), numbered as (
      update conversations set unsend_seq = unsend_seq + 1
      where id = ${message.conversationId} and exists (select 1 from target)
      returning unsend_seq
    )
    update messages m set body = null, unsent_at = ${now}, unsend_seq = numbered.unsend_seq
    from target, numbered
    where m.id = target.id
    returning m.*
  `.execute(db);
  return rows[0];
}

/** Tombstones of a conversation with an unsend seq after `afterSeq`, oldest first, at most `limit`. */
export async function tombstonesAfter(
  db: Db,
  conversationId: string,
  afterSeq: number,
  limit: number,
): Promise<TombstoneRow[]> {
  const { rows } = await sql<TombstoneRow>`
    select * from messages
    where conversation_id = ${conversationId} and unsend_seq > ${afterSeq}
    order by unsend_seq
    limit ${limit}
  `.execute(db);
  return rows;
}

/**
 * For each of the user's conversations (at most `limit`, most recent first) with a message unsent at
 * or after `at`: the unsend seq just before the first such one.
 */
export async function unsendSeqsSince(
  db: Db,
  userId: string,
  at: Date,
  limit: number,
): Promise<Map<string, number>> {
  const { rows } = await sql<{ conversation_id: string; first_seq: number }>`
    select m.conversation_id, min(m.unsend_seq) as first_seq
    from messages m
    join conversations c on c.id = m.conversation_id
    where (c.user_a = ${userId} or c.user_b = ${userId}) and m.unsent_at >= ${at}
    group by m.conversation_id
    order by max(m.unsent_at) desc
    limit ${limit}
  `.execute(db);
  return new Map(rows.map((row) => [row.conversation_id, Number(row.first_seq) - 1]));
}

/** Those of the conversations that the user takes part in. */
export async function userConversations(
  db: Db,
  userId: string,
  conversationIds: readonly string[],
): Promise<Set<string>> {
  if (conversationIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('conversations')
    .select('id')
    .where('id', 'in', conversationIds)
    .where((eb) => eb.or([eb('user_a', '=', userId), eb('user_b', '=', userId)]))
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** The conversation's latest unsend seq (0 before any unsend). */
export async function lastUnsendSeq(db: Db, conversationId: string): Promise<number> {
  const { rows } = await sql<{ unsend_seq: number }>`
    select unsend_seq from conversations where id = ${conversationId}
  `.execute(db);
  return Number(rows[0]?.unsend_seq ?? 0);
}

/** The transfers a message's charge posted (to the recipient's earnings and the platform's fee). */
export function chargeTransfers(db: Db, operationId: string): Promise<ChargeTransfer[]> {
  return db
    .selectFrom('credit_transfers')
    .select(['id', 'debit_account_id', 'credit_account_id', 'amount', 'kind'])
    .where('operation_id', '=', operationId)
    .orderBy('id')
    .execute();
}

/** Hides the message for this user only; hiding it again changes nothing. */
export async function hideForUser(db: Db, messageId: string, userId: string, now: Date): Promise<void> {
  await db
    .insertInto('message_hidden')
    .values({ message_id: messageId, user_id: userId, created_at: now })
    .onConflict((conflict) => conflict.columns(['message_id', 'user_id']).doNothing())
    .execute();
}
