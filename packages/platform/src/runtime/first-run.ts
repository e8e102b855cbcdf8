// Owns what start-up tells a person besides where the app listens: how to create the first staff
// account while nobody holds a staff role, and, outside production, where the development mail
// outbox can be read (the route and the operator command). Printed as plain lines on stdout.
import type { AccessPolicy } from '../auth/access-policy.js';
import { hasStaffAccount, staffRoles } from '../auth/staff-accounts.js';
import type { PlatformConfig } from '../config/index.js';
import type { Database } from '../db/types.js';
import type { AppDefinition } from './app-definition.js';
import { DEV_MAIL_PATH, devMailAvailable } from './dev-mail.js';

export async function firstRunNotes(
  definition: AppDefinition,
  running: { config: PlatformConfig; db: Database<unknown>; url: string },
  policy: AccessPolicy | undefined,
): Promise<string[]> {
  const notes: string[] = [];
  const app = definition.name;
  if (policy && !(await hasStaffAccount(running.db, policy))) {
    const role = staffRoles(policy).at(-1) ?? 'admin';
    // The embedded database is one process at a time (data-dir-lock.ts): the command waits for a stop.
    const when = running.config.databaseUrl ? '' : 'stop the app, then ';
    notes.push(
      `no staff account yet; ${when}create the first one with: npm run admin -- --app ${app} create-staff --email you@example.com --role ${role}`,
    );
  }
  if (devMailAvailable(running.config, definition)) {
    notes.push(
      `development mail (password resets and notices): ${running.url}${DEV_MAIL_PATH} or npm run mail -- --app ${app}`,
    );
  }
  return notes;
}
