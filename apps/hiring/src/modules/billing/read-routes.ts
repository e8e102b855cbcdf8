// Owns the read side of billing over HTTP (docs/billing.md): an organisation's subscription status
// with its features, usage and limits, and "may we use this feature?" checks, under the
// organisation's path and under the spec's paths (/subscription-status, /verify-billing), which find
// the caller's organisation when they belong to exactly one. Any member may read; anyone else gets
// 404, as if the organisation did not exist. Reading never consumes a quota.
import { AppError, caller, type Identity, type PlatformServer, problemResponses } from '@app/platform';
import type { OrganisationService } from '../organisations/service.js';
import {
  BillingStatus,
  OrganisationParams,
  StatusAliasQuery,
  VerifyAliasBody,
  VerifyAnswer,
  VerifyBody,
} from './read-schemas.js';
import { effectiveTier, isMetric, TIERS, usagePeriod } from './tiers.js';
import type { Feature, SubscriptionStore, UsageMeter } from './types.js';

const tags = ['billing'];

interface Deps {
  store: SubscriptionStore;
  usage: UsageMeter;
  organisations: OrganisationService;
}

async function statusOf({ store, usage }: Deps, organisationId: string, now: Date): Promise<BillingStatus> {
  const [subscription, used] = await Promise.all([store.get(organisationId), usage.usage(organisationId)]);
  const tier = effectiveTier(subscription);
  const period = usagePeriod(subscription, now);
  return {
    organisationId,
    tier: subscription.tier,
    effectiveTier: tier,
    status: subscription.status,
    currentPeriodStart: period.start.toISOString(),
    currentPeriodEnd: period.end.toISOString(),
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
    trialEnd: subscription.trialEnd?.toISOString() ?? null,
    features: [...TIERS[tier].features],
    usage: used,
  };
}

async function verify(
  deps: Deps,
  organisationId: string,
  feature: Feature,
  now: Date,
): Promise<VerifyAnswer> {
  const status = await statusOf(deps, organisationId, now);
  const granted = (status.features as Feature[]).includes(feature);
  const tier = status.effectiveTier;
  if (!isMetric(feature)) return { feature, allowed: granted, tier };
  const { used, limit } = status.usage[feature] as { used: number; limit: number | null };
  const allowed = granted && (limit === null || used < limit);
  return { feature, allowed, tier, used, limit, periodEnd: status.currentPeriodEnd };
}

export function registerBillingReadRoutes(app: PlatformServer, identity: Identity, deps: Deps): void {
  const billingOwner = identity.requirePermission('billing:own');
  const { organisations } = deps;
  const now = () => app.platform.clock.now();

  /** The organisation named, if the caller is a member (else 404); or the caller's only one. */
  async function organisationOf(userId: string, organisationId: string | undefined): Promise<string> {
    if (organisationId !== undefined) {
      await organisations.requireRight(userId, organisationId, 'read');
      return organisationId;
    }
    const mine = await organisations.listMine(userId);
    if (mine.length === 1) return (mine[0] as { id: string }).id;
    throw new AppError({
      kind: 'invalid_input',
      code: 'organisation_required',
      detail:
        mine.length === 0
          ? 'You belong to no organisation; create one first.'
          : 'You belong to several organisations; name one with organisationId.',
    });
  }

  app.get(
    '/organisations/:organisationId/billing',
    {
      preValidation: billingOwner,
      schema: {
        tags,
        summary:
          "The organisation's subscription: tier, status, period, features, usage and limits (any member)",
        params: OrganisationParams,
        response: { 200: BillingStatus, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const organisationId = await organisationOf(caller(request).userId, request.params.organisationId);
      return statusOf(deps, organisationId, now());
    },
  );

  app.post(
    '/organisations/:organisationId/billing/verify',
    {
      preValidation: billingOwner,
      schema: {
        tags,
        summary:
          'Whether the organisation may use a feature now; for metered ones, usage, limit and period end',
        params: OrganisationParams,
        body: VerifyBody,
        response: { 200: VerifyAnswer, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const organisationId = await organisationOf(caller(request).userId, request.params.organisationId);
      return verify(deps, organisationId, request.body.feature, now());
    },
  );

  app.get(
    '/subscription-status',
    {
      preValidation: billingOwner,
      schema: {
        tags,
        summary:
          'Alias of GET /organisations/{organisationId}/billing for your only (or the named) organisation',
        querystring: StatusAliasQuery,
        response: { 200: BillingStatus, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const organisationId = await organisationOf(caller(request).userId, request.query.organisationId);
      return statusOf(deps, organisationId, now());
    },
  );

  app.post(
    '/verify-billing',
    {
      preValidation: billingOwner,
      schema: {
        tags,
        summary:
          'Alias of POST /organisations/{organisationId}/billing/verify for your only (or the named) organisation',
        body: VerifyAliasBody,
        response: { 200: VerifyAnswer, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const organisationId = await organisationOf(caller(request).userId, request.body.organisationId);
      return verify(deps, organisationId, request.body.feature, now());
    },
  );
}
