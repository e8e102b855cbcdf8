// Owns the creator's HTTP surface of payouts (`payouts:request`, creators only): the earnings
// balance, the payout destination, requesting a payout (Idempotency-Key), reading and canceling
// one's own payouts (anyone else's is a 404) and one's statement as JSON or CSV. The permission is
// checked in preValidation, before the input, as every pairly route does.
import { caller, type PlatformServer, problemResponses } from '@app/platform';
import type { FastifyReply } from 'fastify';
import { IdempotencyHeaders, sendResult } from '../credits/idempotency-header.js';
import { requiresPermission } from '../credits/schemas.js';
import type { PayoutModule } from './register.js';
import {
  Destination,
  DestinationBody,
  DestinationList,
  ListQuery,
  PayoutBalance,
  PayoutBody,
  PayoutPage,
  PayoutParams,
  PayoutRequestBody,
  StatementBody,
  StatementQuery,
} from './schemas.js';
import { type Statement, statementCsv, statementPeriod } from './statements.js';

const tags = ['payouts'];

/** Sends a statement as JSON, or as a CSV attachment. */
export function sendStatement(reply: FastifyReply, statement: Statement, format: 'json' | 'csv' | undefined) {
  if (format !== 'csv') return statement;
  const name = `payout-statement-${statement.from.slice(0, 10)}-${statement.to.slice(0, 10)}.csv`;
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .send(statementCsv(statement));
}

export function registerPayoutRoutes(app: PlatformServer, payouts: PayoutModule): void {
  const { identity, service, statements, clock } = payouts;
  const creator = identity.requirePermission('payouts:request');
  const description = (what: string) => requiresPermission(identity.policy, 'payouts:request', what);

  app.get(
    '/payouts/balance',
    {
      preValidation: creator,
      schema: {
        tags,
        summary: 'Your earnings available for a payout, what payouts hold, the minimum and the rates',
        description: description('A rate is the minor units of a currency one credit pays out.'),
        response: { 200: PayoutBalance, ...problemResponses(401, 403) },
      },
    },
    async (request) => service.balance(caller(request).userId),
  );

  app.get(
    '/payouts/destination',
    {
      preValidation: creator,
      schema: {
        tags,
        summary: 'Where your payouts go, per provider',
        description: description(''),
        response: { 200: DestinationList, ...problemResponses(401, 403) },
      },
    },
    async (request) => ({ items: await service.destinations(caller(request).userId) }),
  );

  app.put(
    '/payouts/destination',
    {
      preValidation: creator,
      schema: {
        tags,
        summary: 'Record where your payouts go: a Stripe connected account or a RazorpayX fund account',
        description: description(
          'acct_… for stripe, fa_… for razorpay; anything else is a 400 naming accountId.',
        ),
        body: DestinationBody,
        response: { 200: Destination, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => service.setDestination(caller(request).userId, request.body),
  );

  app.post(
    '/payouts',
    {
      preValidation: creator,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Request a payout of earned credits; they are held until it is paid or given back',
        description: description(
          'Needs an Idempotency-Key (a retry answers the first result). At least the minimum and at most ' +
            'the available earnings (400 naming credits); a currency without a rate is a 400 naming currency; ' +
            '409 payout_destination_missing when payouts go through a provider and no destination is recorded.',
        ),
        headers: IdempotencyHeaders,
        body: PayoutRequestBody,
        response: { 201: PayoutBody, ...problemResponses(400, 401, 402, 403, 409, 423) },
      },
    },
    async (request, reply) => {
      const result = await service.request(
        caller(request).userId,
        request.headers['idempotency-key'] as string,
        request.body,
      );
      return sendResult(reply, result, (body) => body);
    },
  );

  app.get(
    '/payouts',
    {
      preValidation: creator,
      schema: {
        tags,
        summary: 'Your payouts, newest first',
        description: description('Filter by status; page with nextCursor.'),
        querystring: ListQuery,
        response: { 200: PayoutPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => service.list(caller(request).userId, request.query),
  );

  app.get(
    '/payouts/statement',
    {
      preValidation: creator,
      schema: {
        tags,
        summary: 'Your payout statement for a period, as JSON or CSV',
        description: description(
          'Earnings credited, payouts held, paid, failed and released in [from, to) (at most a year), with ' +
            "running totals. format=csv answers text/csv as an attachment; formula-like cells are prefixed with '.",
        ),
        querystring: StatementQuery,
        response: { 200: StatementBody, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const period = statementPeriod(clock.now(), request.query);
      return sendStatement(
        reply,
        await statements.build(caller(request).userId, period, 'owner'),
        request.query.format,
      );
    },
  );

  app.get(
    '/payouts/:id',
    {
      preValidation: creator,
      schema: {
        tags,
        summary: 'One of your payouts',
        description: description("Another creator's payout is a 404, like an unknown one."),
        params: PayoutParams,
        response: { 200: PayoutBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => service.get(caller(request).userId, request.params.id),
  );

  app.post(
    '/payouts/:id/cancel',
    {
      preValidation: creator,
      schema: {
        tags,
        summary: 'Cancel your payout while it is still requested; its credits go back to your earnings',
        description: description(
          '409 payout_state_conflict once finance has decided it (or it was canceled).',
        ),
        params: PayoutParams,
        response: { 200: PayoutBody, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => service.cancel(caller(request).userId, request.params.id),
  );
}
