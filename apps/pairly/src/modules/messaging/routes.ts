// Owns messaging's REST surface (permission `messages:own`: fans and creators): open and list
// conversations, read one, send a message keyed by its client id (or the Idempotency-Key header;
// a retry answers the stored message, marked Idempotent-Replayed), page through history, and read or
// change one's messaging settings. Every route acts as the caller; someone else's conversation is a 404.
import { caller, type PlatformServer, problemResponses } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { REPLAYED_HEADER } from '../credits/idempotency-header.js';
import { clientMessageIdMissing } from './errors.js';
import {
  ConversationBody,
  ConversationListQuery,
  ConversationPage,
  ConversationParams,
  HistoryPageBody,
  HistoryQuery,
  MessageBody,
  OpenConversationBody,
  SendMessageHeaders,
  SettingsBody,
  sendMessageBody,
  settingsChangeBody,
} from './schemas.js';

const tags = ['messaging'];

export function registerMessagingRoutes(app: PlatformServer, context: PairlyContext): void {
  const { messaging } = context;
  const member = context.identity.requirePermission('messages:own');

  app.post(
    '/conversations',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Open a conversation with another user (or find the one already open)',
        description:
          'Permission: `messages:own`. One conversation per pair: 201 when opened, 200 with the existing one. At least one of the two must be a creator (403 `creator_required`); not with yourself (400 `conversation_with_self`); not while you are restricted from messaging (403 `messaging_restricted`), have blocked the user (403 `user_blocked`) or are blocked by them (403 `recipient_unavailable`); the user must exist (404 `user_not_found`).',
        body: OpenConversationBody,
        response: {
          201: { ...ConversationBody, description: 'Opened' },
          200: { ...ConversationBody, description: 'Already open' },
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { created, conversation } = await messaging.conversations.open(
        caller(request).userId,
        request.body.userId,
      );
      return reply.code(created ? 201 : 200).send(conversation);
    },
  );

  app.get(
    '/conversations',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Your conversations, most recently active first',
        description:
          'Permission: `messages:own`. Each with its last message you can see and your unread count; pages with a cursor.',
        querystring: ConversationListQuery,
        response: { 200: ConversationPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) =>
      messaging.conversations.list(caller(request).userId, {
        ...(request.query.cursor !== undefined && { cursor: request.query.cursor }),
        limit: request.query.limit ?? 20,
      }),
  );

  app.get(
    '/conversations/:conversationId',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'One of your conversations',
        description: 'Permission: `messages:own`. Participants only: any other conversation is a 404.',
        params: ConversationParams,
        response: { 200: ConversationBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => messaging.conversations.get(caller(request).userId, request.params.conversationId),
  );

  app.post(
    '/conversations/:conversationId/messages',
    {
      preValidation: member,
      schema: {
        tags,
        summary: "Send a message (charged at the recipient's price)",
        description: [
          'Permission: `messages:own`; participants only (404 otherwise). Keyed by `clientMessageId` (or the `Idempotency-Key` header when the body has none): 201 the first time; a retry with the same id answers the stored message with 200 and `Idempotent-Replayed: true`, and charges nothing. The same id for another conversation or another body is a 409 `client_message_id_reused`.',
          "The sender pays the recipient's message price (0 = free) through the credits ledger in the same transaction that stores the message: not enough credits is a 402 `insufficient_credits` and a frozen account a 423 `account_frozen`, with no message stored and nothing kept under the id, so the same request goes through after a top-up.",
          'Refused while the sender is restricted pending review (403 `messaging_restricted`), has blocked the recipient (403 `user_blocked`) or is blocked by them (403 `recipient_unavailable`). Both participants get a `message.new` event on the WebSocket.',
        ].join('\n\n'),
        params: ConversationParams,
        headers: SendMessageHeaders,
        body: sendMessageBody(messaging.options.bodyMaxLength),
        response: {
          201: { ...MessageBody, description: 'Sent' },
          200: { ...MessageBody, description: 'Sent earlier with this client id (a replay)' },
          ...problemResponses(400, 401, 402, 403, 404, 409, 423),
        },
      },
    },
    async (request, reply) => {
      const clientMessageId = request.body.clientMessageId ?? request.headers['idempotency-key'];
      if (clientMessageId === undefined) throw clientMessageIdMissing();
      const { message, replayed } = await messaging.sender.send(
        caller(request).userId,
        {
          conversationId: request.params.conversationId,
          clientMessageId,
          body: request.body.body,
          ...(request.body.expectedPrice === undefined ? {} : { expectedPrice: request.body.expectedPrice }),
        },
        { via: 'rest' },
      );
      if (replayed) reply.header(REPLAYED_HEADER, 'true');
      return reply.code(replayed ? 200 : 201).send(message);
    },
  );

  app.get(
    '/conversations/:conversationId/messages',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Messages of one of your conversations, by seq',
        description:
          'Permission: `messages:own`; participants only (404 otherwise). Oldest first within the page. `after` alone pages forward from a seq; otherwise the page holds the newest messages below `before` (or the latest ones). Messages you deleted for yourself are left out; unsent ones are tombstones (body null, unsentAt set).',
        params: ConversationParams,
        querystring: HistoryQuery,
        response: { 200: HistoryPageBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      messaging.history.page(caller(request).userId, request.params.conversationId, {
        ...request.query,
        limit: request.query.limit ?? 50,
      }),
  );

  app.get(
    '/messaging/settings',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Your messaging settings',
        description: 'Permission: `messages:own`. Defaults: free (price 0), read receipts on.',
        response: { 200: SettingsBody, ...problemResponses(401, 403) },
      },
    },
    async (request) => messaging.settingsOf(caller(request).userId),
  );

  app.put(
    '/messaging/settings',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Change your message price or read receipts',
        description: `Permission: \`messages:own\`. Only the fields sent change. \`messagePrice\` (0 to ${context.creditsOptions.maxAmount} credits) is for creators only (403 \`message_price_creators_only\`); it applies to messages sent after the change.`,
        body: settingsChangeBody(context.creditsOptions.maxAmount),
        response: { 200: SettingsBody, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => messaging.settings.update(caller(request), request.body),
  );
}
