// Owns pay-per-view unlocks: a fan pays a post's unlock price once, from their spendable credits to
// the author's earnings less the platform fee (creatorChargeLegs), as one keyed credits operation
// (scope: the fan; key: their Idempotency-Key) that also stores the unlock row. The row's primary
// key (post, fan) is what makes "once" hold across keys: it is inserted before the charge, so a
// concurrent unlock under another key waits for it and then finds the post unlocked, charging
// nothing. An unlock is permanent (later price or visibility changes keep it). Unlocking an unlocked
// post answers 200 with `charged: false`; not enough credits is a 402 with nothing stored. The
// author cannot unlock their own post (400); a post the fan may not see (blocked either way,
// unpublished) is a 404 before any key is used.
import type { Clock, Database } from '@app/platform';
import type { Transaction } from 'kysely';
import type { PairlySchema } from '../../db.js';
import type { PairlyBaseContext } from '../context.js';
import { creatorChargeLegs } from '../credits/creator-charges.js';
import type { OperationResult } from '../credits/idempotency.js';
import { postLegs } from '../credits/ledger.js';
import { postForViewer } from './access.js';
import { notPayPerView, postNotFound, unlockOwnPost, unlockPriceChanged } from './errors.js';
import type { UnlockReceipt } from './schemas.js';
import type { PostTransaction } from './tables.js';

export type UnlockDeps = { db: Database; clock: Clock } & Pick<
  PairlyBaseContext,
  'credits' | 'creditsOptions'
>;

export type Unlock = UnlockReceipt['unlock'];

const asPosts = (trx: Transaction<PairlySchema>) => trx as unknown as PostTransaction;

export function createUnlocks(deps: UnlockDeps) {
  const { clock, credits, creditsOptions } = deps;

  return {
    /**
     * Unlocks `postId` for `fanId` once per key; 201 charged now, 200 already unlocked. With
     * `expectedPrice` (the price the fan was shown), a different price now is a 409 and nothing moves.
     */
    async unlock(
      fanId: string,
      postId: string,
      idempotencyKey: string,
      expectedPrice?: number,
    ): Promise<OperationResult<Unlock>> {
      const { post } = await postForViewer(deps, fanId, postId);
      if (post.author_id === fanId) throw unlockOwnPost();
      if (post.visibility !== 'pay_per_view') throw notPayPerView();
      // Accounts are opened outside the operation's transaction (see credits/ledger.ts).
      const payerAccountId = await credits.accountOf(fanId, 'spendable');
      const creatorAccountId = await credits.accountOf(post.author_id, 'earnings');
      return credits.operations.run<Unlock>(
        { scope: fanId, key: idempotencyKey, operation: 'post_unlock', params: { postId, expectedPrice } },
        async (pairlyTrx, operationId) => {
          const trx = asPosts(pairlyTrx);
          const now = clock.now();
          // The price and visibility as they are now, under a share lock so an edit waits for the unlock.
          const current = await trx
            .selectFrom('posts')
            .select(['unlock_price', 'visibility'])
            .where('id', '=', postId)
            .where('status', '=', 'published')
            .where('deleted_at', 'is', null)
            .where('removed_at', 'is', null)
            .forShare()
            .executeTakeFirst();
          if (!current) throw postNotFound();
          if (current.visibility !== 'pay_per_view' || current.unlock_price === null) throw notPayPerView();
          const price = current.unlock_price;
          if (expectedPrice !== undefined && expectedPrice !== price) throw unlockPriceChanged(price);
          const inserted = await trx
            .insertInto('post_unlocks')
            .values({ post_id: postId, user_id: fanId, price, operation_id: operationId, created_at: now })
            .onConflict((conflict) => conflict.columns(['post_id', 'user_id']).doNothing())
            .returning(['price', 'created_at'])
            .executeTakeFirst();
          if (!inserted) {
            const existing = await trx
              .selectFrom('post_unlocks')
              .select(['price', 'created_at'])
              .where('post_id', '=', postId)
              .where('user_id', '=', fanId)
              .executeTakeFirstOrThrow();
            return {
              status: 200,
              body: {
                postId,
                price: existing.price,
                unlockedAt: existing.created_at.toISOString(),
                charged: false,
                balanceAfter: null,
              },
            };
          }
          const legs = creatorChargeLegs({
            payerAccountId,
            creatorAccountId,
            amount: price,
            feeBps: creditsOptions.messageFeeBps,
            kind: 'post_unlock',
            memo: { postId },
          });
          const transfers = await postLegs(pairlyTrx, legs, operationId, now);
          const last = transfers.findLast((transfer) => transfer.debitAccountId === payerAccountId);
          return {
            status: 201,
            body: {
              postId,
              price,
              unlockedAt: now.toISOString(),
              charged: true,
              balanceAfter: last ? last.debitBalanceAfter : null,
            },
          };
        },
      );
    },
  };
}
