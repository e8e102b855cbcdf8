// Owns the REST surface of message interactions (permission `messages:own`, participants only:
// any other conversation is a 404): move and read receipts, unsend one's own message, hide a message
// for oneself, and page the unsends after a seq (what a REST client missed). Typing is WebSocket only.
import { caller, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import Type from 'typebox';
import type { PairlyContext } from '../../context.js';
import { ConversationParams } from '../schemas.js';
import { describeDuration } from './errors.js';
import type { Receipts } from './receipts.js';
import {
  ConversationReceiptsBody,
  MessageParams,
  OwnMarkersBody,
  ReceiptChangeBody,
  UnsendReply,
  UnsentPageBody,
  UnsentQuery,
} from './schemas.js';
import type { UnsendService } from './unsend.js';
import type { UnsentStream } from './unsent-stream.js';

const tags = ['messaging'];

export interface InteractionServices {
  receipts: Receipts;
  unsend: UnsendService;
  unsent: UnsentStream;
}

export function registerInteractionRoutes(
  app: PlatformServer,
  context: PairlyContext,
  services: InteractionServices,
  unsendWindowMs: number,
): void {
  const { receipts, unsend, unsent } = services;
  const member = context.identity.requirePermission('messages:own');

  app.post(
    '/conversations/:conversationId/receipts',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Mark messages delivered or read, up to a seq',
        description:
          'Permission: `messages:own`; participants only (404 otherwise). Markers only move forward: a lower value than the stored one changes nothing. Read implies delivered. A marker past the latest message is a 400 `receipt_beyond_last_seq`. Answers your markers as they stand. The other participant gets a `receipt` event (batched: at most one per short interval), without your read marker if you turned read receipts off.',
        params: ConversationParams,
        body: ReceiptChangeBody,
        response: { 200: OwnMarkersBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      receipts.update(caller(request).userId, request.params.conversationId, request.body, '/body'),
  );

  app.get(
    '/conversations/:conversationId/receipts',
    {
      preValidation: member,
      schema: {
        tags,
        summary: "Your markers and the other participant's",
        description:
          "Permission: `messages:own`; participants only (404 otherwise). The other participant's read marker is null when they turned read receipts off.",
        params: ConversationParams,
        response: { 200: ConversationReceiptsBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => receipts.get(caller(request).userId, request.params.conversationId),
  );

  app.delete(
    '/conversations/:conversationId/messages/:messageId',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Unsend your message: it becomes a tombstone for both of you',
        description: `Permission: \`messages:own\`; participants only (404 otherwise). The sender only (403 \`unsend_not_sender\`), within ${describeDuration(unsendWindowMs)} of sending (403 \`unsend_window_closed\`), once (409 \`message_already_unsent\`). The message keeps its id and seq; its body is gone. Both participants get a durable \`message.unsent\` event (stream \`unsent:<conversationId>\`). The charge is not refunded unless the platform is configured to (then \`refunded\` says how much; 409 \`unsend_refund_unavailable\` when the refund cannot be posted, and nothing changes).`,
        params: MessageParams,
        response: { 200: UnsendReply, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      unsend.unsend(
        caller(request).userId,
        request.params.conversationId,
        request.params.messageId,
        requestOrigin(request),
      ),
  );

  app.post(
    '/conversations/:conversationId/messages/:messageId/hide',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Delete a message for yourself only',
        description:
          'Permission: `messages:own`; participants only (404 otherwise), any message of the conversation. It is left out of your history and conversation list; the other participant still has it. Hiding it again changes nothing.',
        params: MessageParams,
        response: { 204: Type.Null({ description: 'Hidden' }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await unsend.hide(caller(request).userId, request.params.conversationId, request.params.messageId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/conversations/:conversationId/unsent',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Messages unsent after an unsend seq (what you missed)',
        description:
          'Permission: `messages:own`; participants only (404 otherwise). Each unsend of a conversation takes the next unsend seq; pass the last one you have as `after` to learn which messages you still show were unsent since.',
        params: ConversationParams,
        querystring: UnsentQuery,
        response: { 200: UnsentPageBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      unsent.page(
        caller(request).userId,
        request.params.conversationId,
        request.query.after ?? 0,
        request.query.limit ?? 50,
      ),
  );
}
