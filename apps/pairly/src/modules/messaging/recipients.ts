// Owns what the sender's path knows before its one statement (messaging_send): who a message goes to
// and at what price, without a database read per message. A conversation's participants never
// change, so they are kept once read; the price is kept per (sender, recipient) as last read, since
// it depends on the pair (messaging_price_for, migration 0016: a subscriber writes for free to a
// creator who says so) and messaging_send compares it with the price now and refuses a stale one
// (PM412), after which the caller asks again with `fresh`. Only answers read from the database are
// kept (a stranger's or a missing conversation is read again each time, and answered 404). Both
// caches are bounded.
import type { Clock } from '@app/platform';
import { sql } from 'kysely';
import type { PairlyDb } from '../../db.js';
import { conversationNotFound } from './errors.js';

export interface Recipient {
  peerId: string;
  /** What the sender pays them per message, as last read (0 without a settings row, or free for a subscriber). */
  price: number;
}

/** Entries each cache keeps at most; the oldest written goes first. */
const CACHE_LIMIT = 50_000;

function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  cache.delete(key);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as K);
  cache.set(key, value);
}

export function createRecipients(db: PairlyDb, clock: Clock) {
  const participants = new Map<string, readonly [string, string]>();
  const prices = new Map<string, number>();

  /** The conversation's participants and the sender's price to the peer now, in one query; 404 unless a participant. */
  async function read(senderId: string, conversationId: string): Promise<Recipient> {
    const peer = sql<string>`CASE WHEN c.user_a = ${senderId} THEN c.user_b ELSE c.user_a END`;
    const { rows } = await sql<{ user_a: string; user_b: string; price: number }>`
      SELECT c.user_a, c.user_b, messaging_price_for(${senderId}::uuid, ${peer}, ${clock.now()}::timestamptz) AS price
      FROM conversations c
      WHERE c.id = ${conversationId} AND ${senderId} IN (c.user_a, c.user_b)
    `.execute(db);
    const row = rows[0];
    if (!row) throw conversationNotFound();
    const peerId = row.user_a === senderId ? row.user_b : row.user_a;
    const price = Number(row.price);
    remember(participants, conversationId, [row.user_a, row.user_b] as const);
    remember(prices, `${senderId}:${peerId}`, price);
    return { peerId, price };
  }

  return {
    /** The other participant and their price (`fresh`: read again, after messaging_send said PM412). */
    async of(senderId: string, conversationId: string, fresh = false): Promise<Recipient> {
      const pair = participants.get(conversationId);
      if (pair === undefined || fresh) return read(senderId, conversationId);
      if (!pair.includes(senderId)) throw conversationNotFound();
      const peerId = pair[0] === senderId ? pair[1] : pair[0];
      const price = prices.get(`${senderId}:${peerId}`);
      return price === undefined ? read(senderId, conversationId) : { peerId, price };
    },
  };
}

export type Recipients = ReturnType<typeof createRecipients>;
