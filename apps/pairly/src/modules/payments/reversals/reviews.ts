// Owns the finance review queue of accounts a reversal froze (the credits were already spent when a
// refund or dispute came): listing items by status, and resolving one, once (a conditional update
// from open; a second resolution is a 409), audited in the same transaction. `unfreeze` lifts the
// freeze of every account of the user (only when no other review of theirs is open: 409
// reviews_still_open otherwise, and never over a freeze finance set through the credits staff route
// whose latest freeze/unfreeze is a freeze: 409 frozen_by_finance); `keep_frozen` leaves it. What is owed stays recorded on the item;
// finance collects it, if at all, with the credits staff routes. Orders that purchases sent to review
// (amount or currency mismatch, a second payment, ...) are a sibling list: they never granted
// credits, so there is nothing to unfreeze; they are settled at the provider (a refund).
import {
  AppError,
  type Clock,
  type Database,
  identityTrx,
  type RequestOrigin,
  recordAudit,
  withTransaction,
} from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../../db.js';
import { afterCursor, decodeCursor, PAGE_DEFAULT, pageOf } from '../paging.js';
import type { ReviewAction } from '../reversal-tables.js';

export interface ReviewItem {
  id: string;
  userId: string;
  orderId: string;
  reason: 'refund_after_spend' | 'dispute_after_spend';
  creditsOwed: number;
  status: 'open' | 'resolved';
  userFrozen: boolean;
  reversal: {
    id: string;
    provider: string;
    providerReversalId: string;
    kind: 'refund' | 'dispute';
    amount: number;
    currency: string;
    creditsReversed: number;
    creditsShort: number;
    status: 'reversed' | 'reinstated';
    disputeStatus: string | null;
  };
  action: ReviewAction | null;
  note: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  createdAt: string;
}

export interface OrderInReview {
  orderId: string;
  userId: string;
  provider: string;
  providerPaymentId: string | null;
  amount: number;
  currency: string;
  credits: number;
  reviewReason: string | null;
  updatedAt: string;
}

const reviewNotFound = () =>
  new AppError({ kind: 'not_found', code: 'review_not_found', detail: 'No such payment review.' });
const reviewResolved = () =>
  new AppError({
    kind: 'conflict',
    code: 'review_already_resolved',
    detail: 'This review was already resolved.',
  });
const othersOpen = (count: number) =>
  new AppError({
    kind: 'conflict',
    code: 'reviews_still_open',
    detail: `The user has ${count} other open payment review(s); resolve them with keep_frozen first, or unfreeze on the last one.`,
  });
const frozenByFinance = () =>
  new AppError({
    kind: 'conflict',
    code: 'frozen_by_finance',
    detail:
      'The account is also frozen through PUT /admin/credits/users/:userId/frozen (credits.freeze); resolve this review with keep_frozen, and lift that freeze there if it no longer holds.',
  });
const ownReview = () =>
  new AppError({
    kind: 'forbidden',
    code: 'own_account',
    detail: 'Staff cannot resolve a review of their own account; another finance member must.',
  });

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function createReviewQueue(db: Database, clock: Clock) {
  const pairly = db as unknown as Database<PairlySchema>;
  const kysely = pairly.kysely;

  const baseQuery = (q: typeof kysely | Transaction<PairlySchema>) =>
    q
      .selectFrom('payment_reviews as r')
      .innerJoin('payment_reversals as v', 'v.id', 'r.reversal_id')
      .select((eb) => [
        'r.id',
        'r.user_id',
        'r.order_id',
        'r.reason',
        'r.credits_owed',
        'r.status',
        'r.action',
        'r.note',
        'r.resolved_by',
        'r.resolved_at',
        'r.created_at',
        'v.id as reversal_id',
        'v.provider',
        'v.provider_reversal_id',
        'v.kind',
        'v.amount',
        'v.currency',
        'v.credits_reversed',
        'v.credits_short',
        'v.status as reversal_status',
        'v.dispute_status',
        eb
          .exists(
            eb
              .selectFrom('credit_accounts as a')
              .select('a.id')
              .whereRef('a.owner_id', '=', 'r.user_id')
              .where('a.frozen', '=', true),
          )
          .as('user_frozen'),
      ]);

  type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

  const present = (row: Row): ReviewItem => ({
    id: row.id,
    userId: row.user_id,
    orderId: row.order_id,
    reason: row.reason,
    creditsOwed: Number(row.credits_owed),
    status: row.status,
    userFrozen: Boolean(row.user_frozen),
    reversal: {
      id: row.reversal_id,
      provider: row.provider,
      providerReversalId: row.provider_reversal_id,
      kind: row.kind,
      amount: Number(row.amount),
      currency: row.currency,
      creditsReversed: Number(row.credits_reversed),
      creditsShort: Number(row.credits_short),
      status: row.reversal_status,
      disputeStatus: row.dispute_status,
    },
    action: row.action,
    note: row.note,
    resolvedBy: row.resolved_by,
    resolvedAt: iso(row.resolved_at),
    createdAt: iso(row.created_at) as string,
  });

  return {
    /** Items in one status, oldest first, with a cursor. */
    async list(query: { status?: 'open' | 'resolved'; cursor?: string; limit?: number }) {
      const after = decodeCursor(query.cursor, '/querystring/cursor');
      const limit = query.limit ?? PAGE_DEFAULT;
      let select = baseQuery(kysely)
        .where('r.status', '=', query.status ?? 'open')
        .orderBy('r.created_at')
        .orderBy('r.id')
        .limit(limit + 1);
      if (after) select = select.where((eb) => afterCursor(eb, after, 'r.created_at', 'r.id'));
      return pageOf(await select.execute(), limit, present);
    },

    /** Orders purchases sent to review (never granted), oldest first. */
    async ordersInReview(query: { limit?: number }): Promise<{ items: OrderInReview[] }> {
      const rows = await kysely
        .selectFrom('payment_orders')
        .select([
          'id',
          'user_id',
          'provider',
          'provider_payment_id',
          'amount',
          'currency',
          'credits',
          'review_reason',
          'updated_at',
        ])
        .where('status', '=', 'review')
        .orderBy('updated_at')
        .orderBy('id')
        .limit(query.limit ?? PAGE_DEFAULT)
        .execute();
      return {
        items: rows.map((row) => ({
          orderId: row.id,
          userId: row.user_id,
          provider: row.provider,
          providerPaymentId: row.provider_payment_id,
          amount: Number(row.amount),
          currency: row.currency,
          credits: Number(row.credits),
          reviewReason: row.review_reason,
          updatedAt: iso(row.updated_at) as string,
        })),
      };
    },

    async resolve(
      staffId: string,
      reviewId: string,
      input: { action: ReviewAction; note: string },
      origin: RequestOrigin,
    ): Promise<ReviewItem> {
      const found = await kysely
        .selectFrom('payment_reviews')
        .select(['user_id'])
        .where('id', '=', reviewId)
        .executeTakeFirst();
      if (!found) throw reviewNotFound();
      if (found.user_id === staffId) throw ownReview();
      return withTransaction(pairly, async (trx) => {
        const now = clock.now();
        // Locked in id order, as credits_post locks them, before the review row changes.
        const accounts = await trx
          .selectFrom('credit_accounts')
          .select(['id', 'frozen'])
          .where('owner_id', '=', found.user_id)
          .orderBy('id')
          .forUpdate()
          .execute();
        const resolved = await trx
          .updateTable('payment_reviews')
          .set({
            status: 'resolved',
            action: input.action,
            note: input.note,
            resolved_by: staffId,
            resolved_at: now,
          })
          .where('id', '=', reviewId)
          .where('status', '=', 'open')
          .returning('id')
          .executeTakeFirst();
        if (!resolved) throw reviewResolved();
        const wasFrozen = accounts.some((account) => account.frozen);
        if (input.action === 'unfreeze') {
          const others = await trx
            .selectFrom('payment_reviews')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('user_id', '=', found.user_id)
            .where('status', '=', 'open')
            .executeTakeFirstOrThrow();
          if (Number(others.n) > 0) throw othersOpen(Number(others.n));
          // Only the reversals' freeze is lifted here: a freeze finance set for another reason
          // (its latest credits freeze/unfreeze is a freeze) stays, and the answer says so.
          const lastFinance = await identityTrx(trx)
            .selectFrom('audit_log')
            .select('action')
            .where('target_type', '=', 'user')
            .where('target_id', '=', found.user_id)
            .where('action', 'in', ['credits.freeze', 'credits.unfreeze'])
            .orderBy('id', 'desc')
            .limit(1)
            .executeTakeFirst();
          if (lastFinance?.action === 'credits.freeze') throw frozenByFinance();
          await trx
            .updateTable('credit_accounts')
            .set({ frozen: false })
            .where('owner_id', '=', found.user_id)
            .execute();
        }
        await recordAudit(identityTrx(trx), clock, origin, {
          actorId: staffId,
          action: 'payments.review_resolved',
          targetType: 'user',
          targetId: found.user_id,
          before: { reviewId, status: 'open', frozen: wasFrozen },
          after: {
            reviewId,
            status: 'resolved',
            action: input.action,
            note: input.note,
            frozen: input.action === 'unfreeze' ? false : wasFrozen,
          },
        });
        return present(await baseQuery(trx).where('r.id', '=', reviewId).executeTakeFirstOrThrow());
      });
    },
  };
}

export type ReviewQueue = ReturnType<typeof createReviewQueue>;
