// Public surface of incoming webhooks: signature schemes (Stripe, Razorpay), the exactly-once inbox and the endpoint
// that ties them to a route (docs/webhooks.md).
import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '../db/migrations.js';

/** The inbox table; an app lists this set in its migrations to receive webhooks. */
export const webhookMigrations: MigrationSet = {
  scope: 'webhooks',
  directory: fileURLToPath(new URL('../../migrations/webhooks', import.meta.url)),
};

export { registerWebhookEndpoint } from './endpoint.js';
export { UnresolvedWebhookEvent, WebhookRejected } from './errors.js';
export { createWebhookInbox } from './inbox.js';
export {
  RAZORPAY_DEFAULT_TOLERANCE_SECONDS,
  razorpaySignatureScheme,
  verifyRazorpayCheckoutSignature,
} from './razorpay-signature.js';
export { stripeSignatureScheme } from './signature.js';
export type * from './types.js';
