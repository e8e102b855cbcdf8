// Owns finance's settling of an order purchases sent to review instead of granting (docs/payments.md,
// "Refunds, chargebacks and reviews"): `POST /admin/payments/reviews/orders/:orderId/resolve`
// { action: grant | refund_manually, note }. `grant` is for a purchase paid while the buyer's account
// was frozen, once it no longer is: the same exactly-once grant as the webhooks (grants.ts,
// `grant:<provider>:<paymentId>`), review → paid. `refund_manually` records that finance refunds
// the payment at the provider: review → refunded, nothing granted (the refund event then reverses 0).
// Once (a conditional update from `review`), audited `payments.order_review_resolved` in the same
// transaction; never on one's own order.
import {
  AppError,
  caller,
  type Database,
  identityTrx,
  type PlatformServer,
  problemResponses,
  recordAudit,
  requestOrigin,
  withTransaction,
} from '@app/platform';
import Type from 'typebox';
import type { PairlySchema } from '../../../db.js';
import type { PairlyContext } from '../../context.js';
import { requiresPermission } from '../../credits/schemas.js';
import { grantReviewed } from '../grants.js';
import { lockOrder, toPaymentOrder } from '../orders-repository.js';

const EXAMPLE_ORDER = '0b7e6f4c-8c1d-4c57-9a44-3f0c2b9d1e11';

const ResolveOrderParams = Type.Object(
  { orderId: Type.String({ format: 'uuid', description: 'The order in review.' }) },
  { examples: [{ orderId: EXAMPLE_ORDER }] },
);

const ResolveOrderBody = Type.Object(
  {
    action: Type.Union([Type.Literal('grant'), Type.Literal('refund_manually')], {
      description:
        'grant: grant the pack now (only an order held because the account was frozen, once it is not: 409 account_still_frozen otherwise); refund_manually: finance refunds the payment at the provider; the order becomes refunded, nothing granted.',
    }),
    note: Type.String({ minLength: 1, maxLength: 1000, description: 'Why (kept in the audit log).' }),
  },
  {
    additionalProperties: false,
    examples: [{ action: 'grant', note: 'Account cleared after ticket 5120; pack granted.' }],
  },
);

const ResolvedOrderBody = Type.Object(
  {
    orderId: Type.String({ format: 'uuid' }),
    userId: Type.String({ format: 'uuid' }),
    status: Type.String({ description: 'paid (granted) or refunded.' }),
    creditsGranted: Type.Integer(),
  },
  { examples: [{ orderId: EXAMPLE_ORDER, userId: EXAMPLE_ORDER, status: 'paid', creditsGranted: 100 }] },
);

const conflict = (code: string, detail: string) => new AppError({ kind: 'conflict', code, detail });

export function registerOrderReviewRoutes(app: PlatformServer, context: PairlyContext): void {
  const { identity, db, clock, credits } = context;
  const pairly = db as unknown as Database<PairlySchema>;
  const finance = identity.requirePermission('payments:resolve');

  app.post(
    '/admin/payments/reviews/orders/:orderId/resolve',
    {
      preValidation: finance,
      config: { rateLimit: 'payments' },
      schema: {
        tags: ['payments (finance)'],
        summary: 'Settle an order in review: grant it, or record a manual refund',
        description: requiresPermission(
          identity.policy,
          'payments:resolve',
          'Once, from `review` (409 `order_not_in_review` otherwise). `grant` only for an order held because the account was frozen (409 `order_not_grantable` for amount/currency/second-payment reviews, which are refunded instead) and only once the account is not frozen (409 `account_still_frozen`). Not on your own order (403 `own_account`). Audited (`payments.order_review_resolved`).',
        ),
        params: ResolveOrderParams,
        body: ResolveOrderBody,
        response: { 200: ResolvedOrderBody, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const staffId = caller(request).userId;
      const { orderId } = request.params;
      const { action, note } = request.body;
      return withTransaction(pairly, async (trx) => {
        const found = await trx
          .selectFrom('payment_orders')
          .select(['provider'])
          .where('id', '=', orderId)
          .executeTakeFirst();
        if (!found) throw notFound();
        const order = await lockOrder(trx, found.provider, { id: orderId });
        if (!order) throw notFound();
        if (order.user_id === staffId) {
          throw new AppError({
            kind: 'forbidden',
            code: 'own_account',
            detail: 'Staff cannot settle their own order; another finance member must.',
          });
        }
        if (order.status !== 'review' || Number(order.credits_granted) !== 0) {
          throw conflict(
            'order_not_in_review',
            `The order is ${order.status}, not in review with nothing granted.`,
          );
        }
        let settled: typeof order | undefined;
        if (action === 'grant') {
          if (!order.review_reason?.startsWith('account_frozen') || order.provider_payment_id === null) {
            throw conflict(
              'order_not_grantable',
              `Only an order held because the account was frozen can be granted; this one is in review for: ${order.review_reason ?? 'unknown'}. Refund it at the provider.`,
            );
          }
          try {
            settled = await grantReviewed({ credits, clock }, trx, order);
          } catch (error) {
            if (error instanceof AppError && error.code === 'account_frozen') {
              throw conflict(
                'account_still_frozen',
                'The buyer’s credits account is still frozen; lift the freeze first, then grant.',
              );
            }
            throw error;
          }
        } else {
          const at = clock.now();
          settled = await trx
            .updateTable('payment_orders')
            .set({ status: 'refunded', updated_at: at })
            .where('id', '=', order.id)
            .where('status', '=', 'review')
            .returningAll()
            .executeTakeFirst();
        }
        if (!settled) throw conflict('order_not_in_review', 'The order left review meanwhile.');
        await recordAudit(identityTrx(trx), clock, requestOrigin(request), {
          actorId: staffId,
          action: 'payments.order_review_resolved',
          targetType: 'payment_order',
          targetId: order.id,
          before: { status: 'review', reviewReason: order.review_reason },
          after: { status: settled.status, action, note, creditsGranted: Number(settled.credits_granted) },
        });
        const view = toPaymentOrder(settled);
        return {
          orderId: view.id,
          userId: view.userId,
          status: view.status,
          creditsGranted: view.creditsGranted,
        };
      });
    },
  );
}

const notFound = () =>
  new AppError({ kind: 'not_found', code: 'order_not_found', detail: 'No such payment order.' });
