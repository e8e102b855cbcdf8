// Owns each user's messaging settings: the price others pay per message to them (creators only;
// 0 = free) and whether they send read receipts. A user without a row has the defaults.
import type { Clock } from '@app/platform';
import type { PairlyDb } from '../../db.js';
import { priceForCreatorsOnly } from './errors.js';

export interface MessagingSettings {
  messagePrice: number;
  readReceipts: boolean;
}

export const DEFAULT_SETTINGS: MessagingSettings = { messagePrice: 0, readReceipts: true };

export function createSettings(db: PairlyDb, clock: Clock) {
  async function of(userId: string): Promise<MessagingSettings> {
    const row = await db
      .selectFrom('messaging_settings')
      .select(['message_price', 'read_receipts'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? { messagePrice: row.message_price, readReceipts: row.read_receipts } : DEFAULT_SETTINGS;
  }

  return {
    of,

    /** Changes the given settings; a price (any, 0 included) only from a creator. */
    async update(
      user: { userId: string; role: string },
      change: Partial<MessagingSettings>,
    ): Promise<MessagingSettings> {
      if (change.messagePrice !== undefined && user.role !== 'creator') throw priceForCreatorsOnly();
      const now = clock.now();
      const row = await db
        .insertInto('messaging_settings')
        .values({
          user_id: user.userId,
          message_price: change.messagePrice ?? DEFAULT_SETTINGS.messagePrice,
          read_receipts: change.readReceipts ?? DEFAULT_SETTINGS.readReceipts,
          updated_at: now,
        })
        .onConflict((conflict) =>
          conflict.column('user_id').doUpdateSet({
            ...(change.messagePrice !== undefined && { message_price: change.messagePrice }),
            ...(change.readReceipts !== undefined && { read_receipts: change.readReceipts }),
            updated_at: now,
          }),
        )
        .returning(['message_price', 'read_receipts'])
        .executeTakeFirstOrThrow();
      return { messagePrice: row.message_price, readReceipts: row.read_receipts };
    },
  };
}

export type Settings = ReturnType<typeof createSettings>;
