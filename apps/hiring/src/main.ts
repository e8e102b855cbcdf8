// Process entry point of the hiring backend: configuration, stores, listen, graceful shutdown.
import { runMain } from '@app/platform';
import { hiringApp } from './app.js';
import { hiringAccessPolicy } from './modules/identity/access-policy.js';

await runMain(hiringApp, { accessPolicy: hiringAccessPolicy });
