// Owns the pairly backend's definition: a fan/creator platform with accounts, a credits ledger,
// paid messaging and calls, posts and subscriptions, matchmaking, moderation, payouts and admin.
// Modules are added here as they land; main.ts and the tests both build the app from this.
import { fileURLToPath } from 'node:url';
import {
  type AppDefinition,
  createIdentity,
  identityMigrations,
  registerBanAdminRoutes,
  registerIdentityRoutes,
} from '@app/platform';
import { pairlyAccessPolicy } from './modules/identity/access-policy.js';

export const pairlyApp: AppDefinition = {
  name: 'pairly',
  defaultPort: 3002,
  api: {
    title: 'Pairly API',
    version: '0.1.0',
    description:
      'Fan/creator platform: accounts with 2FA, credits ledger, paid messaging and calls, posts and subscriptions, matchmaking, moderation, payouts and admin.',
  },
  migrations: [
    identityMigrations,
    { scope: 'pairly', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
  ],
  optionalSecrets: ['STRIPE_WEBHOOK_SECRET', 'RAZORPAY_WEBHOOK_SECRET'],
  async registerModules(app, dependencies) {
    const identity = await createIdentity(dependencies, { policy: pairlyAccessPolicy });
    await registerIdentityRoutes(app, identity);
    await registerBanAdminRoutes(app, identity);
  },
};
