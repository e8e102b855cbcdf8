// `npm run admin -- --app <hiring|pairly> <command>` (and `npm run mail -- --app <app>`): the
// operator command for both apps: create or promote staff accounts, read the development outbox.
// See runtime/operator-cli.ts for the commands and docs/operations.md for when to use them.
import { runOperatorCli } from '@app/platform';
import { hiringApp } from '../apps/hiring/src/app.js';
import { hiringAccessPolicy } from '../apps/hiring/src/modules/identity/access-policy.js';
import { pairlyApp } from '../apps/pairly/src/app.js';
import { pairlyAccessPolicy } from '../apps/pairly/src/modules/identity/access-policy.js';

const apps = {
  hiring: { definition: hiringApp, policy: hiringAccessPolicy },
  pairly: { definition: pairlyApp, policy: pairlyAccessPolicy },
};

process.exitCode = await runOperatorCli(apps, process.argv.slice(2));
