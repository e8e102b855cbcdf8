// Process entry point of the pairly backend: configuration, stores, listen, graceful shutdown.
import { runMain } from '@app/platform';
import { pairlyApp } from './app.js';
import { pairlyAccessPolicy } from './modules/identity/access-policy.js';

await runMain(pairlyApp, { accessPolicy: pairlyAccessPolicy });
