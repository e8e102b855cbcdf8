// Owns the operator command (scripts/admin.ts): create the first staff account or promote one, and
// read the development mail outbox, for any app, on the database the app itself uses (DATABASE_URL,
// or the embedded one, which must not be open in a running app: data-dir-lock.ts refuses). It
// parses and checks its arguments before opening anything, so a typo costs nothing.
import { readFileSync } from 'node:fs';
import type { AccessPolicy } from '../auth/access-policy.js';
import { readOutbox } from '../auth/mail.js';
import { createPasswordHasher, type PasswordHasher } from '../auth/passwords.js';
import { identityDb } from '../auth/schema.js';
import {
  createStaffAccount,
  generateStaffPassword,
  promoteToStaff,
  staffRoles,
} from '../auth/staff-accounts.js';
import type { PlatformConfig } from '../config/index.js';
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { systemClock } from '../time/clock.js';
import { migrateAppDatabase, openAppDatabase } from './app-database.js';
import type { AppDefinition } from './app-definition.js';
import { loadAppConfig } from './start-app.js';

export interface OperatorApp {
  definition: AppDefinition;
  policy: AccessPolicy;
}

export type OperatorCommand =
  | { name: 'create-staff'; email: string; role: string }
  | { name: 'promote'; email: string; role: string }
  | { name: 'mail'; limit: number };

export const OPERATOR_USAGE = `usage: npm run admin -- --app <app> <command> [options]
  create-staff --email <email> --role <staff role>
      creates a staff account; the password is read from ADMIN_PASSWORD, else from stdin when
      piped, else generated and printed once
  promote --email <email> --role <staff role>
      gives an existing account a staff role
  mail [--limit <n>]
      lists the latest mails of the development outbox (npm run mail -- --app <app>)
The embedded database is one process at a time: stop the app first, or use DATABASE_URL.`;

export class UsageError extends Error {}

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
  return value;
}

export function parseOperatorArgs(
  argv: string[],
  apps: Record<string, OperatorApp>,
): { app: OperatorApp; command: OperatorCommand } {
  const appName = option(argv, 'app');
  const app = appName ? apps[appName] : undefined;
  if (!app) throw new UsageError(`--app must be one of ${Object.keys(apps).join(', ')}`);
  const name = argv.find((arg, index) => !arg.startsWith('--') && !argv[index - 1]?.startsWith('--'));
  if (name === 'mail') {
    const limit = Number(option(argv, 'limit') ?? '20');
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      throw new UsageError('--limit must be 1 to 200');
    return { app, command: { name, limit } };
  }
  if (name !== 'create-staff' && name !== 'promote')
    throw new UsageError(`unknown command ${name ?? '(none)'}`);
  const email = option(argv, 'email');
  const role = option(argv, 'role');
  if (!email || !role) throw new UsageError(`${name} needs --email and --role`);
  const allowed = staffRoles(app.policy);
  if (!allowed.includes(role)) {
    throw new UsageError(
      `--role "${role}" is not a staff role of ${app.definition.name}: ${allowed.join(', ')}`,
    );
  }
  return { app, command: { name, email, role } };
}

export interface OperatorContext {
  db: Database<unknown>;
  policy: AccessPolicy;
  config: PlatformConfig;
  hasher: PasswordHasher;
  /** The password given for create-staff (env or stdin), or undefined to generate one. */
  password: string | undefined;
  print(line: string): void;
}

export async function executeOperatorCommand(
  command: OperatorCommand,
  context: OperatorContext,
): Promise<void> {
  const { db, policy, hasher, print } = context;
  const deps = { db, policy, hasher, clock: systemClock };
  switch (command.name) {
    case 'create-staff': {
      const password = context.password ?? generateStaffPassword();
      const created = await createStaffAccount(deps, { ...command, password });
      print(`created ${created.role} ${created.email} (id ${created.userId}); audited as operator/cli`);
      if (context.password === undefined)
        print(`password (shown once, change it after signing in): ${password}`);
      return;
    }
    case 'promote': {
      const promoted = await promoteToStaff(deps, command);
      print(
        `${promoted.email} is now ${promoted.role} (was ${promoted.previousRole}); audited as operator/cli`,
      );
      return;
    }
    case 'mail': {
      refuseMailInProduction(context.config);
      const messages = await readOutbox(identityDb(db), command.limit);
      if (messages.length === 0) print('the outbox is empty');
      for (const message of messages) {
        print(`#${message.id} ${message.createdAt.toISOString()} to ${message.to}: ${message.subject}`);
        print(`${message.text.replace(/^/gm, '    ')}\n`);
      }
      return;
    }
  }
}

/** The outbox holds live reset codes: it is read in development only. */
function refuseMailInProduction(config: OperatorContext['config']): void {
  if (config.env === 'production') {
    throw new AppError({
      kind: 'forbidden',
      code: 'development_only',
      detail: 'the mail outbox is shown in development only; production delivers mail through its provider',
    });
  }
}

function givenPassword(env: NodeJS.ProcessEnv): string | undefined {
  if (env.ADMIN_PASSWORD) return env.ADMIN_PASSWORD;
  if (process.stdin.isTTY) return undefined;
  const piped = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  return piped === '' ? undefined : piped;
}

/** The command's whole run; resolves with the exit code (0 done, 1 refused or failed, 2 usage). */
export async function runOperatorCli(
  apps: Record<string, OperatorApp>,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let parsed: ReturnType<typeof parseOperatorArgs>;
  try {
    parsed = parseOperatorArgs(argv, apps);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${OPERATOR_USAGE}\n`);
    return 2;
  }
  const { app, command } = parsed;
  const password = command.name === 'create-staff' ? givenPassword(env) : undefined;
  const config = loadAppConfig(app.definition, env);
  // Progress goes to stderr, so stdout carries only the answer (and a generated password).
  const { logger, flush } = createLogger({
    level: 'warn',
    service: `${config.appName}-admin`,
    fd: 2,
    stdout: 'immediate',
  });
  let db: Database<unknown> | undefined;
  try {
    // Refused before the production database is opened, let alone migrated.
    if (command.name === 'mail') refuseMailInProduction(config);
    db = await openAppDatabase(config, logger);
    await migrateAppDatabase(db, app.definition, logger);
    const print = (line: string) => process.stdout.write(`${line}\n`);
    await executeOperatorCommand(command, {
      db,
      policy: app.policy,
      config,
      hasher: createPasswordHasher(),
      password,
      print,
    });
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${config.appName}: ${message}\n`);
    return 1;
  } finally {
    await db?.close();
    await flush();
  }
}
