// Owns gifts of credits between users. A gift is one keyed credits operation (scope: the sender): under
// a lock on the sender it is judged by the daily limits and the fraud rules (fraud.ts), then either
// delivered (sender spendable -> recipient spendable, 'sent') or held for review (sender spendable ->
// sender held, 'pending_review'); a refusal moves nothing and is audited and logged on its own (the
// sender is told neither which rule refused nor which held the gift). Staff resolve a
// held gift once: approved (held -> recipient spendable) or rejected (held -> sender spendable, back
// into the expiring lots it came from). The recipient is told through the mail outbox, in the same
// transaction, when a gift reaches them; the sender when a held gift is rejected.
import { randomUUID } from 'node:crypto';
import {
  type IdentitySchema,
  identityDb,
  type OutgoingMail,
  type RequestOrigin,
  recordAudit,
} from '@app/platform';
import type { Transaction } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../db.js';
import type { PairlyContext } from '../context.js';
import type { OperationResult } from '../credits/idempotency.js';
import { type PostedTransfer, postLegs } from '../credits/ledger.js';
import {
  GiftRefused,
  giftNotFound,
  giftRefused,
  giftResolved,
  giftToSelf,
  ownGift,
  recipientNotFound,
} from './errors.js';
import { dailyLimitReached, giftRules, judgeGift, nextUtcMidnight } from './fraud.js';
import {
  gatherFacts,
  lockSender,
  type StoredGift,
  selectGifts,
  toGift,
  toReviewedGift,
} from './repository.js';
import type {
  Gift,
  GiftListQuery,
  GiftReceipt,
  ReviewedGift,
  ReviewListQuery,
  SendGiftInput,
} from './schemas.js';

const asIdentity = (trx: Transaction<PairlySchema>) => trx as unknown as Transaction<IdentitySchema>;

function deliveredMail(to: string, amount: number, note: string | null): OutgoingMail {
  return {
    to,
    subject: `You received a gift of ${amount} credits`,
    text: `Another member gave you ${amount} credits; they are in your balance now.${
      note ? `\n\nTheir note:\n${note}` : ''
    }\n\nYour gifts are listed under "Gifts received".`,
  };
}

export function createGiftService(context: PairlyContext) {
  const { db, clock, credits, identity } = context;
  const kysely = pairlyDb(db);
  const rules = giftRules(context.options.gifts);

  async function audit(
    trx: Transaction<PairlySchema> | null,
    origin: RequestOrigin,
    entry: Parameters<typeof recordAudit>[3],
  ) {
    await recordAudit(trx ? asIdentity(trx) : identityDb(db), clock, origin, entry);
  }

  return {
    rules,

    /** Gives credits to another user, once per client key: 201 delivered, 202 held for review. */
    async send(
      senderId: string,
      input: SendGiftInput,
      idempotencyKey: string,
      origin: RequestOrigin,
    ): Promise<OperationResult<GiftReceipt>> {
      credits.checkAmount(input.amount);
      if (input.recipientId === senderId) throw giftToSelf();
      const recipient = await kysely
        .selectFrom('auth_users')
        .select(['id', 'email'])
        .where('id', '=', input.recipientId)
        .executeTakeFirst();
      if (!recipient) throw recipientNotFound();
      // Accounts are opened outside the operation's transaction (see ledger.ts).
      const senderSpendable = await credits.accountOf(senderId, 'spendable');
      const senderHeld = await credits.accountOf(senderId, 'held');
      const recipientSpendable = await credits.accountOf(recipient.id, 'spendable');
      const { amount } = input;
      const note = input.note ?? null;
      try {
        return await credits.operations.run(
          { scope: senderId, key: idempotencyKey, operation: 'gift', params: { ...input, note } },
          async (trx, operationId) => {
            await lockSender(trx, senderId);
            const now = clock.now();
            const facts = await gatherFacts(trx, { senderId, recipientId: recipient.id, amount, now }, rules);
            const limit = dailyLimitReached(facts, rules);
            if (limit) throw new GiftRefused(limit, [limit], nextUtcMidnight(now), now);
            const verdict = judgeGift(facts, rules);
            const refusal = verdict.findings.find((finding) => finding.outcome === 'refuse');
            if (refusal) throw new GiftRefused(refusal, verdict.findings, null, now);

            const id = randomUUID();
            const held = verdict.outcome === 'review';
            // A frozen recipient is answered like any refusal: a 423 would tell a stranger that
            // someone's credits are frozen. (The sender's own frozen account is still a 423.)
            const recipientAccount = await trx
              .selectFrom('credit_accounts')
              .select('frozen')
              .where('id', '=', recipientSpendable)
              .executeTakeFirstOrThrow();
            if (recipientAccount.frozen) throw giftRefused();
            const [transfer] = (await postLegs(
              trx,
              [
                {
                  debit: senderSpendable,
                  credit: held ? senderHeld : recipientSpendable,
                  amount,
                  kind: held ? 'gift_hold' : 'gift',
                  memo: { giftId: id },
                },
              ],
              operationId,
              now,
            )) as [PostedTransfer];
            const transferId = transfer.id;
            const row = await trx
              .insertInto('gifts')
              .values({
                id,
                sender_id: senderId,
                recipient_id: recipient.id,
                amount,
                note,
                status: held ? 'pending_review' : 'sent',
                review_reasons: JSON.stringify(verdict.findings),
                operation_id: operationId,
                hold_transfer_id: held ? transferId : null,
                delivery_transfer_id: held ? null : transferId,
                created_at: now,
                delivered_at: held ? null : now,
              })
              .returningAll()
              .executeTakeFirstOrThrow();
            await audit(trx, origin, {
              actorId: senderId,
              action: held ? 'gift.held' : 'gift.sent',
              targetType: 'gift',
              targetId: id,
              after: { recipientId: recipient.id, amount, status: row.status, findings: verdict.findings },
            });
            if (!held)
              await identity.mailer.send(deliveredMail(recipient.email, amount, note), asIdentity(trx));
            return {
              status: held ? 202 : 201,
              body: { ...toGift(row), balanceAfter: transfer.debitBalanceAfter },
            };
          },
        );
      } catch (error) {
        if (error instanceof GiftRefused) {
          const rule = error.finding.rule;
          context.logger.info(
            {
              event: 'gift_refused',
              senderId,
              recipientId: recipient.id,
              amount,
              rule,
              findings: error.findings,
            },
            'gift refused',
          );
          await audit(null, origin, {
            actorId: senderId,
            action: 'gift.refused',
            targetType: 'user',
            targetId: recipient.id,
            after: { amount, rule, findings: error.findings },
          });
        }
        throw error;
      }
    },

    /**
     * Resolves a held gift once (a conditional update from pending_review under a row lock): approved
     * delivers it, rejected gives it back. Keyed per staff member; a second resolution is a 409.
     */
    async decide(
      staffId: string,
      giftId: string,
      decision: 'approve' | 'reject',
      reviewNote: string | undefined,
      idempotencyKey: string,
      origin: RequestOrigin,
    ): Promise<OperationResult<ReviewedGift>> {
      const gift = await kysely
        .selectFrom('gifts')
        .innerJoin('auth_users as sender', 'sender.id', 'gifts.sender_id')
        .innerJoin('auth_users as recipient', 'recipient.id', 'gifts.recipient_id')
        .select([
          'gifts.sender_id',
          'gifts.recipient_id',
          'sender.email as sender_email',
          'recipient.email as recipient_email',
        ])
        .where('gifts.id', '=', giftId)
        .executeTakeFirst();
      if (!gift) throw giftNotFound();
      if (staffId === gift.sender_id || staffId === gift.recipient_id) throw ownGift();
      const approve = decision === 'approve';
      const held = await credits.accountOf(gift.sender_id, 'held');
      const target = await credits.accountOf(approve ? gift.recipient_id : gift.sender_id, 'spendable');
      return credits.operations.run(
        {
          scope: staffId,
          key: idempotencyKey,
          operation: `gift_${decision}`,
          params: { giftId, note: reviewNote ?? null },
        },
        async (trx, operationId) => {
          const pending = await trx
            .selectFrom('gifts')
            .selectAll()
            .where('id', '=', giftId)
            .where('status', '=', 'pending_review')
            .forUpdate()
            .executeTakeFirst();
          if (!pending) throw giftResolved();
          const now = clock.now();
          const [transfer] = (await postLegs(
            trx,
            [
              {
                debit: held,
                credit: target,
                amount: pending.amount,
                kind: approve ? 'gift' : 'gift_return',
                memo: { giftId },
                ...(!approve && { restoreLotsOf: pending.hold_transfer_id as number }),
              },
            ],
            operationId,
            now,
          )) as [PostedTransfer];
          const row: StoredGift = await trx
            .updateTable('gifts')
            .set({
              status: approve ? 'approved' : 'rejected',
              reviewed_by: staffId,
              reviewed_at: now,
              review_note: reviewNote ?? null,
              ...(approve && { delivery_transfer_id: transfer.id, delivered_at: now }),
            })
            .where('id', '=', giftId)
            .where('status', '=', 'pending_review')
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(trx, origin, {
            actorId: staffId,
            action: approve ? 'gift.approved' : 'gift.rejected',
            targetType: 'gift',
            targetId: giftId,
            before: { status: 'pending_review' },
            after: { status: row.status, note: row.review_note },
          });
          await identity.mailer.send(
            approve
              ? deliveredMail(gift.recipient_email, row.amount, row.note)
              : {
                  to: gift.sender_email,
                  subject: 'Your gift was not delivered',
                  text: `Your gift of ${row.amount} credits was not delivered after review; the credits are back in your balance.`,
                },
            asIdentity(trx),
          );
          return { status: 200, body: toReviewedGift(row) };
        },
      );
    },

    /** The caller's own gifts: every one they sent, or those delivered to them. */
    async list(userId: string, query: GiftListQuery): Promise<{ items: Gift[]; nextCursor: string | null }> {
      const page = await selectGifts(kysely, {
        ...(query.direction === 'received' ? { deliveredTo: userId } : { sentBy: userId }),
        order: 'newest',
        cursor: query.cursor,
        limit: query.limit ?? 20,
      });
      return { items: page.rows.map(toGift), nextCursor: page.nextCursor };
    },

    /** Gifts in one status for staff, oldest first (the review queue). */
    async listForReview(
      query: ReviewListQuery,
    ): Promise<{ items: ReviewedGift[]; nextCursor: string | null }> {
      const page = await selectGifts(kysely, {
        status: query.status,
        order: 'oldest',
        cursor: query.cursor,
        limit: query.limit ?? 20,
      });
      return { items: page.rows.map(toReviewedGift), nextCursor: page.nextCursor };
    },
  };
}

export type GiftService = ReturnType<typeof createGiftService>;
