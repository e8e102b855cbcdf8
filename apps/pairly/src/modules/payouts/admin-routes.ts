// Owns finance's HTTP surface of payouts. Reading any creator's payouts and statements needs
// `payouts:read` (finance, admins, superadmins); deciding needs `payouts:decide` (finance's
// payouts:*, superadmins): approve (then send through the payout's provider), reject with a reason,
// and confirm a sent payout by hand. Nobody decides their own payout (403 payout_self_approval);
// every decision is audited in its own transaction; a payout already decided is a 409.
import { caller, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import type { FastifyRequest } from 'fastify';
import { pairlyDb } from '../../db.js';
import { requiresPermission } from '../credits/schemas.js';
import type { Actor } from './decisions.js';
import { payoutNotFound } from './errors.js';
import { presentStaffPayout } from './presenters.js';
import type { PayoutModule } from './register.js';
import { payoutRepository } from './repository.js';
import { sendStatement } from './routes.js';
import {
  ConfirmBody,
  CreatorParams,
  PayoutParams,
  RejectBody,
  StaffListQuery,
  StaffPayoutBody,
  StaffPayoutPage,
  StatementBody,
  StatementQuery,
} from './schemas.js';
import { statementPeriod } from './statements.js';

const tags = ['payouts (staff)'];

const actor = (request: FastifyRequest): Actor => ({
  id: caller(request).userId,
  origin: requestOrigin(request),
});

export function registerPayoutAdminRoutes(app: PlatformServer, payouts: PayoutModule): void {
  const { identity, service, decisions, statements, clock, db } = payouts;
  const reader = identity.requirePermission('payouts:read');
  const decider = identity.requirePermission('payouts:decide');
  const readDoc = (what: string) => requiresPermission(identity.policy, 'payouts:read', what);
  const decideDoc = (what: string) =>
    requiresPermission(
      identity.policy,
      'payouts:decide',
      `${what} Never on one's own payout (403 payout_self_approval); audited.`,
    );

  app.get(
    '/admin/payouts',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: 'Payouts of every creator, newest first, by status and creator',
        description: readDoc('Page with nextCursor.'),
        querystring: StaffListQuery,
        response: { 200: StaffPayoutPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await service.listAll(request.query);
      return { items: page.rows.map(presentStaffPayout), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/admin/payouts/statements/:creatorId',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: "A creator's payout statement for a period, as JSON or CSV",
        description: readDoc('The same statement the creator sees (GET /payouts/statement).'),
        params: CreatorParams,
        querystring: StatementQuery,
        response: { 200: StatementBody, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const period = statementPeriod(clock.now(), request.query);
      return sendStatement(
        reply,
        await statements.build(request.params.creatorId, period, 'staff'),
        request.query.format,
      );
    },
  );

  app.get(
    '/admin/payouts/:id',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: 'One payout, with its decision, provider and send details',
        description: readDoc(''),
        params: PayoutParams,
        response: { 200: StaffPayoutBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const row = await payoutRepository.find(pairlyDb(db), request.params.id);
      if (!row) throw payoutNotFound();
      return presentStaffPayout(row);
    },
  );

  app.post(
    '/admin/payouts/:id/approve',
    {
      preValidation: decider,
      schema: {
        tags,
        summary: 'Approve a requested payout and send it through its provider',
        description: decideDoc(
          'manual: the payout waits in processing for POST /admin/payouts/:id/confirm; stripe: a Connect ' +
            'transfer (paid at once); razorpay: a RazorpayX payout (processing until its webhook). When the ' +
            'provider cannot be reached the payout stays approved with lastSendError, and is sent again with ' +
            'the same idempotency key by the retry job or by approving again. 409 once it is further along ' +
            '(`payout_state_conflict`), while another send of it is in flight (`payout_send_in_progress`), or ' +
            'when it was approved more than 23 hours ago (`payout_resend_expired`: the provider may have ' +
            'forgotten the key, so confirm it by hand). 423 `account_frozen` when the creator is frozen.',
        ),
        params: PayoutParams,
        response: { 200: StaffPayoutBody, ...problemResponses(400, 401, 403, 404, 409, 423) },
      },
    },
    async (request) =>
      presentStaffPayout((await decisions.approve(actor(request), request.params.id)).payout),
  );

  app.post(
    '/admin/payouts/:id/reject',
    {
      preValidation: decider,
      schema: {
        tags,
        summary: 'Reject a requested payout with a reason; its credits go back to the creator',
        description: decideDoc('409 once it was decided or canceled.'),
        params: PayoutParams,
        body: RejectBody,
        response: { 200: StaffPayoutBody, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      presentStaffPayout(await decisions.reject(actor(request), request.params.id, request.body.reason)),
  );

  app.post(
    '/admin/payouts/:id/confirm',
    {
      preValidation: decider,
      schema: {
        tags,
        summary: 'Confirm a sent payout by hand: paid (the hold is captured) or failed (given back)',
        description: decideDoc(
          'For manual payouts, or any sent payout finance has proof of. Settled exactly once: a payout a ' +
            'provider answer already settled is a 409 and nothing moves, as is one whose send is in flight ' +
            '(`payout_send_in_progress`).',
        ),
        params: PayoutParams,
        body: ConfirmBody,
        response: { 200: StaffPayoutBody, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      presentStaffPayout(await decisions.confirm(actor(request), request.params.id, request.body)),
  );
}
