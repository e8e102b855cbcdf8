// Owns the HTTP surface of promo codes: finance and admins (`promotions:manage`) create and disable
// codes, staff who may read them (`promotions:read`: finance, admins, readonly) list them with
// their redemption counts, and fans and creators (`promotions:redeem`) redeem one with an
// Idempotency-Key. Guards run before validation, so a caller without the permission meets 403
// whatever it sends (and learns nothing of the body's rules).
import { caller, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import type { FastifyRequest } from 'fastify';
import type { PairlyContext } from '../context.js';
import { IdempotencyHeaders, sendResult } from '../credits/idempotency-header.js';
import {
  CodeBody,
  CodeListQuery,
  CodePage,
  CodeParams,
  createCodeBody,
  RedeemBody,
  RedemptionBody,
} from './schemas.js';
import { type Actor, createPromotionService, promotionOptions } from './service.js';

const tags = ['promotions'];
const needs = (permission: string, text: string) => `${text}\n\nRequires \`${permission}\`.`;

const actor = (request: FastifyRequest): Actor => ({
  userId: caller(request).userId,
  origin: requestOrigin(request),
});

export function registerPromotionRoutes(app: PlatformServer, context: PairlyContext): void {
  const options = promotionOptions(context.options.promotions);
  const promotions = createPromotionService(context, options);
  const { identity } = context;
  const manage = identity.requirePermission('promotions:manage');
  const read = identity.requirePermission('promotions:read');
  const redeem = identity.requirePermission('promotions:redeem');

  app.post(
    '/promotions/codes',
    {
      preValidation: manage,
      schema: {
        tags,
        summary: 'Create a promo code (audited)',
        description: needs(
          'promotions:manage',
          [
            'Finance and admins. The code is matched case-insensitively and stored upper-case; a code whose text exists is a 409 `promo_code_taken`.',
            `A code may grant at most ${options.maxBudgetPerCode} credits in all: amount × maxRedemptions above that is a 400 \`promo_budget_exceeded\` naming both fields. Dates must lie in the years 1970-9999 (UTC).`,
          ].join('\n\n'),
        ),
        body: createCodeBody(context.creditsOptions.maxAmount),
        response: { 201: CodeBody, ...problemResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await promotions.create(actor(request), request.body)),
  );

  app.get(
    '/promotions/codes',
    {
      preValidation: read,
      schema: {
        tags,
        summary: 'Promo codes with their redemption counts, newest first',
        description: needs('promotions:read', 'Finance, admins and readonly staff.'),
        querystring: CodeListQuery,
        response: { 200: CodePage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => promotions.list(request.query),
  );

  app.get(
    '/promotions/codes/:codeId',
    {
      preValidation: read,
      schema: {
        tags,
        summary: 'One promo code with its redemption counts',
        description: needs('promotions:read', 'Finance, admins and readonly staff.'),
        params: CodeParams,
        response: { 200: CodeBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => promotions.get(request.params.codeId),
  );

  app.post(
    '/promotions/codes/:codeId/disable',
    {
      preValidation: manage,
      schema: {
        tags,
        summary: 'Disable a promo code for good (audited; disabling it again changes nothing)',
        description: needs('promotions:manage', 'Finance and admins. A disabled code refuses redemptions.'),
        params: CodeParams,
        response: { 200: CodeBody, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => promotions.disable(actor(request), request.params.codeId),
  );

  app.post(
    '/promotions/redeem',
    {
      preValidation: redeem,
      schema: {
        tags,
        summary: "Redeem a promo code: its credits go to the caller's spendable balance",
        description: needs(
          'promotions:redeem',
          [
            'Fans and creators (staff cannot redeem codes). Send an `Idempotency-Key`: the same key returns the first result (success or refusal); with another code it is a 409 `idempotency_key_reused`.',
            'Refusals: 404 `promo_code_not_found`; 409 `promo_code_disabled`, `promo_code_not_started`, `promo_code_expired`, `promo_code_exhausted` (total cap reached), `promo_code_user_limit_reached` (per-user cap), `promo_code_new_users_only` (the account was created before the code started, or its first code of the campaign was another one); 423 `account_frozen`.',
          ].join('\n\n'),
        ),
        headers: IdempotencyHeaders,
        body: RedeemBody,
        response: {
          201: RedemptionBody,
          ...problemResponses(400, 401, 403, 404, 409, 423),
        },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'] as string;
      const result = await promotions.redeem(actor(request), key, request.body.code);
      // A redemption, first or replayed, answers its stored status; refusals (replayed ones too) are thrown.
      return sendResult(reply, result, (body) => body);
    },
  );
}
