// Owns the scheduled credits work and when it runs: every five minutes (by default) forgotten holds
// are released and then due lots expired (in that order, so credits given back to a lot that
// expired while they were held expire in the same run); every hour the drift check recomputes the
// ledger (reconciliation.ts). pg-boss runs each scheduled job on one instance at a time.
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { createExpirySweep } from './expiry.js';
import { createLedgerCheck } from './reconciliation.js';

export const CREDIT_EXPIRY_QUEUE = 'pairly.credits-expire';
export const LEDGER_CHECK_QUEUE = 'pairly.credits-check-ledger';

export function registerCreditSweeps(app: PlatformServer, context: PairlyContext): void {
  const { db, clock, logger, runner, identity, holds, options } = context;
  const expiry = createExpirySweep({ db, clock, logger, mailer: identity.mailer, holds });
  const runLedgerCheck = createLedgerCheck(db, logger, app.platform.metrics);

  runner.register(CREDIT_EXPIRY_QUEUE, async () => {
    await expiry.releaseForgottenHolds();
    await expiry.expireDueLots();
  });
  runner.schedule(CREDIT_EXPIRY_QUEUE, options.creditSchedules?.expiry ?? '*/5 * * * *');
  runner.register(LEDGER_CHECK_QUEUE, async () => {
    await runLedgerCheck();
  });
  runner.schedule(LEDGER_CHECK_QUEUE, options.creditSchedules?.reconciliation ?? '0 * * * *');
}
