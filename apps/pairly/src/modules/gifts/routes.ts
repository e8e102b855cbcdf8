// Owns the HTTP surface of gifts: a user gives credits to another (keyed by Idempotency-Key) and
// lists their own gifts (`gifts:send`: fans and creators); staff (`gifts:review`: finance, admin)
// list gifts by status and approve or reject a held one, once. As in credits, the permission is
// checked in `preValidation`, before the input is, and a replay is marked Idempotent-Replayed.
import { bodylessAsEmpty, caller, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { IdempotencyHeaders, sendResult } from '../credits/idempotency-header.js';
import {
  GiftListQuery,
  GiftPage,
  GiftParams,
  GiftReceipt,
  ReviewDecisionBody,
  ReviewedGiftBody,
  ReviewedGiftPage,
  ReviewListQuery,
  sendGiftBody,
} from './schemas.js';
import { createGiftService } from './service.js';

const tags = ['gifts'];

export function registerGiftRoutes(app: PlatformServer, context: PairlyContext): void {
  const gifts = createGiftService(context);
  const { rules } = gifts;
  const sender = context.identity.requirePermission('gifts:send');
  const reviewer = context.identity.requirePermission('gifts:review');

  app.post(
    '/gifts',
    {
      preValidation: sender,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Give credits to another user, with a note',
        description: [
          'Permission: `gifts:send` (fan, creator). Requires an `Idempotency-Key`: a retry with the same key and body returns the first answer, nothing moves twice.',
          `Limits per sender and UTC day: ${rules.dailyAmount} credits and ${rules.dailyCount} gifts (held gifts count, rejected ones do not); over a limit is a 429 \`gift_daily_amount_exceeded\` / \`gift_daily_count_exceeded\` with Retry-After until the next UTC midnight.`,
          'Fraud rules (sender account age, velocity, many recipients in a short time, recipient linked to the sender by device or address) may refuse the gift (403 `gift_refused`, nothing moves) or hold it for review (202, status `pending_review`: the amount leaves your spendable balance until staff approve or reject it). Neither answer says which rule decided; staff see it.',
          'The note is shown to the recipient, who is told by mail when the gift reaches them.',
        ].join('\n\n'),
        headers: IdempotencyHeaders,
        body: sendGiftBody(context.creditsOptions.maxAmount),
        response: {
          201: { ...GiftReceipt, description: 'Delivered' },
          202: { ...GiftReceipt, description: 'Held for review (status pending_review)' },
          ...problemResponses(400, 401, 402, 403, 404, 409, 423, 429),
        },
      },
    },
    async (request, reply) => {
      const result = await gifts.send(
        caller(request).userId,
        request.body,
        request.headers['idempotency-key'] as string,
        requestOrigin(request),
      );
      return sendResult(reply, result, (body) => body);
    },
  );

  app.get(
    '/gifts',
    {
      preValidation: sender,
      schema: {
        tags,
        summary: 'Your gifts: the ones you sent, or the ones delivered to you',
        description:
          'Permission: `gifts:send` (fan, creator). Only your own gifts; sent lists every status, received only delivered gifts (sent or approved). Newest first, with a cursor.',
        querystring: GiftListQuery,
        response: { 200: GiftPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => gifts.list(caller(request).userId, request.query),
  );

  app.get(
    '/admin/gifts',
    {
      preValidation: reviewer,
      schema: {
        tags,
        summary: 'Gifts by status for staff (default: awaiting review), oldest first',
        description:
          'Permission: `gifts:review` (finance, admin). Each gift shows the rules that held it (`reviewReasons`).',
        querystring: ReviewListQuery,
        response: { 200: ReviewedGiftPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => gifts.listForReview(request.query),
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/admin/gifts/:giftId/${decision}`,
      {
        preValidation: [...reviewer, bodylessAsEmpty],
        config: { rateLimit: 'payments' },
        schema: {
          tags,
          summary:
            decision === 'approve'
              ? 'Approve a held gift: the recipient gets the credits'
              : 'Reject a held gift: the credits go back to the sender',
          description:
            'Permission: `gifts:review` (finance, admin); not on a gift you sent or received. Requires an `Idempotency-Key`. A gift is resolved once: a second decision (another key) is a 409 `gift_already_resolved`. Audited; the recipient (approve) or the sender (reject) is told by mail.',
          headers: IdempotencyHeaders,
          params: GiftParams,
          body: ReviewDecisionBody,
          response: { 200: ReviewedGiftBody, ...problemResponses(400, 401, 403, 404, 409, 423) },
        },
      },
      async (request, reply) => {
        const result = await gifts.decide(
          caller(request).userId,
          request.params.giftId,
          decision,
          request.body.note,
          request.headers['idempotency-key'] as string,
          requestOrigin(request),
        );
        return sendResult(reply, result, (body) => body);
      },
    );
  }
}
