// Process entry point of the pairly backend: configuration, stores, listen, graceful shutdown.
import { runMain } from '@app/platform';
import { createPairlyApp } from './app.js';
import { pairlyOptionsFromEnv } from './env-options.js';
import { pairlyAccessPolicy } from './modules/identity/access-policy.js';

await runMain(createPairlyApp(pairlyOptionsFromEnv()), { accessPolicy: pairlyAccessPolicy });
