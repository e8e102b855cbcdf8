// Fuzzes every operation the hiring API publishes with thousands of generated bodies, headers and
// query strings (fast-check; the seed is printed, replay with FUZZ_SEED=<seed>): no answer is a 5xx,
// none shows a stack, SQL or a file path, and Object.prototype stays untouched.
import { describeAppUnderFuzz } from '@app/platform/testing';
import { hiringApp } from '../src/app.js';

describeAppUnderFuzz({ definition: hiringApp, signupRoles: ['candidate', 'employer'] });
