// Owns the HTTP surface of credits for their owner (`credits:own`, fans and creators): the balance,
// the transactions history, and holds on one's own credits (create, read, release). Staff routes
// live in admin-routes.ts and are registered from here. Every route checks the caller's permission
// in `preValidation`, before its input is validated, so a caller without the permission learns
// nothing about the input rules (and access-matrix probes need no valid body). Every route that
// moves credits needs an Idempotency-Key (idempotency-header.ts) and answers a replay with the
// first result; a user only ever names their own holds, anyone else's is a 404.
import { bodylessAsEmpty, caller, type PlatformServer, problemResponses } from '@app/platform';
import Type from 'typebox';
import { pairlyDb } from '../../db.js';
import type { PairlyContext } from '../context.js';
import { instantAt } from '../instants.js';
import { registerCreditAdminRoutes } from './admin-routes.js';
import { createCreditHistory } from './history.js';
import { IdempotencyHeaders, operationContext, sendResult } from './idempotency-header.js';
import {
  amountBodies,
  BalanceBody,
  HoldBody,
  HoldParams,
  presentBalance,
  presentHold,
  requiresPermission,
  TransactionsQuery,
  UserTransactionsPage,
} from './schemas.js';

const tags = ['credits'];

export function registerCreditRoutes(app: PlatformServer, context: PairlyContext): void {
  const { identity, credits, holds } = context;
  const history = createCreditHistory(pairlyDb(context.db));
  const bodies = amountBodies(context.creditsOptions.maxAmount);
  const own = identity.requirePermission('credits:own');
  const description = (what: string) => requiresPermission(identity.policy, 'credits:own', what);

  app.get(
    '/credits/balance',
    {
      preValidation: own,
      schema: {
        tags,
        summary: 'Your credits: spendable, earnings, held, frozen, and the lots that expire',
        description: description('Expiring lots are listed soonest first.'),
        response: { 200: BalanceBody, ...problemResponses(401, 403) },
      },
    },
    async (request) => presentBalance(await credits.balance(caller(request).userId)),
  );

  app.get(
    '/credits/transactions',
    {
      preValidation: own,
      schema: {
        tags,
        summary: 'Your credits history, newest first, with filters and a cursor',
        description: description(
          'One item per movement of one of your accounts, its amount signed from that account. ' +
            'A malformed or foreign cursor is a 400.',
        ),
        querystring: TransactionsQuery,
        response: { 200: UserTransactionsPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => history.list(caller(request).userId, request.query, 'owner'),
  );

  app.post(
    '/credits/holds',
    {
      preValidation: own,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Set some of your spendable credits aside (for a call, say) until captured or released',
        description: description(
          'Needs an Idempotency-Key. 402 when the balance is short, 423 when the account is frozen.',
        ),
        headers: IdempotencyHeaders,
        body: bodies.CreateHold,
        response: { 201: HoldBody, ...problemResponses(400, 401, 402, 403, 409, 423) },
      },
    },
    async (request, reply) => {
      const { amount, purpose, expiresAt } = request.body;
      // A past expiresAt is refused by the service on the first request only (a replay after the
      // date still answers the first result); here only its range is checked.
      const expiry = expiresAt === undefined ? undefined : instantAt(expiresAt, '/body/expiresAt');
      const result = await holds.hold(operationContext(request), {
        userId: caller(request).userId,
        amount,
        purpose,
        ...(expiry && { expiresAt: expiry }),
      });
      return sendResult(reply, result, presentHold);
    },
  );

  app.get(
    '/credits/holds/:holdId',
    {
      preValidation: own,
      schema: {
        tags,
        summary: 'One of your holds',
        description: description("Another user's hold is a 404, as is one that does not exist."),
        params: HoldParams,
        response: { 200: HoldBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => presentHold(await holds.get(request.params.holdId, caller(request).userId)),
  );

  app.post(
    '/credits/holds/:holdId/release',
    {
      preValidation: [...own, bodylessAsEmpty],
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Give one of your pending holds back in full',
        description: description(
          'Needs an Idempotency-Key. 409 when the hold was already captured or released; 403 when it was placed by a call or a payout rather than by you (those release it).',
        ),
        headers: IdempotencyHeaders,
        params: HoldParams,
        body: Type.Object({}, { additionalProperties: false }),
        response: { 200: HoldBody, ...problemResponses(400, 401, 403, 404, 409, 423) },
      },
    },
    async (request, reply) => {
      const result = await holds.release(operationContext(request), {
        holdId: request.params.holdId,
        ownerId: caller(request).userId,
      });
      return sendResult(reply, result, presentHold);
    },
  );

  registerCreditAdminRoutes(app, context, history);
}
