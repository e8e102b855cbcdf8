// The server bench/webhooks loads: the platform with one Stripe webhook endpoint whose handler does
// nothing but acknowledge, so what is measured is the machinery itself (raw-body parsing, signature
// check, the inbox's claim and row in one transaction, the answer). The secret comes from the
// environment the bench sets; the database is the one the platform is configured with.
import {
  type AppDefinition,
  createWebhookInbox,
  registerWebhookEndpoint,
  runMain,
  stripeSignatureScheme,
  webhookMigrations,
} from '@app/platform';

const secret = process.env.BENCH_WEBHOOK_SECRET;
if (!secret) throw new Error('BENCH_WEBHOOK_SECRET must be set (bench/webhooks/run.ts sets it)');

const benchApp: AppDefinition = {
  name: 'benchwebhooks',
  defaultPort: 0,
  api: {
    title: 'Webhook bench',
    version: '1.0.0',
    description: 'One Stripe webhook endpoint for bench/webhooks.',
  },
  migrations: [webhookMigrations],
  async registerModules(app, { db, clock }) {
    registerWebhookEndpoint(app, {
      path: '/webhooks/stripe',
      scheme: stripeSignatureScheme({ secrets: [secret] }),
      inbox: createWebhookInbox(db, 'stripe', clock),
      handler: async () => 'processed',
    });
  },
};

await runMain(benchApp);
