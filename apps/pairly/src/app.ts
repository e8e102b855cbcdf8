// Owns the pairly backend's definition: a fan/creator platform with accounts, a credits ledger,
// paid messaging and calls, posts and subscriptions, matchmaking, moderation, payouts and admin.
// Modules are added here as they land; main.ts and the tests both build the app from this.
import { fileURLToPath } from 'node:url';
import {
  type AppDefinition,
  createBlobStore,
  createIdentity,
  createRealtimeGateway,
  identityMigrations,
  registerBanAdminRoutes,
  registerIdentityRoutes,
  webhookMigrations,
} from '@app/platform';
import { pairlyDb } from './db.js';
import type { PairlyAppOptions, PairlyBaseContext, PairlyContext } from './modules/context.js';
import { registerCreators } from './modules/creators/register.js';
import { createCreators } from './modules/creators/service.js';
import { createHolds } from './modules/credits/holds.js';
import { registerCreditRoutes } from './modules/credits/routes.js';
import { createCreditsService, DEFAULT_CREDITS_OPTIONS } from './modules/credits/service.js';
import { registerCreditSweeps } from './modules/credits/sweeps.js';
import { registerGiftRoutes } from './modules/gifts/routes.js';
import { pairlyAccessPolicy } from './modules/identity/access-policy.js';
import { registerMedia } from './modules/media/register.js';
import { createMedia } from './modules/media/service.js';
import { registerMessageInteractions } from './modules/messaging/interactions/register.js';
import { registerMessaging } from './modules/messaging/register.js';
import { createMessaging } from './modules/messaging/service.js';
import { createPaymentsFoundation } from './modules/payments/foundation.js';
import { registerPayments } from './modules/payments/register.js';
import { PAYMENT_SECRETS, PAYMENT_SETTINGS } from './modules/payments/settings.js';
import { registerPayouts } from './modules/payouts/register.js';
import { PAYOUT_SECRETS, PAYOUT_SETTINGS } from './modules/payouts/settings.js';
import { registerPosts } from './modules/posts/register.js';
import { createPosts } from './modules/posts/service.js';
import { registerPresence } from './modules/presence/register.js';
import { createPresence } from './modules/presence/service.js';
import { registerPromotionRoutes } from './modules/promotions/routes.js';
import { registerSafety } from './modules/safety/register.js';
import { createSafety } from './modules/safety/service.js';
import { registerSubscriptions } from './modules/subscriptions/register.js';
import { createSubscriptions } from './modules/subscriptions/service.js';

export type { PairlyAppOptions };

export function createPairlyApp(options: PairlyAppOptions = {}): AppDefinition {
  return {
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
      webhookMigrations,
      { scope: 'pairly', directory: fileURLToPath(new URL('../migrations', import.meta.url)) },
    ],
    optionalSecrets: [...PAYMENT_SECRETS, ...PAYOUT_SECRETS],
    optionalSettings: [...PAYMENT_SETTINGS, ...PAYOUT_SETTINGS],
    async registerModules(app, dependencies) {
      const { config, db, clock, kv, logger, jobs: runner } = dependencies;
      const identity = await createIdentity(dependencies, {
        policy: pairlyAccessPolicy,
        ...(options.hasher && { hasher: options.hasher }),
      });
      await registerIdentityRoutes(app, identity);
      await registerBanAdminRoutes(app, identity);

      const creditsOptions = { ...DEFAULT_CREDITS_OPTIONS, ...options.credits };
      const credits = createCreditsService(db, clock, creditsOptions);
      const holds = createHolds(pairlyDb(db), credits, clock, creditsOptions.maxAmount);
      const realtime = await createRealtimeGateway(app, dependencies, {
        identity,
        ...options.realtime,
      });
      const base: PairlyBaseContext = {
        config,
        db,
        clock,
        kv,
        logger,
        runner,
        identity,
        credits,
        holds,
        creditsOptions,
        realtime,
        payments: createPaymentsFoundation(dependencies),
        options,
      };
      const safety = createSafety(base);
      const messaging = createMessaging({ ...base, safety });
      const presence = createPresence({
        ...base,
        safety,
        interestedPeers: (userId) => messaging.partnersOf(userId),
      });
      const blobs = createBlobStore(config);
      const media = createMedia({ ...base, blobs });
      const creators = createCreators({ ...base, safety, messaging, media });
      const subscriptions = createSubscriptions({ ...base, safety, creators });
      const posts = createPosts({ ...base, safety, media, creators });
      const context: PairlyContext = {
        ...base,
        safety,
        messaging,
        presence,
        blobs,
        media,
        creators,
        subscriptions,
        posts,
      };
      registerCreditRoutes(app, context);
      registerCreditSweeps(app, context);
      registerPromotionRoutes(app, context);
      registerGiftRoutes(app, context);
      registerSafety(app, context);
      registerMessaging(app, context);
      registerMessageInteractions(app, context);
      registerPresence(app, context);
      registerPayments(app, context);
      registerPayouts(app, context);
      registerMedia(app, context);
      registerCreators(app, context);
      registerSubscriptions(app, context);
      registerPosts(app, context);
    },
  };
}

export const pairlyApp = createPairlyApp();
