// Owns the SQL of promo codes: rows in and out of promo_codes with their redemption counts, the
// listing with its keyset cursor (created_at desc, id desc), and the three conditional writes a
// redemption is made of: taking a slot of the code (only while enabled, inside the window and under
// the total cap), counting the user's redemption (only under the per-user cap) and recording the
// user's first code of the campaign. Each is one statement the database makes atomic under
// concurrency: a racing request waits for the row and then sees the committed count.
import type { Selectable, Transaction } from 'kysely';
import type { PairlyDb, PairlySchema, PromotionTables } from '../../db.js';
import { isStorableInstant } from '../instants.js';

export type CodeRow = Selectable<PromotionTables['promo_codes']>;
export type CodeRowWithCounts = CodeRow & { redeemers: number };
type Executor = PairlyDb | Transaction<PairlySchema>;

export interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

/** Undefined when the text is not a cursor this API issued (a date outside 1970-9999 never is). */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [at, id] = value;
    const createdAt = typeof at === 'string' ? new Date(at) : undefined;
    if (!createdAt || !isStorableInstant(createdAt)) return undefined;
    if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}

function withCounts(db: Executor) {
  return db
    .selectFrom('promo_codes')
    .selectAll('promo_codes')
    .select((eb) =>
      eb
        .selectFrom('promo_code_redeemers')
        .whereRef('promo_code_redeemers.code_id', '=', 'promo_codes.id')
        .select(eb.fn.countAll<number>().as('n'))
        .as('redeemers'),
    );
}

const counted = (row: CodeRow & { redeemers: number | null }): CodeRowWithCounts => ({
  ...row,
  redeemers: Number(row.redeemers ?? 0),
});

export function createPromotionRepository(db: PairlyDb) {
  return {
    /** Inserts the code; undefined when its text is taken. */
    async insert(trx: Transaction<PairlySchema>, row: CodeRow): Promise<CodeRow | undefined> {
      return trx
        .insertInto('promo_codes')
        .values(row)
        .onConflict((conflict) => conflict.column('code').doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    async findById(id: string, executor: Executor = db): Promise<CodeRowWithCounts | undefined> {
      const row = await withCounts(executor).where('promo_codes.id', '=', id).executeTakeFirst();
      return row && counted(row);
    },

    async findByCode(trx: Transaction<PairlySchema>, code: string): Promise<CodeRow | undefined> {
      return trx.selectFrom('promo_codes').selectAll().where('code', '=', code).executeTakeFirst();
    },

    /** One page, newest first, plus one row more when another page follows. */
    async list(filters: { campaign?: string; limit: number; after?: Cursor }): Promise<CodeRowWithCounts[]> {
      let query = withCounts(db)
        .orderBy('promo_codes.created_at', 'desc')
        .orderBy('promo_codes.id', 'desc')
        .limit(filters.limit + 1);
      if (filters.campaign !== undefined) query = query.where('promo_codes.campaign', '=', filters.campaign);
      const after = filters.after;
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb('promo_codes.created_at', '<', after.createdAt),
            eb.and([eb('promo_codes.created_at', '=', after.createdAt), eb('promo_codes.id', '<', after.id)]),
          ]),
        );
      }
      return (await query.execute()).map(counted);
    },

    /** Disables an enabled code; undefined when it is unknown or already disabled. */
    async disable(trx: Transaction<PairlySchema>, id: string, by: string, at: Date) {
      return trx
        .updateTable('promo_codes')
        .set({ disabled_at: at, disabled_by: by })
        .where('id', '=', id)
        .where('disabled_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
    },

    /** Takes one redemption slot of the code if it may be redeemed at `at`; undefined otherwise. */
    async takeSlot(trx: Transaction<PairlySchema>, code: string, at: Date): Promise<CodeRow | undefined> {
      return trx
        .updateTable('promo_codes')
        .set((eb) => ({ redeemed: eb('redeemed', '+', 1) }))
        .where('code', '=', code)
        .where('disabled_at', 'is', null)
        .where('starts_at', '<=', at)
        .where('ends_at', '>', at)
        .whereRef('redeemed', '<', 'max_redemptions')
        .returningAll()
        .executeTakeFirst();
    },

    /** Counts one more redemption by the user; false when that would pass the per-user cap. */
    async countUserRedemption(trx: Transaction<PairlySchema>, code: CodeRow, userId: string, at: Date) {
      const row = await trx
        .insertInto('promo_code_redeemers')
        .values({ code_id: code.id, user_id: userId, redeemed: 1, last_redeemed_at: at })
        .onConflict((conflict) =>
          conflict
            .columns(['code_id', 'user_id'])
            .doUpdateSet((eb) => ({
              redeemed: eb('promo_code_redeemers.redeemed', '+', 1),
              last_redeemed_at: at,
            }))
            .where('promo_code_redeemers.redeemed', '<', code.per_user_limit),
        )
        .returning('redeemed')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** The first code the user redeemed in the code's campaign (this one when it is the first). */
    async firstCodeOfCampaign(trx: Transaction<PairlySchema>, code: CodeRow, userId: string, at: Date) {
      const row = await trx
        .insertInto('promo_campaign_redeemers')
        .values({ campaign: code.campaign, user_id: userId, first_code_id: code.id, first_redeemed_at: at })
        .onConflict((conflict) =>
          conflict
            .columns(['campaign', 'user_id'])
            .doUpdateSet((eb) => ({ campaign: eb.ref('excluded.campaign') })),
        )
        .returning('first_code_id')
        .executeTakeFirstOrThrow();
      return row.first_code_id;
    },

    async accountCreatedAt(trx: Transaction<PairlySchema>, userId: string): Promise<Date | undefined> {
      const row = await trx
        .selectFrom('auth_users')
        .select('created_at')
        .where('id', '=', userId)
        .executeTakeFirst();
      return row?.created_at;
    },
  };
}

export type PromotionRepository = ReturnType<typeof createPromotionRepository>;
