// Owns assembling creator payouts (docs: "Payouts"): settings, the PayoutProvider of each payout
// (manual, Stripe Connect, RazorpayX), settling (the one place a payout's hold is resolved once it
// was sent), the creator's and finance's routes, the provider events payouts claim on the payments
// event router, and the job that sends approved payouts an outage left unsent. Earnings themselves
// are credits' (the creator's earnings account); payouts only hold, capture and release them.
import type { Clock, Database, Identity, PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { razorpayProvider, stripeProvider } from './adapters.js';
import { registerPayoutAdminRoutes } from './admin-routes.js';
import { createPayoutDecisions, type PayoutDecisions } from './decisions.js';
import { claimPayoutEvents } from './events.js';
import { manualProvider, type PayoutProvider } from './provider.js';
import { registerPayoutRoutes } from './routes.js';
import { createPayoutService, type PayoutService } from './service.js';
import { type PayoutSettings, readPayoutSettings } from './settings.js';
import { createSettlement } from './settlement.js';
import { createStatements, type Statements } from './statements.js';
import type { PayoutProviderName } from './tables.js';

const PAYOUT_SEND_QUEUE = 'pairly.payouts-send';

export interface PayoutModule {
  db: Database;
  clock: Clock;
  identity: Identity;
  settings: PayoutSettings;
  service: PayoutService;
  decisions: PayoutDecisions;
  statements: Statements;
}

export interface PayoutOptions {
  /** Cron (UTC) of the job sending approved payouts an outage left unsent; default every 10 minutes. */
  sendSchedule?: string;
  /** Replaces a provider adapter (tests of an outage use a real adapter pointed at a dead port instead). */
  providers?: Partial<Record<PayoutProviderName, PayoutProvider>>;
}

export function registerPayouts(app: PlatformServer, context: PairlyContext): void {
  const { db, clock, logger, runner, identity, credits, holds, payments } = context;
  const settings = readPayoutSettings(payments.dependencies.config.settings);
  const options: PayoutOptions = context.options.payouts ?? {};
  const providers: Record<PayoutProviderName, PayoutProvider> = {
    manual: manualProvider,
    stripe: stripeProvider(payments.clients),
    razorpay: razorpayProvider(payments.clients, settings),
    ...options.providers,
  };
  const settlement = createSettlement(holds, clock);
  const payouts: PayoutModule = {
    db,
    clock,
    identity,
    settings,
    service: createPayoutService({ db, clock, credits, holds, settings }),
    decisions: createPayoutDecisions({ db, clock, logger, holds, settlement, providers }),
    statements: createStatements(db),
  };
  claimPayoutEvents(payments.events, settlement);
  registerPayoutRoutes(app, payouts);
  registerPayoutAdminRoutes(app, payouts);

  runner.register(PAYOUT_SEND_QUEUE, async () => {
    const { sent, failed, skipped } = await payouts.decisions.sendApproved();
    if (sent + failed + skipped > 0)
      logger.info({ event: 'payouts_resent', sent, failed, skipped }, 'approved payouts sent again');
  });
  runner.schedule(PAYOUT_SEND_QUEUE, options.sendSchedule ?? '*/10 * * * *');
}
