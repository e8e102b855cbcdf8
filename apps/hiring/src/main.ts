// Process entry point of the hiring backend: configuration, stores, listen, graceful shutdown.
import { runMain } from '@app/platform';
import { hiringApp } from './app.js';

await runMain(hiringApp);
