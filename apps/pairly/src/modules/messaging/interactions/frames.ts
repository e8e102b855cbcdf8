// Owns message interactions on the WebSocket: the client frames `receipts.update`,
// `message.unsend`, `unsent.resume` and `typing` (as the socket's user, permission `messages:own`,
// the same rules and error codes as REST), the events `receipt`, `message.unsent` and `typing`, and
// the StreamSource the gateway replays `unsent:<id>` streams from.
import type { PairlyContext } from '../../context.js';
import { requireMember } from '../frames.js';
import type { InteractionServices } from './routes.js';
import {
  ReceiptEvent,
  ReceiptsFrame,
  TypingEvent,
  TypingFrame,
  UnsendFrame,
  UnsentEvent,
  UnsentResumeFrame,
} from './schemas.js';
import type { Typing } from './typing.js';
import { UNSENT_STREAM_PREFIX } from './unsent-stream.js';

/** A frame carries no address or user agent; audit rows of frame actions say so. */
const SOCKET_ORIGIN = { ip: null, userAgent: null, requestId: null };

export function registerInteractionFrames(
  context: PairlyContext,
  services: InteractionServices & { typing: Typing },
): void {
  const { realtime } = context;
  const { receipts, unsend, unsent, typing } = services;

  realtime.handle('receipts.update', {
    summary:
      'Mark messages of a conversation delivered and/or read up to a seq (markers only move forward; read implies delivered). Reply: your markers {conversationId, delivered, read}.',
    schema: ReceiptsFrame,
    async handler(connection, frame) {
      requireMember(context, connection);
      const { conversationId, ...change } = frame;
      return { ...(await receipts.update(connection.userId, conversationId, change, '')) };
    },
  });

  realtime.handle('message.unsend', {
    summary:
      'Unsend your message (sender only, within the unsend window): it becomes a tombstone with the same id and seq. Reply: {message, refunded}.',
    schema: UnsendFrame,
    async handler(connection, frame) {
      requireMember(context, connection);
      return {
        ...(await unsend.unsend(connection.userId, frame.conversationId, frame.messageId, SOCKET_ORIGIN)),
      };
    },
  });

  realtime.handle('unsent.resume', {
    summary:
      'After a reconnect: the last unsend seq the client has per conversation. Sends the missed message.unsent events in order, then replies per conversation {recovered: true} or {recovered: false} past the resume window (refetch the history).',
    schema: UnsentResumeFrame,
    async handler(connection, frame) {
      requireMember(context, connection);
      return { conversations: await unsent.resume(connection, frame.conversations) };
    },
  });

  realtime.handle('typing', {
    summary:
      'You are typing in a conversation (active: true, renew every few seconds) or stopped (active: false). Never stored; the other participant gets a `typing` event on start and stop only.',
    schema: TypingFrame,
    async handler(connection, frame) {
      requireMember(context, connection);
      if (frame.active) await typing.start(connection, frame.conversationId);
      else await typing.stop(frame.conversationId, connection.userId);
      return undefined;
    },
  });

  realtime.describeEvent('receipt', {
    summary:
      "A participant's delivered/read markers moved (yours too, for your other devices); batched per conversation and user. read is null for the other participant when they turned read receipts off. Ephemeral: GET .../receipts after a reconnect.",
    schema: ReceiptEvent,
    delivery: 'ephemeral',
  });

  realtime.describeEvent('message.unsent', {
    summary:
      'A message of your conversation was unsent: show the tombstone. Stream unsent:<conversationId> with seq = the unsend seq; replayed by unsent.resume and gap recovery.',
    schema: UnsentEvent,
    delivery: 'durable',
  });

  realtime.describeEvent('typing', {
    summary:
      'The other participant started (active: true, with ttlMs) or stopped typing; drop the indicator yourself if not renewed within ttlMs.',
    schema: TypingEvent,
    delivery: 'ephemeral',
  });

  realtime.streamSource(UNSENT_STREAM_PREFIX, unsent.streamSource);
}
