// Owns registering the subscriptions module: its routes and the renewal job, a pg-boss queue run on
// the `renewalSchedule` cron (default every five minutes, UTC). pg-boss hands each scheduled run to
// one instance; even two runs at once charge a period once (renewal.ts).
import type { PlatformServer } from '@app/platform';
import type { PairlyContext } from '../context.js';
import { registerSubscriptionRoutes } from './routes.js';

export const RENEWAL_QUEUE = 'pairly.subscriptions-renew';

export function registerSubscriptions(app: PlatformServer, context: PairlyContext): void {
  const { subscriptions, runner } = context;
  registerSubscriptionRoutes(app, context, subscriptions);
  runner.register(RENEWAL_QUEUE, async () => {
    await subscriptions.renewDue();
  });
  runner.schedule(RENEWAL_QUEUE, subscriptions.options.renewalSchedule);
}
