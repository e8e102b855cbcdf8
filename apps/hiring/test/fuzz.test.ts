// Fuzzes every operation the hiring API publishes with thousands of generated bodies, headers and
// query strings (fast-check; the seed is printed, replay with FUZZ_SEED=<seed>): no answer is a 5xx,
// none shows a stack, SQL or a file path, and Object.prototype stays untouched. A webhook secret is
// configured, as in production, so fuzzed deliveries to /webhooks/stripe meet the signature check
// (without one the endpoint rightly answers 503 webhooks_not_configured).
import { describeAppUnderFuzz } from '@app/platform/testing';
import { hiringApp } from '../src/app.js';

describeAppUnderFuzz({
  definition: hiringApp,
  signupRoles: ['candidate', 'employer'],
  env: { STRIPE_WEBHOOK_SECRET: 'whsec_fuzz_0123456789abcdefghijklmnopqrstuv' },
});
