// Owns unsend and "delete for me". Unsend is the sender's, within `unsendWindowMs` of sending: one
// conditional statement turns the message into a tombstone (body null, unsent_at set; id and seq
// stay) and gives it the conversation's next unsend seq, then both participants get the durable
// `message.unsent` event (unsent-stream.ts). The charge stays with the recipient unless
// `refundOnUnsend` is set: then, in the same transaction, each transfer of the charge is posted
// back (into the expiring lots it came from), so a message is refunded exactly when it is unsent,
// once; if the ledger refuses (the recipient's earnings are gone, an account is frozen) nothing
// changes and the unsend is refused. "Delete for me" hides a message for the caller only.
import {
  type Database,
  type IdentitySchema,
  isAppError,
  type RequestOrigin,
  recordAudit,
  withTransaction,
} from '@app/platform';
import type { Transaction } from 'kysely';
import { type PairlySchema, pairlyDb } from '../../../db.js';
import type { PairlyContext } from '../../context.js';
import { postLegs } from '../../credits/ledger.js';
import { type MessageView, toMessageView } from '../views.js';
import {
  messageAlreadyUnsent,
  messageNotFound,
  unsendNotSender,
  unsendRefundUnavailable,
  unsendWindowClosed,
} from './errors.js';
import type { InteractionOptions } from './options.js';
import { chargeTransfers, findMessage, hideForUser, type TombstoneRow, tombstone } from './repository.js';
import { unsentEvent } from './unsent-stream.js';

export interface UnsendOutcome {
  message: MessageView;
  /** Credits given back to the sender (0 without `refundOnUnsend` or for a free message). */
  refunded: number;
}

/** Ledger refusals that mean the charge cannot go back now (the recipient's earnings are gone, an account is frozen). */
const REFUND_REFUSALS = new Set(['insufficient_credits', 'account_frozen']);

export function createUnsend(
  context: PairlyContext,
  options: InteractionOptions & { unsendWindowMs: number },
) {
  const { db, clock, logger, messaging, realtime } = context;
  const kysely = pairlyDb(db);
  const pairly = db as Database<PairlySchema>;

  /** Posts every transfer of the message's charge back, in the unsend's transaction; the credits returned. */
  async function refund(trx: Transaction<PairlySchema>, message: TombstoneRow, now: Date): Promise<number> {
    if (!options.refundOnUnsend || message.charge_operation_id === null) return 0;
    const transfers = await chargeTransfers(trx, message.charge_operation_id);
    const legs = transfers.map((transfer) => ({
      debit: transfer.credit_account_id,
      credit: transfer.debit_account_id,
      amount: transfer.amount,
      kind: `${transfer.kind}_refund`,
      memo: { messageId: message.id, refundOf: transfer.id },
      restoreLotsOf: transfer.id,
    }));
    try {
      await postLegs(trx, legs, null, now);
    } catch (error) {
      if (isAppError(error) && REFUND_REFUSALS.has(error.code)) throw unsendRefundUnavailable();
      throw error;
    }
    return transfers.reduce((sum, transfer) => sum + transfer.amount, 0);
  }

  /** Why a message could not be unsent by this user (it was not changed). */
  async function refusal(userId: string, conversationId: string, messageId: string): Promise<Error> {
    const message = await findMessage(kysely, conversationId, messageId);
    if (!message) return messageNotFound();
    if (message.sender_id !== userId) return unsendNotSender();
    if (message.unsent_at !== null) return messageAlreadyUnsent();
    return unsendWindowClosed(options.unsendWindowMs);
  }

  return {
    async unsend(
      userId: string,
      conversationId: string,
      messageId: string,
      origin: RequestOrigin,
    ): Promise<UnsendOutcome> {
      const { peerId } = await messaging.participation(userId, conversationId);
      const now = clock.now();
      const sentSince = new Date(now.getTime() - options.unsendWindowMs);
      const done = await withTransaction(pairly, async (trx) => {
        const row = await tombstone(trx, { conversationId, messageId, senderId: userId }, sentSince, now);
        if (!row) return undefined;
        const refunded = await refund(trx, row, now);
        if (refunded > 0) {
          await recordAudit(trx as unknown as Transaction<IdentitySchema>, clock, origin, {
            actorId: userId,
            action: 'message.unsent_refunded',
            targetType: 'message',
            targetId: row.id,
            after: { conversationId, seq: Number(row.seq), refunded },
          });
        }
        return { row, refunded };
      });
      if (!done) throw await refusal(userId, conversationId, messageId);
      const { row, refunded } = done;
      logger.info(
        { event: 'message_unsent', conversationId, messageId, seq: Number(row.seq), userId, refunded },
        'message unsent',
      );
      try {
        await realtime.publishToUsers([userId, peerId], unsentEvent(row));
      } catch (error) {
        // Stored and committed: both get it by gap recovery or `unsent.resume`.
        logger.error(
          { event: 'unsent_publish_failed', conversationId, messageId, err: error },
          'unsend stored but not published',
        );
      }
      return { message: toMessageView(row), refunded };
    },

    /** Hides a message of the conversation for the caller only (either participant); again is a no-op. */
    async hide(userId: string, conversationId: string, messageId: string): Promise<void> {
      await messaging.participation(userId, conversationId);
      const message = await findMessage(kysely, conversationId, messageId);
      if (!message) throw messageNotFound();
      await hideForUser(kysely, messageId, userId, clock.now());
    },
  };
}

export type UnsendService = ReturnType<typeof createUnsend>;
