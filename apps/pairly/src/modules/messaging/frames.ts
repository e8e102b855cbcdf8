// Owns messaging on the WebSocket: the `message.send` and `resume` client frames, the `message.new`
// event both participants get, and the StreamSource the gateway replays `conv:<id>` streams from
// after a gap or a lost pub/sub subscription. Frames act as the socket's user, with the same rules
// and error codes as the REST routes (permission `messages:own`).
import { AppError, type RealtimeConnection } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { MessageNewEvent, ResumeFrame, sendFrame } from './schemas.js';
import { CONVERSATION_STREAM_PREFIX } from './views.js';

/** Frames of messaging (and its interactions) need `messages:own`, as the REST routes do. */
export function requireMember(context: PairlyContext, connection: RealtimeConnection): void {
  if (!context.identity.policy.can(connection.role, 'messages:own')) {
    throw new AppError({
      kind: 'forbidden',
      code: 'permission_denied',
      detail: 'This needs the "messages:own" permission.',
    });
  }
}

export function registerMessagingFrames(context: PairlyContext): void {
  const { messaging, realtime } = context;

  realtime.handle('message.send', {
    summary:
      "Send a message (charged at the recipient's price). Reply: {message, replayed}; a retry with the same clientMessageId replays the stored message and charges nothing.",
    schema: sendFrame(messaging.options.bodyMaxLength),
    async handler(connection, frame) {
      requireMember(context, connection);
      const { message, replayed } = await messaging.sender.send(
        connection.userId,
        frame,
        {
          via: 'ws',
          connectionId: connection.id,
        },
        '/body',
      );
      return { message, replayed };
    },
  });

  realtime.handle('resume', {
    summary:
      'After a reconnect: the last seq the client has per conversation. Sends the missed message.new events in order, then replies per conversation {recovered: true} or {recovered: false} past the resume window (refetch the history).',
    schema: ResumeFrame,
    async handler(connection, frame) {
      requireMember(context, connection);
      return { conversations: await messaging.history.resume(connection, frame.conversations) };
    },
  });

  realtime.describeEvent('message.new', {
    summary:
      'A message in one of your conversations (yours too), on stream conv:<conversationId> with seq = the message seq. Also replayed by resume and gap recovery (an unsent one as a tombstone).',
    schema: MessageNewEvent,
    delivery: 'durable',
  });

  realtime.streamSource(CONVERSATION_STREAM_PREFIX, messaging.history.streamSource);
}
