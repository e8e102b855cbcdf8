// Owns the SQL of gifts: the per-sender lock, the facts the rules judge a gift by (counted from stored
// gifts and sessions in the caller's transaction), the listings with their keyset cursor, and how a
// row reads as a gift. Returns plain rows and values; the service decides.
import { AppError } from '@app/platform';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { GiftStatus, PairlySchema } from '../../db.js';
import { isStorableInstant } from '../instants.js';
import { type GiftFacts, type GiftRules, startOfUtcDay } from './fraud.js';
import type { Gift, ReviewedGift } from './schemas.js';

type Db = Kysely<PairlySchema> | Transaction<PairlySchema>;
export type StoredGift = Selectable<PairlySchema['gifts']>;

const minutesBefore = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000);

/**
 * Locks the sender's row until the transaction ends; a sender's concurrent gifts queue here.
 * Taken before any account lock, and never while holding one.
 */
export async function lockSender(trx: Transaction<PairlySchema>, senderId: string): Promise<void> {
  await trx
    .insertInto('gift_senders')
    .values({ sender_id: senderId })
    .onConflict((conflict) => conflict.column('sender_id').doUpdateSet({ sender_id: senderId }))
    .execute();
}

/** What the rules need to know, read after the sender's lock so earlier gifts are all counted. */
export async function gatherFacts(
  trx: Transaction<PairlySchema>,
  gift: { senderId: string; recipientId: string; amount: number; now: Date },
  rules: GiftRules,
): Promise<GiftFacts> {
  const { senderId, recipientId, now } = gift;
  const dayStart = startOfUtcDay(now);
  const velocitySince = minutesBefore(now, rules.velocity.windowMinutes);
  const spreadSince = minutesBefore(now, rules.recipientSpread.windowMinutes);
  const earliest = new Date(Math.min(dayStart.getTime(), velocitySince.getTime(), spreadSince.getTime()));
  const { rows } = await sql<{
    created_at: Date;
    today_amount: number;
    today_count: number;
    recent: number;
    other_recipients: number;
  }>`
    select
      (select created_at from auth_users where id = ${senderId}) as created_at,
      coalesce(sum(amount) filter (where created_at >= ${dayStart} and status <> 'rejected'), 0)::bigint as today_amount,
      (count(*) filter (where created_at >= ${dayStart} and status <> 'rejected'))::int as today_count,
      (count(*) filter (where created_at > ${velocitySince}))::int as recent,
      (count(distinct recipient_id) filter (where created_at > ${spreadSince} and recipient_id <> ${recipientId}))::int as other_recipients
    from gifts
    where sender_id = ${senderId} and created_at >= ${earliest}
  `.execute(trx);
  const counts = rows[0] as (typeof rows)[number];
  return {
    now,
    amount: gift.amount,
    senderCreatedAt: new Date(counts.created_at),
    today: { amount: Number(counts.today_amount), count: counts.today_count },
    recentGifts: counts.recent,
    recentRecipients: counts.other_recipients + 1,
    linked: await linkedBySessions(
      trx,
      senderId,
      recipientId,
      minutesBefore(now, rules.linked.lookbackDays * 1440),
    ),
  };
}

/** Whether the two users have sessions since `since` from one address (and one browser). */
async function linkedBySessions(
  trx: Transaction<PairlySchema>,
  senderId: string,
  recipientId: string,
  since: Date,
) {
  const { rows } = await sql<{ device: boolean; address: boolean }>`
    select coalesce(bool_or(s.user_agent = r.user_agent), false) as device, count(*) > 0 as address
    from auth_sessions s join auth_sessions r on r.ip = s.ip
    where s.user_id = ${senderId} and r.user_id = ${recipientId} and s.ip is not null
      and s.last_used_at >= ${since} and r.last_used_at >= ${since}
  `.execute(trx);
  return { device: rows[0]?.device === true, address: rows[0]?.address === true };
}

export function toGift(row: StoredGift): Gift {
  return {
    id: row.id,
    senderId: row.sender_id,
    recipientId: row.recipient_id,
    amount: Number(row.amount),
    note: row.note,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  };
}

export function toReviewedGift(row: StoredGift): ReviewedGift {
  return {
    ...toGift(row),
    reviewReasons: row.review_reasons as ReviewedGift['reviewReasons'],
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at?.toISOString() ?? null,
    reviewNote: row.review_note,
  };
}

const invalidCursor = () =>
  new AppError({
    kind: 'invalid_input',
    code: 'cursor_invalid',
    detail: 'The cursor is not one this API issued.',
    fields: [{ path: '/querystring/cursor', message: 'unknown cursor' }],
  });

function encodeCursor(row: StoredGift): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function decodeCursor(cursor: string): [Date, string] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const [at, id] = Array.isArray(decoded) ? decoded : [];
  const date = new Date(typeof at === 'string' ? at : Number.NaN);
  // A date the database cannot compare (year 0, 275760, ...) would be a 500, not a 400.
  if (typeof id !== 'string' || !UUID.test(id) || !isStorableInstant(date)) throw invalidCursor();
  return [date, id];
}

export interface GiftSelection {
  sentBy?: string;
  deliveredTo?: string;
  status?: GiftStatus;
  /** Newest first for a user's own gifts; oldest first for the review queue. */
  order: 'newest' | 'oldest';
  cursor: string | undefined;
  limit: number;
}

/** One page of gifts and the cursor of the next (null at the end). */
export async function selectGifts(db: Db, selection: GiftSelection) {
  const after = selection.cursor === undefined ? undefined : decodeCursor(selection.cursor);
  const direction = selection.order === 'newest' ? 'desc' : 'asc';
  const rows = (await db
    .selectFrom('gifts')
    .selectAll()
    .$if(selection.sentBy !== undefined, (q) => q.where('sender_id', '=', selection.sentBy as string))
    .$if(selection.deliveredTo !== undefined, (q) =>
      q
        .where('recipient_id', '=', selection.deliveredTo as string)
        .where('status', 'in', ['sent', 'approved']),
    )
    .$if(selection.status !== undefined, (q) => q.where('status', '=', selection.status as GiftStatus))
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple('created_at', 'id'),
          selection.order === 'newest' ? '<' : '>',
          eb.tuple((after as [Date, string])[0], (after as [Date, string])[1]),
        ),
      ),
    )
    .orderBy('created_at', direction)
    .orderBy('id', direction)
    .limit(selection.limit + 1)
    .execute()) as StoredGift[];
  const page = rows.slice(0, selection.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > selection.limit && last ? encodeCursor(last) : null };
}
