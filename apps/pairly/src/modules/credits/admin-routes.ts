// Owns the staff HTTP surface of credits: reading any user's balance and history (`credits:read`)
// and, for finance (`credits:adjust`), grants, deductions, transfers between users, capturing and
// releasing anyone's holds, and freezing a user's accounts. Every change needs an Idempotency-Key
// scoped to the staff member, and is written to the audit log (actor, target user, amount, reason)
// once: a replay answers the first result and writes nothing. An unknown user is a 404.
import {
  AppError,
  caller,
  identityDb,
  type PlatformServer,
  problemResponses,
  requestOrigin,
} from '@app/platform';
import type { FastifyRequest } from 'fastify';
import type { PairlyContext } from '../context.js';
import { instantAt } from '../instants.js';
import type { CreditHistory } from './history.js';
import type { Hold } from './holds.js';
import { IdempotencyHeaders, operationContext, sendResult } from './idempotency-header.js';
import {
  amountBodies,
  BalanceBody,
  FrozenBody,
  HoldBody,
  HoldParams,
  presentBalance,
  presentHold,
  ReceiptBody,
  requiresPermission,
  SetFrozenBody,
  StaffReleaseBody,
  StaffTransactionsPage,
  TransactionsQuery,
  UserParams,
} from './schemas.js';
import type { OperationContext, Receipt } from './service.js';

const tags = ['credits (staff)'];

const ownAccount = () =>
  new AppError({
    kind: 'forbidden',
    code: 'own_account',
    detail: 'Staff cannot change their own credits; another finance member must.',
  });

const userNotFound = () =>
  new AppError({ kind: 'not_found', code: 'user_not_found', detail: 'No such user.' });

export function registerCreditAdminRoutes(
  app: PlatformServer,
  context: PairlyContext,
  history: CreditHistory,
): void {
  const { identity, credits, holds } = context;
  const bodies = amountBodies(context.creditsOptions.maxAmount);
  const reader = identity.requirePermission('credits:read');
  const finance = identity.requirePermission('credits:adjust');
  const readDoc = (what: string) => requiresPermission(identity.policy, 'credits:read', what);
  const adjustDoc = (what: string) =>
    requiresPermission(identity.policy, 'credits:adjust', `${what} Needs an Idempotency-Key; audited.`);
  const present = <T>(body: T) => body;

  async function requireUser(userId: string): Promise<void> {
    const user = await identityDb(context.db)
      .selectFrom('auth_users')
      .select('id')
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) throw userNotFound();
  }

  /**
   * The operation context of a staff change: keyed to the staff member, with the audit row written
   * in the operation's own transaction (so a replay writes none and a crash loses neither).
   */
  function staffContext<T>(
    request: FastifyRequest,
    action: string,
    row: (body: T) => { userId: string; after: Record<string, unknown>; before?: Record<string, unknown> },
  ): OperationContext {
    return {
      ...operationContext(request),
      audit: {
        origin: requestOrigin(request),
        actorId: caller(request).userId,
        entry: (body: T) => {
          const { userId, after, before } = row(body);
          return { action, targetType: 'user', targetId: userId, after, ...(before && { before }) };
        },
      },
    };
  }

  /** Staff never move their own credits: finance granting itself is exactly what audits look for. */
  function refuseOwnAccount(request: FastifyRequest, ...userIds: Array<string | undefined>): void {
    if (userIds.includes(caller(request).userId)) throw ownAccount();
  }

  app.get(
    '/admin/credits/users/:userId/balance',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: "A user's credits balance",
        description: readDoc('Unknown users are a 404.'),
        params: UserParams,
        response: { 200: BalanceBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await requireUser(request.params.userId);
      return presentBalance(await credits.balance(request.params.userId));
    },
  );

  app.get(
    '/admin/credits/users/:userId/transactions',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: "A user's credits history, newest first, with whole memos",
        description: readDoc('Same filters and cursor as GET /credits/transactions.'),
        params: UserParams,
        querystring: TransactionsQuery,
        response: { 200: StaffTransactionsPage, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await requireUser(request.params.userId);
      return history.list(request.params.userId, request.query, 'staff');
    },
  );

  app.post(
    '/admin/credits/grants',
    {
      preValidation: finance,
      schema: {
        tags,
        summary: "Add credits to a user's spendable balance: a purchase, a promotion or a refund",
        description: adjustDoc('With expiresAt the credits expire then, spent soonest-expiring first.'),
        headers: IdempotencyHeaders,
        body: bodies.Grant,
        response: { 201: ReceiptBody, ...problemResponses(400, 401, 403, 404, 409, 423) },
      },
    },
    async (request, reply) => {
      const { userId, amount, source, expiresAt, reason } = request.body;
      refuseOwnAccount(request, userId);
      const audited = staffContext(request, 'credits.grant', (body: Receipt) => ({
        userId,
        after: { amount, source, expiresAt: expiresAt ?? null, reason, operationId: body.operationId },
      }));
      const result = await credits.add(audited, {
        userId,
        amount,
        source,
        ...(expiresAt !== undefined && { expiresAt: instantAt(expiresAt, '/body/expiresAt') }),
        memo: { reason },
      });
      return sendResult(reply, result, present);
    },
  );

  app.post(
    '/admin/credits/deductions',
    {
      preValidation: finance,
      schema: {
        tags,
        summary: "Take credits out of a user's spendable or earnings balance",
        description: adjustDoc('402 when the balance is short; nothing is taken then.'),
        headers: IdempotencyHeaders,
        body: bodies.Deduction,
        response: { 200: ReceiptBody, ...problemResponses(400, 401, 402, 403, 404, 409, 423) },
      },
    },
    async (request, reply) => {
      const { userId, amount, account = 'spendable', reason } = request.body;
      refuseOwnAccount(request, userId);
      const audited = staffContext(request, 'credits.deduct', (body: Receipt) => ({
        userId,
        after: { amount, account, reason, operationId: body.operationId },
      }));
      const result = await credits.deduct(audited, { userId, amount, account, reason });
      return sendResult(reply, result, present);
    },
  );

  app.post(
    '/admin/credits/transfers',
    {
      preValidation: finance,
      schema: {
        tags,
        summary: 'Move credits from one user to another',
        description: adjustDoc('A transfer to the same user is a 400; 402 when the payer is short.'),
        headers: IdempotencyHeaders,
        body: bodies.Transfer,
        response: { 200: ReceiptBody, ...problemResponses(400, 401, 402, 403, 404, 409, 423) },
      },
    },
    async (request, reply) => {
      const { fromUserId, toUserId, amount, from = 'spendable', to = 'spendable', reason } = request.body;
      refuseOwnAccount(request, fromUserId, toUserId);
      const audited = staffContext(request, 'credits.transfer', (body: Receipt) => ({
        userId: fromUserId,
        after: { toUserId, amount, from, to, reason, operationId: body.operationId },
      }));
      const result = await credits.transfer(audited, {
        fromUserId,
        toUserId,
        amount,
        from,
        to,
        memo: { reason },
      });
      return sendResult(reply, result, present);
    },
  );

  app.post(
    '/admin/credits/holds/:holdId/capture',
    {
      preValidation: finance,
      schema: {
        tags,
        summary: "Capture part or all of a user's pending hold; the rest goes back to them",
        description: adjustDoc('409 when the hold was already captured or released.'),
        headers: IdempotencyHeaders,
        params: HoldParams,
        body: bodies.Capture,
        response: { 200: HoldBody, ...problemResponses(400, 401, 403, 404, 409, 423) },
      },
    },
    async (request, reply) => {
      const { amount, to, reason } = request.body;
      refuseOwnAccount(request, 'userId' in to ? to.userId : undefined);
      refuseOwnAccount(request, (await holds.get(request.params.holdId, null)).ownerId);
      const audited = staffContext(request, 'credits.hold_capture', (body: Hold) => ({
        userId: body.ownerId,
        after: { holdId: body.id, amount, to, reason },
      }));
      const result = await holds.capture(audited, {
        holdId: request.params.holdId,
        ownerId: null,
        amount,
        to,
        reason,
      });
      return sendResult(reply, result, presentHold);
    },
  );

  app.post(
    '/admin/credits/holds/:holdId/release',
    {
      preValidation: finance,
      schema: {
        tags,
        summary: "Give a user's pending hold back to them in full",
        description: adjustDoc('409 when the hold was already captured or released.'),
        headers: IdempotencyHeaders,
        params: HoldParams,
        body: StaffReleaseBody,
        response: { 200: HoldBody, ...problemResponses(400, 401, 403, 404, 409, 423) },
      },
    },
    async (request, reply) => {
      const { reason } = request.body;
      refuseOwnAccount(request, (await holds.get(request.params.holdId, null)).ownerId);
      const audited = staffContext(request, 'credits.hold_release', (body: Hold) => ({
        userId: body.ownerId,
        after: { holdId: body.id, amount: body.amount, reason },
      }));
      const result = await holds.release(audited, { holdId: request.params.holdId, ownerId: null, reason });
      return sendResult(reply, result, presentHold);
    },
  );

  app.put(
    '/admin/credits/users/:userId/frozen',
    {
      preValidation: finance,
      schema: {
        tags,
        summary: "Freeze or unfreeze a user's credits accounts",
        description: adjustDoc('A frozen account neither pays nor receives: operations on it answer 423.'),
        headers: IdempotencyHeaders,
        params: UserParams,
        body: SetFrozenBody,
        response: { 200: FrozenBody, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      const { frozen, reason } = request.body;
      refuseOwnAccount(request, userId);
      const audited = staffContext(
        request,
        frozen ? 'credits.freeze' : 'credits.unfreeze',
        (body: { wasFrozen: boolean }) => ({
          userId,
          after: { frozen, reason },
          before: { frozen: body.wasFrozen },
        }),
      );
      const result = await credits.setFrozen(audited, { userId, frozen, reason });
      return sendResult(reply, result, (body) => ({ userId: body.userId, frozen: body.frozen }));
    },
  );
}
