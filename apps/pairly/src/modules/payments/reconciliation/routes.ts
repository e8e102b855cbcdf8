// Owns the HTTP surface of reconciliation for finance: running it on demand for a period
// (`payments:reconcile`, i.e. finance; audited; rate limited), the recent runs and the findings
// (`payments:read`), and resolving an open finding once (`payments:resolve`; audited).
import { caller, type PlatformServer, problemResponses, requestOrigin } from '@app/platform';
import type { PairlyContext } from '../../context.js';
import { requiresPermission } from '../../credits/schemas.js';
import { instantAt } from '../../instants.js';
import type { FindingStore } from './findings.js';
import {
  FindingListQuery,
  FindingPage,
  FindingParams,
  FindingSchema,
  ResolveFindingBody,
  RunBody,
  RunReportSchema,
  RunsPage,
} from './schemas.js';
import { MAX_PERIOD_DAYS, type Reconciliation } from './service.js';

const tags = ['payments (finance)'];

export function registerReconciliationRoutes(
  app: PlatformServer,
  context: PairlyContext,
  reconciliation: Reconciliation,
  findings: FindingStore,
): void {
  const { identity } = context;
  const reader = identity.requirePermission('payments:read');
  const runner = identity.requirePermission('payments:reconcile');
  const resolver = identity.requirePermission('payments:resolve');
  const doc = (permission: string, what: string) => requiresPermission(identity.policy, permission, what);

  app.post(
    '/admin/payments/reconciliation',
    {
      preValidation: runner,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: "Compare each provider's payments and refunds of a period with orders and the ledger",
        description: doc(
          'payments:reconcile',
          `Lists the period's payments and refunds through the provider APIs and compares both ways. Missing grants and reversals are repaired through the same exactly-once paths as the webhooks (findings \`missing_grant\` / \`missing_reversal\`, status repaired); grants the provider does not know and amount mismatches become open findings. Reruns never duplicate a finding or a grant. The period is at most ${MAX_PERIOD_DAYS} days (400 \`invalid_period\` naming the field); an unconfigured provider is a 503 \`payments_not_configured\`; a provider outage a 503 \`payments_provider_unavailable\`. Audited (\`payments.reconciliation_run\`).`,
        ),
        body: RunBody,
        response: { 200: RunReportSchema, ...problemResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const { from, to, provider } = request.body;
      return reconciliation.run({
        from: instantAt(from, '/body/from'),
        to: instantAt(to, '/body/to'),
        ...(provider && { provider }),
        trigger: 'finance',
        requestedBy: caller(request).userId,
        origin: requestOrigin(request),
      });
    },
  );

  app.get(
    '/admin/payments/reconciliation/runs',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: 'The 20 most recent reconciliation runs, newest first, with their counts',
        description: doc('payments:read', 'Scheduled (daily) and on-demand runs alike.'),
        response: { 200: RunsPage, ...problemResponses(401, 403) },
      },
    },
    async () => ({ items: await findings.recentRuns() }),
  );

  app.get(
    '/admin/payments/reconciliation/findings',
    {
      preValidation: reader,
      schema: {
        tags,
        summary: 'Reconciliation findings by status (default open), oldest first',
        description: doc(
          'payments:read',
          'One finding per provider, kind and provider object, however many runs saw it.',
        ),
        querystring: FindingListQuery,
        response: { 200: FindingPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => findings.list(request.query),
  );

  app.post(
    '/admin/payments/reconciliation/findings/:findingId/resolve',
    {
      preValidation: resolver,
      config: { rateLimit: 'payments' },
      schema: {
        tags,
        summary: 'Resolve an open finding with what finance concluded',
        description: doc(
          'payments:resolve',
          'Once: a finding that is repaired or already resolved is a 409 `finding_not_open`. Not on a finding about your own order (403 `own_account`). Audited (`payments.finding_resolved`).',
        ),
        params: FindingParams,
        body: ResolveFindingBody,
        response: { 200: FindingSchema, ...problemResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) =>
      findings.resolve(
        caller(request).userId,
        request.params.findingId,
        request.body,
        requestOrigin(request),
      ),
  );
}
