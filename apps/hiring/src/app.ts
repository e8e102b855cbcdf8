// Owns the hiring backend's definition: jobs posted by employers and ingested from job boards,
// candidate actions, explainable matching, AI-graded assessments and billing. Modules are added
// here as they land; main.ts and the tests both build the app from this definition.
import { fileURLToPath } from 'node:url';
import {
  type AppDefinition,
  createIdentity,
  type IdentityOptions,
  identityMigrations,
  registerBanAdminRoutes,
  registerIdentityRoutes,
  webhookMigrations,
} from '@app/platform';
import { registerApplicationRoutes } from './modules/applications/routes.js';
import { createApplicationService } from './modules/applications/service.js';
import { AI_SECRETS, AI_SETTINGS, createAssessmentAi } from './modules/assessments/ai.js';
import { registerAssessments } from './modules/assessments/register.js';
import { createBilling, registerBillingRoutes } from './modules/billing/index.js';
import { BILLING_SECRETS, BILLING_SETTINGS } from './modules/billing/settings.js';
import { registerCandidateRoutes } from './modules/candidates/routes.js';
import { createCandidateService } from './modules/candidates/service.js';
import { registerExchangeRateRoutes } from './modules/exchange-rates/routes.js';
import { createExchangeRateService } from './modules/exchange-rates/service.js';
import { hiringAccessPolicy } from './modules/identity/access-policy.js';
import type { IngestionOptions } from './modules/ingestion/index.js';
import { registerInvitations } from './modules/invitations/register.js';
import { createInvitationTokens } from './modules/invitations/service.js';
import { INVITATION_SETTINGS } from './modules/invitations/settings.js';
import { registerJobExpiry } from './modules/jobs/expiry.js';
import { registerJobRoutes } from './modules/jobs/routes.js';
import { createJobService } from './modules/jobs/service.js';
import { registerOrganisationRoutes } from './modules/organisations/routes.js';
import { createOrganisationService } from './modules/organisations/service.js';
import { registerRankingRoutes } from './modules/ranking/routes.js';
import { createRankingService } from './modules/ranking/service.js';
import { registerScrapeRoutes } from './modules/scrape/routes.js';
import { createScrapeService, SCRAPE_QUEUE } from './modules/scrape/service.js';
import { createSourceService } from './modules/scrape/sources.js';
import { createSourceVerification } from './modules/scrape/verification.js';

export interface HiringAppOptions {
  /** Password hashing cost; tests lower it, production keeps the defaults. */
  hasher?: IdentityOptions['hasher'];
  /** Job-board fetching: tests point the boards at a local server and shorten the deadlines. */
  ingestion?: Partial<IngestionOptions>;
  /** When scheduled scrapes run (cron, UTC). */
  scrapeSchedule?: string;
  /** When the sweep closing expired jobs runs (cron, UTC). */
  jobExpirySchedule?: string;
  /** Least time between two scrapes one organisation's owners ask for (default 15 minutes). */
  ownerScrapeIntervalMs?: number;
}

const DEFAULT_INGESTION: IngestionOptions = {
  userAgent: 'HiringJobsBot/0.1 (+https://example.com/bot; jobs ingestion)',
  requestTimeoutMs: 10_000,
  deadlineMs: 5 * 60_000,
  perHostConcurrency: 2,
  perHostIntervalMs: 500,
  maxRetries: 3,
  // No `network`: only public addresses on ports 80 and 443, on every hop. Tests name their
  // fixture servers in `ingestion.network.allowedTargets`; nothing a user sends can.
};

export function createHiringApp(options: HiringAppOptions = {}): AppDefinition {
  return {
    name: 'hiring',
    defaultPort: 3001,
    api: {
      title: 'Hiring API',
      version: '0.1.0',
      description:
        'Jobs posted by employers and ingested from public job boards, candidate actions, explainable matching, skills assessments and subscription billing.',
    },
    migrations: [
      identityMigrations,
      webhookMigrations,
      { scope: 'hiring', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
    ],
    optionalSecrets: [...BILLING_SECRETS, ...AI_SECRETS],
    optionalSettings: [...BILLING_SETTINGS, ...AI_SETTINGS, ...INVITATION_SETTINGS],
    async registerModules(app, dependencies) {
      const { db, clock, jobs: runner, logger } = dependencies;
      const identity = await createIdentity(dependencies, {
        policy: hiringAccessPolicy,
        ...(options.hasher && { hasher: options.hasher }),
      });
      await registerIdentityRoutes(app, identity);
      await registerBanAdminRoutes(app, identity);

      const organisations = createOrganisationService(db, clock);
      const candidates = createCandidateService(db, clock);
      const jobs = createJobService(db, clock, organisations);
      registerOrganisationRoutes(app, identity, organisations);
      registerCandidateRoutes(app, identity, candidates);
      registerJobRoutes(app, identity, jobs);
      registerJobExpiry(runner, jobs, options.jobExpirySchedule ?? '*/5 * * * *');
      const billing = createBilling(dependencies);
      registerBillingRoutes(app, identity, billing, organisations);
      const applications = createApplicationService({
        db,
        clock,
        organisations,
        jobs,
        accounts: identity.accounts,
        candidates,
        mailer: identity.mailer,
      });
      registerApplicationRoutes(app, identity, { applications });
      // Salaries are compared in one currency with these rates (the ranking service takes them next).
      const exchangeRates = createExchangeRateService(db, clock);
      registerExchangeRateRoutes(app, identity, exchangeRates);
      const ranking = createRankingService(db, clock, organisations, candidates, applications, exchangeRates);
      registerRankingRoutes(app, identity, ranking);
      const assessments = {
        dependencies,
        identity,
        organisations,
        jobs,
        applications,
        usage: billing.usage,
        ai: createAssessmentAi(dependencies),
        invitationTokens: createInvitationTokens(dependencies),
      };
      registerAssessments(app, assessments);
      registerInvitations(app, assessments);

      const ingestion = { ...DEFAULT_INGESTION, ...options.ingestion };
      const scrape = createScrapeService({
        db,
        clock,
        jobs: runner,
        logger,
        ingestion,
        organisations,
        ownerScrapeIntervalMs: options.ownerScrapeIntervalMs ?? 15 * 60_000,
      });
      runner.register<{ runId: string }>(SCRAPE_QUEUE, ({ runId }) => scrape.execute(runId), {
        retryLimit: 1,
        pollingIntervalSeconds: 1,
      });
      runner.register('hiring.scrape-scheduled', async () => {
        await scrape.request(null, 'schedule');
      });
      runner.schedule('hiring.scrape-scheduled', options.scrapeSchedule ?? '0 */6 * * *');
      registerScrapeRoutes(app, identity, {
        scrape,
        sources: createSourceService(db, clock, organisations, options.ingestion?.network),
        verification: createSourceVerification({ db, clock, organisations, ingestion }),
      });
    },
  };
}

export const hiringApp = createHiringApp();
