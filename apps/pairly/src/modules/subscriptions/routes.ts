// Owns the HTTP surface of subscriptions: a fan subscribes to a creator (keyed by Idempotency-Key,
// the first period paid at once), lists, cancels and resumes their own subscriptions
// (`subscriptions:own`: fans); a creator lists their live subscribers (`profile:own`; a member
// without a creator profile has none). Another fan's subscription answers 404.
import { bodylessAsEmpty, caller, type PlatformServer, problemResponses } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { IdempotencyHeaders, sendResult } from '../credits/idempotency-header.js';
import {
  CreatorParams,
  SubscribeReceipt,
  SubscriberListQuery,
  SubscriberPage,
  SubscriptionBody,
  SubscriptionListQuery,
  SubscriptionPage,
  SubscriptionParams,
  subscribeBody,
} from './schemas.js';
import type { Subscriptions } from './service.js';

const tags = ['subscriptions'];

export function registerSubscriptionRoutes(
  app: PlatformServer,
  context: PairlyContext,
  subscriptions: Subscriptions,
): void {
  const fan = context.identity.requirePermission('subscriptions:own');
  const member = context.identity.requirePermission('profile:own');
  const { graceDays, priceNoticeDays } = subscriptions.options;

  app.post(
    '/creators/:creatorId/subscription',
    {
      preValidation: [...fan, bodylessAsEmpty],
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Subscribe to a creator at their monthly price, paying the first month now',
        description: [
          'Permission: `subscriptions:own` (fan). Requires an `Idempotency-Key`: a retry with the same key answers the first result and charges once.',
          "The creator's current monthly price is charged from your spendable credits at once (the creator's earnings get it less the platform fee); the subscription renews every calendar month from now (UTC; a day the month lacks becomes its last day) until you cancel.",
          'Send `expectedPrice` (the price you showed) to be sure: another price now is a 409 `subscription_price_changed`, nothing charged.',
          'Errors: 402 `insufficient_credits` (nothing stored); 404 `creator_not_found` (no such creator, no subscriptions offered, or a block either way); 400 `subscribe_to_self`; 409 `already_subscribed` (a live subscription exists); 423 `account_frozen`.',
        ].join('\n\n'),
        headers: IdempotencyHeaders,
        params: CreatorParams,
        body: subscribeBody(context.creditsOptions.maxAmount),
        response: {
          201: { ...SubscribeReceipt, description: 'Subscribed; the first period is paid' },
          ...problemResponses(400, 401, 402, 403, 404, 409, 423, 429),
        },
      },
    },
    async (request, reply) => {
      const result = await subscriptions.subscribe(
        caller(request).userId,
        request.params.creatorId,
        request.body,
        request.headers['idempotency-key'] as string,
      );
      return sendResult(reply, result, (body) => body);
    },
  );

  app.get(
    '/subscriptions',
    {
      preValidation: fan,
      schema: {
        tags,
        summary: 'Your subscriptions, newest first',
        description: `Permission: \`subscriptions:own\` (fan). Only your own. \`status=live\` (default) lists active and past_due ones, \`all\` ended and lapsed ones too. A past_due subscription is retried at every renewal run and keeps access until \`graceUntil\` (${graceDays} days after the period end); \`nextPrice\` is a price change announced by the creator, applying from \`nextPriceFrom\`.`,
        querystring: SubscriptionListQuery,
        response: { 200: SubscriptionPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => subscriptions.listOwn(caller(request).userId, request.query),
  );

  for (const action of ['cancel', 'resume'] as const) {
    app.post(
      `/subscriptions/:subscriptionId/${action}`,
      {
        preValidation: [...fan, bodylessAsEmpty],
        schema: {
          tags,
          summary:
            action === 'cancel'
              ? 'Cancel: no more renewals; access until the period end, no refund'
              : 'Resume a cancelled subscription before its period end',
          description:
            action === 'cancel'
              ? 'Permission: `subscriptions:own` (fan), on your own subscription (anyone else’s is a 404 `subscription_not_found`). Sets `cancelAtPeriodEnd`; the subscription ends at `currentPeriodEnd` and nothing more is charged. Cancelling again answers the same. An ended or lapsed subscription is a 409 `subscription_not_live`.'
              : `Permission: \`subscriptions:own\` (fan), on your own subscription (else 404). Clears \`cancelAtPeriodEnd\` so it renews again (at the price it would have renewed at; price increases give ${priceNoticeDays} days' notice). After the period end it is a 409 \`subscription_not_live\`; when the creator no longer offers subscriptions, a 409 \`subscriptions_not_offered\`.`,
          params: SubscriptionParams,
          response: { 200: SubscriptionBody, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => subscriptions[action](caller(request).userId, request.params.subscriptionId),
    );
  }

  app.get(
    '/creators/me/subscribers',
    {
      preValidation: member,
      schema: {
        tags,
        summary: 'Your live subscribers (creators), newest first',
        description:
          'Permission: `profile:own` (creator; a member without subscribers gets an empty list). Active and past_due subscribers, without their contact details; members blocked either way are left out.',
        querystring: SubscriberListQuery,
        response: { 200: SubscriberPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => subscriptions.listSubscribers(caller(request).userId, request.query),
  );
}
