// Fuzzes every operation the pairly API publishes with thousands of generated bodies, headers and
// query strings (fast-check; the seed is printed, replay with FUZZ_SEED=<seed>): no answer is a 5xx,
// none shows a stack, SQL or a file path, and Object.prototype stays untouched. Webhook secrets are
// configured, as in production, so fuzzed deliveries to /webhooks/stripe and /webhooks/razorpay meet
// the signature checks (without one the endpoint rightly answers 503 webhooks_not_configured).
import { describeAppUnderFuzz } from '@app/platform/testing';
import { pairlyApp } from '../src/app.js';

describeAppUnderFuzz({
  definition: pairlyApp,
  signupRoles: ['fan', 'creator'],
  env: {
    STRIPE_WEBHOOK_SECRET: 'whsec_fuzz_0123456789abcdefghijklmnopqrstuv',
    RAZORPAY_WEBHOOK_SECRET: 'rzp_fuzz_0123456789abcdefghijklmnopqrstuv',
  },
});
