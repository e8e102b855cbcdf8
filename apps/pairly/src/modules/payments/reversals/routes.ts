// Owns the HTTP surface of the finance review queue: listing accounts a refund or chargeback froze
// (`payments:read`: finance, admin, readonly), resolving one (`payments:*`, i.e. finance; audited;
// once: a second resolution is a 409), and the sibling list of orders purchases sent to review.
import { caller, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import type { PairlyContext } from '../../context.js';
import { requiresPermission } from '../../credits/schemas.js';
import type { ReviewQueue } from './reviews.js';
import {
  OrdersInReviewPage,
  OrdersInReviewQuery,
  ResolveReviewBody,
  ReviewItemBody,
  ReviewListQuery,
  ReviewPage,
  ReviewParams,
} from './schemas.js';

const tags = ['payments (finance)'];

export function registerReviewRoutes(app: PlatformServer, context: PairlyContext, queue: ReviewQueue): void {
  const { identity } = context;
  const reader = identity.requirePermission('payments:read');
  const finance = identity.requirePermission('payments:resolve');
  const readDoc = (what: string) => requiresPermission(identity.policy, 'payments:read', what);
  const financeDoc = (what: string) => requiresPermission(identity.policy, 'payments:resolve', what);

  app.get(
    '/admin/payments/reviews',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: 'Accounts frozen because a refund or chargeback found the credits spent, oldest first',
        description: readDoc(
          'Each item names the reversal that opened it, the credits taken back and those still owed, and whether the user is frozen now. Orders that never granted credits (amount or currency mismatch) are listed at GET /admin/payments/reviews/orders.',
        ),
        querystring: ReviewListQuery,
        response: { 200: ReviewPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => queue.list(request.query),
  );

  app.get(
    '/admin/payments/reviews/orders',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: 'Orders sent to review instead of granting credits (amount or currency mismatch, ...)',
        description: readDoc(
          'Nothing was granted for these; they are settled at the provider (a refund there, which reverses nothing here).',
        ),
        querystring: OrdersInReviewQuery,
        response: { 200: OrdersInReviewPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => queue.ordersInReview(request.query),
  );

  app.post(
    '/admin/payments/reviews/:reviewId/resolve',
    {
      preValidation: finance,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Resolve a review: unfreeze the user, or keep them frozen',
        description: financeDoc(
          'Once: a second resolution is a 409 `review_already_resolved`. `unfreeze` while another review of the same user is open is a 409 `reviews_still_open`; `unfreeze` lifts only the freeze the reversals put on: when finance also froze the account through `PUT /admin/credits/users/:userId/frozen` (and has not lifted that), it is a 409 `frozen_by_finance`. Not on your own account (403 `own_account`). Audited (`payments.review_resolved`).',
        ),
        params: ReviewParams,
        body: ResolveReviewBody,
        response: { 200: ReviewItemBody, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) =>
      queue.resolve(caller(request).userId, request.params.reviewId, request.body, requestOrigin(request)),
  );
}
