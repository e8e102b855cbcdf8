// Owns sending a message, over REST and WebSocket alike: the body rules, then ONE database
// statement per send (messaging_send, migration 0006 as replaced by 0016; the recipient and the
// sender's price come from recipients.ts, kept in memory) that locks the conversation, checks the
// sender's right to write (a participant; not restricted and no block either way: safety's rules
// and codes, read in the statement so they take effect at once), answers the stored message for a
// client id already used (a retry: nothing charged), charges the sender's price (the recipient's,
// or nothing for a subscriber of a creator whose subscribers write for free) through the credits
// ledger's own rules (credits.messageChargePlan, posted by credits_run), takes the next seq and
// stores the message. A refusal inside it (insufficient credits, a frozen account) rolls everything
// back, so the same client id goes through once the sender has topped up. Once stored, the message
// is published to both participants as a durable `message.new` of `conv:<id>`.
import { type Clock, isRetryableTransactionError, type Logger, type RealtimeGateway } from '@app/platform';
import { sql } from 'kysely';
import type { PairlyDb } from '../../db.js';
import { requestHash } from '../credits/idempotency.js';
import { accountFrozen, accountNotFound, insufficientCredits, legsPayload } from '../credits/ledger.js';
import type { CreditsService } from '../credits/service.js';
import { blockedByYou, messagingRestricted, recipientUnavailable } from '../safety/errors.js';
import { clientMessageIdReused, conversationNotFound, invalidBody, messagePriceChanged } from './errors.js';
import type { MessagingOptions } from './options.js';
import { createRecipients, type Recipient } from './recipients.js';
import { type MessageView, messageEvent, type StoredMessage, toMessageView } from './views.js';

export interface SendInput {
  conversationId: string;
  clientMessageId: string;
  body: string;
  /** The price the client agreed to; another price now refuses the send (unless it is a replay). */
  expectedPrice?: number;
}

export interface SendOutcome {
  message: MessageView;
  /** True when the client id was already used: the stored message, nothing charged again. */
  replayed: boolean;
}

/** Where a send came from, for the `ws_message_sent` log line. */
export interface SendOrigin {
  via: 'rest' | 'ws';
  connectionId?: string;
}

const MAX_ATTEMPTS = 5;
/** messaging_send's own refusals (migration 0006) and the ledger's, by SQLSTATE. */
const SQLSTATE = {
  notFound: 'PM404',
  restricted: 'PMR03',
  blocking: 'PMB03',
  blocked: 'PMU03',
  clientIdReused: 'PM409',
  priceChanged: 'PM412',
  insufficient: 'PM402',
  frozen: 'PF423',
  foreignKey: '23503',
  uniqueViolation: '23505',
} as const;

/** The stored body: trimmed, 1..max characters, no NUL. */
export function normalizeBody(body: string, maxLength: number, path: string): string {
  const trimmed = body.trim();
  if (trimmed.length === 0) throw invalidBody(path, 'The message is empty.');
  // Counted in characters (code points), as the database's char_length does, not UTF-16 units.
  if (trimmed.length > maxLength && Array.from(trimmed).length > maxLength)
    throw invalidBody(path, `The message is longer than ${maxLength} characters.`);
  if (trimmed.includes('\u0000')) throw invalidBody(path, 'The message contains a NUL character.');
  return trimmed;
}

interface SendAnswer {
  replayed: boolean;
  message: StoredMessage;
}

export interface SenderDependencies {
  db: PairlyDb;
  clock: Clock;
  logger: Logger;
  credits: CreditsService;
  realtime: RealtimeGateway;
  options: MessagingOptions;
}

export function createSender(dependencies: SenderDependencies) {
  const { db, clock, logger, credits, realtime, options } = dependencies;
  const recipients = createRecipients(db, clock);

  /** One run of the statement at the price last read (messaging_send checks it is still so). */
  async function attempt(senderId: string, recipient: Recipient, input: SendInput): Promise<SendAnswer> {
    const messageId = crypto.randomUUID();
    const { peerId: recipientId, price } = recipient;
    let charge: string | null = null;
    if (price > 0) {
      const plan = await credits.messageChargePlan({ senderId, recipientId, messageId, price });
      charge = JSON.stringify({
        // Its own scope: a client id never collides with the sender's Idempotency-Keys of credits routes.
        scope: `message:${senderId}`,
        key: input.clientMessageId,
        hash: requestHash(plan.operation, plan.params),
        legs: legsPayload(plan.legs),
      });
    }
    const { rows } = await sql<{ answer: SendAnswer | string }>`
      select messaging_send(${messageId}::uuid, ${input.conversationId}::uuid, ${senderId}::uuid,
        ${input.clientMessageId}, ${input.body}, ${price}::bigint, ${charge}::jsonb,
        ${clock.now()}::timestamptz) as answer
    `.execute(db);
    const answer = rows[0]?.answer;
    return typeof answer === 'string' ? JSON.parse(answer) : (answer as SendAnswer);
  }

  /**
   * The recipient at the price the client agreed to: a remembered price that differs is read again,
   * and a price that still differs refuses the send, unless the message is already stored (a
   * replay, which messaging_send answers without charging, whatever the price now).
   */
  async function agreed(senderId: string, recipient: Recipient, input: SendInput): Promise<Recipient> {
    const { expectedPrice } = input;
    if (expectedPrice === undefined || recipient.price === expectedPrice) return recipient;
    const current = await recipients.of(senderId, input.conversationId, true);
    if (current.price === expectedPrice) return current;
    const stored = await db
      .selectFrom('messages')
      .select('id')
      .where('sender_id', '=', senderId)
      .where('client_message_id', '=', input.clientMessageId)
      .executeTakeFirst();
    if (stored) return current;
    throw messagePriceChanged(current.price);
  }

  /** Runs the statement, again after a lost race (price changed, serialization, same id elsewhere). */
  async function store(senderId: string, first: Recipient, input: SendInput): Promise<SendAnswer> {
    let recipient = await agreed(senderId, first, input);
    for (let attemptNumber = 1; ; attemptNumber++) {
      try {
        return await attempt(senderId, recipient, input);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === SQLSTATE.notFound) throw conversationNotFound();
        if (code === SQLSTATE.restricted) throw messagingRestricted();
        if (code === SQLSTATE.blocking) throw blockedByYou();
        if (code === SQLSTATE.blocked) throw recipientUnavailable();
        if (code === SQLSTATE.clientIdReused) throw clientMessageIdReused();
        if (code === SQLSTATE.insufficient) throw insufficientCredits();
        if (code === SQLSTATE.frozen) throw accountFrozen();
        if (code === SQLSTATE.foreignKey) throw accountNotFound();
        const retryable =
          code === SQLSTATE.priceChanged ||
          code === SQLSTATE.uniqueViolation ||
          isRetryableTransactionError(error);
        if (attemptNumber >= MAX_ATTEMPTS || !retryable) throw error;
        if (code === SQLSTATE.priceChanged) {
          // The price kept in memory was stale (changed since): read it again and retry at once.
          recipient = await agreed(
            senderId,
            await recipients.of(senderId, input.conversationId, true),
            input,
          );
        } else {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attemptNumber));
        }
      }
    }
  }

  async function publish(message: MessageView, recipients: string[], origin: SendOrigin) {
    logger.info(
      {
        event: 'ws_message_sent',
        via: origin.via,
        ...(origin.connectionId && { connectionId: origin.connectionId }),
        conversationId: message.conversationId,
        messageId: message.id,
        seq: message.seq,
        senderId: message.senderId,
        price: message.price,
      },
      'message sent',
    );
    try {
      await realtime.publishToUsers(recipients, messageEvent(message));
    } catch (error) {
      // Stored and committed: the recipients get it by gap recovery or resume.
      logger.error(
        {
          event: 'message_publish_failed',
          conversationId: message.conversationId,
          seq: message.seq,
          err: error,
        },
        'message stored but not published',
      );
    }
  }

  const sentListeners: Array<(message: MessageView) => void> = [];

  return {
    /** Called after a NEW message is stored and published (not for a replayed retry); typing stops on it. */
    onSent(listener: (message: MessageView) => void): void {
      sentListeners.push(listener);
    },

    async send(
      senderId: string,
      input: SendInput,
      origin: SendOrigin,
      bodyPath = '/body/body',
    ): Promise<SendOutcome> {
      const body = normalizeBody(input.body, options.bodyMaxLength, bodyPath);
      const recipient = await recipients.of(senderId, input.conversationId);
      const answer = await store(senderId, recipient, { ...input, body });
      const message = toMessageView(answer.message);
      if (!answer.replayed) {
        await publish(message, [senderId, recipient.peerId], origin);
        for (const listener of sentListeners) {
          try {
            listener(message);
          } catch (error) {
            // The message is stored and delivered: a listener's failure must not turn it into an error.
            logger.error(
              { event: 'message_sent_listener_failed', messageId: message.id, err: error },
              'onSent listener failed',
            );
          }
        }
      }
      return { message, replayed: answer.replayed };
    },
  };
}

export type Sender = ReturnType<typeof createSender>;
