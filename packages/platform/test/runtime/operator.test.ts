// Item 15: the operator command creates the first staff account or promotes one, for any app,
// audited as operator/cli, with roles checked against the app's access policy, and never opens an
// embedded database another process holds. Item 16: in development the mail outbox is readable
// through GET /dev/mail and the same command; in production the route is the ordinary 404.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../../src/auth/passwords.js';
import { identityDb } from '../../src/auth/schema.js';
import { createStaffAccount } from '../../src/auth/staff-accounts.js';
import { DataDirInUseError, lockDataDir } from '../../src/runtime/data-dir-lock.js';
import { firstRunNotes } from '../../src/runtime/first-run.js';
import {
  executeOperatorCommand,
  type OperatorCommand,
  parseOperatorArgs,
  UsageError,
} from '../../src/runtime/operator-cli.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp, identityTestPolicy } from '../fixtures/identity-app.js';
import { spawnEntry } from './process.js';

const hasher = createPasswordHasher({ memoryKiB: 1024, iterations: 1 });
let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp(identityApp);
});
afterAll(async () => {
  await t?.close();
});

async function run(command: OperatorCommand, password?: string, app: TestApp = t): Promise<string[]> {
  const printed: string[] = [];
  await executeOperatorCommand(command, {
    db: app.db,
    policy: identityTestPolicy,
    config: app.config,
    hasher,
    password,
    print: (line) => printed.push(line),
  });
  return printed;
}

const login = (email: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });

/** The role the account has once signed in, as the server reports it. */
async function roleAfterSignIn(email: string, password: string): Promise<unknown> {
  const signedIn = await login(email, password);
  expect(signedIn.statusCode).toBe(200);
  const me = await t.app.inject({
    method: 'GET',
    url: '/auth/me',
    headers: { authorization: `Bearer ${signedIn.json().accessToken}` },
  });
  return me.json().role;
}

const auditOf = (action: string, targetId: string) =>
  identityDb(t.db)
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .executeTakeFirstOrThrow();

const asJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

describe('operator command: staff accounts', () => {
  it('item 15: create-staff makes an admin who can sign in with the password printed once, audited as operator/cli', async () => {
    const printed = await run({ name: 'create-staff', email: ' Boss@Example.com ', role: 'admin' });
    const password = printed.join('\n').match(/password \(shown once[^)]*\): (\S+)/)?.[1];
    expect(password).toBeDefined();
    expect(await roleAfterSignIn('boss@example.com', password as string)).toBe('admin');
    const audit = await auditOf(
      'staff.created',
      (await login('boss@example.com', password as string)).json().user.id,
    );
    expect(audit).toMatchObject({ actor_id: null, user_agent: 'operator/cli' });
    expect(asJson(audit.after)).toEqual({ role: 'admin', by: 'operator/cli' });
    expect(audit.request_id).toMatch(/^cli-/);
  });

  it('item 15: a given password is used and never printed', async () => {
    const password = `given-${randomBytes(9).toString('base64url')}`;
    const printed = await run({ name: 'create-staff', email: 'ops@example.com', role: 'admin' }, password);
    expect(printed.join('\n')).not.toContain(password);
    expect((await login('ops@example.com', password)).statusCode).toBe(200);
  });

  it('item 15: promote gives an existing account a staff role, audited with its role before', async () => {
    const password = `member-${randomBytes(9).toString('base64url')}`;
    const signup = await t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email: 'member@example.com', password, role: 'member' },
    });
    expect(signup.statusCode).toBe(201);
    const printed = await run({ name: 'promote', email: 'MEMBER@example.com', role: 'admin' });
    expect(printed.join('\n')).toContain('member@example.com is now admin (was member)');
    expect(await roleAfterSignIn('member@example.com', password)).toBe('admin');
    const audit = await auditOf('staff.promoted', signup.json().user.id);
    expect(asJson(audit.before)).toEqual({ role: 'member' });
    expect(asJson(audit.after)).toEqual({ role: 'admin', by: 'operator/cli' });
  });

  it("item 15: roles are checked against the app's policy: sign-up and unknown roles are refused, naming the staff roles", async () => {
    const apps = { ident: { definition: identityApp, policy: identityTestPolicy } };
    for (const role of ['member', 'editor', 'superuser']) {
      expect(() =>
        parseOperatorArgs(
          ['--app', 'ident', 'create-staff', '--email', 'x@example.com', '--role', role],
          apps,
        ),
      ).toThrow(/not a staff role of ident: admin/);
    }
    expect(() => parseOperatorArgs(['--app', 'nope', 'mail'], apps)).toThrow(UsageError);
    expect(() => parseOperatorArgs(['--app', 'ident', 'promote', '--email', 'x@example.com'], apps)).toThrow(
      /needs --email and --role/,
    );
    await expect(
      createStaffAccount(
        { db: t.db, policy: identityTestPolicy, hasher, clock: t.clock },
        { email: 'x@example.com', role: 'member', password: 'a-long-unusual-passphrase-42' },
      ),
    ).rejects.toMatchObject({ code: 'role_not_staff' });
  });

  it('item 15: an existing email, a weak password and an unknown account get clear refusals', async () => {
    await expect(
      run({ name: 'create-staff', email: 'boss@example.com', role: 'admin' }, 'another-long-passphrase-77'),
    ).rejects.toMatchObject({ code: 'email_taken' });
    await expect(
      run({ name: 'create-staff', email: 'weak@example.com', role: 'admin' }, 'password'),
    ).rejects.toMatchObject({ code: 'password_rejected' });
    await expect(run({ name: 'promote', email: 'ghost@example.com', role: 'admin' })).rejects.toMatchObject({
      code: 'account_not_found',
    });
  });

  it('item 15: start-up explains how to create the first staff account only while there is none', async () => {
    const fresh = await buildTestApp(identityApp);
    try {
      const running = { config: fresh.config, db: fresh.db, url: 'http://127.0.0.1:1' };
      const before = await firstRunNotes(identityApp, running, identityTestPolicy);
      expect(before.join('\n')).toContain('npm run admin -- --app ident create-staff --email');
      await run({ name: 'create-staff', email: 'first@example.com', role: 'admin' }, undefined, fresh);
      const after = await firstRunNotes(identityApp, running, identityTestPolicy);
      expect(after.join('\n')).not.toContain('create-staff');
      expect(after.join('\n')).toContain('http://127.0.0.1:1/dev/mail');
    } finally {
      await fresh.close();
    }
  });
});

describe('operator command: the embedded database is one process at a time', () => {
  it('item 15: a data directory held by a live process is refused, one left by a dead process is taken over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      const dataDir = join(dir, 'pglite');
      writeFileSync(`${dataDir}.lock`, String(holder.pid));
      expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
      expect(() => lockDataDir(dataDir)).toThrow(`in use by process ${holder.pid}`);
      holder.kill();
      await new Promise((resolve) => holder.once('exit', resolve));
      const release = lockDataDir(dataDir);
      release();
    } finally {
      holder.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('item 15: the real command refuses a held data directory and a non-staff role with clear messages', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'admin-cli-'));
    const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      mkdirSync(join(dataDir, 'hiring'), { recursive: true });
      writeFileSync(join(dataDir, 'hiring', 'pglite.lock'), String(holder.pid));
      const env = { NODE_ENV: 'development', DATA_DIR: dataDir };
      const runAdmin = (args: string[]) => spawnEntry('scripts/admin.ts', env, args).done;
      const refused = await runAdmin(['--app', 'hiring', 'mail']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`in use by process ${holder.pid}`);
      const badRole = await runAdmin([
        '--app',
        'pairly',
        'create-staff',
        '--email',
        'a@example.com',
        '--role',
        'fan',
      ]);
      expect(badRole.code).toBe(2);
      expect(badRole.stderr).toContain(
        'not a staff role of pairly: moderator, finance, readonly, admin, superadmin',
      );
    } finally {
      holder.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('development mail outbox', () => {
  it('item 16: GET /dev/mail lists the latest outbox mails in development, newest first', async () => {
    await run(
      { name: 'create-staff', email: 'reader@example.com', role: 'admin' },
      'reader-long-passphrase-31',
    );
    for (const email of ['reader@example.com', 'boss@example.com']) {
      const forgot = await t.app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email } });
      expect(forgot.statusCode).toBe(202);
    }
    const response = await t.app.inject({ method: 'GET', url: '/dev/mail?limit=2' });
    expect(response.statusCode).toBe(200);
    const { messages } = response.json();
    expect(messages.map((message: { to: string }) => message.to)).toEqual([
      'boss@example.com',
      'reader@example.com',
    ]);
    expect(messages[0].text.length).toBeGreaterThan(0);
    expect(messages[0].createdAt).toMatch(/Z$/);
    expect((await t.app.inject({ method: 'GET', url: '/dev/mail?limit=0' })).statusCode).toBe(400);
  });

  it('item 16: the operator command prints the outbox in development and refuses in production', async () => {
    const printed = await run({ name: 'mail', limit: 1 });
    expect(printed[0]).toMatch(/^#\d+ \S+Z to boss@example.com: /);
    await expect(
      executeOperatorCommand(
        { name: 'mail', limit: 1 },
        {
          db: t.db,
          policy: identityTestPolicy,
          config: { ...t.config, env: 'production' },
          hasher,
          password: undefined,
          print: () => undefined,
        },
      ),
    ).rejects.toMatchObject({ code: 'development_only' });
  });

  it('item 16: /dev/mail answers only a peer on the loopback interface', async () => {
    const remote = await t.app.inject({ method: 'GET', url: '/dev/mail', remoteAddress: '10.1.2.3' });
    expect(remote.statusCode).toBe(404);
    expect(remote.json()).toMatchObject({ code: 'route_not_found' });
  });

  it('item 16: /dev/mail is the ordinary 404 in production and absent from the API docs', async () => {
    const secret = () => randomBytes(48).toString('base64url');
    const production = await buildTestApp(identityApp, {
      env: { NODE_ENV: 'production', JWT_SECRET: secret(), ENCRYPTION_KEY: secret(), EXPOSE_DOCS: 'true' },
    });
    try {
      const response = await production.app.inject({ method: 'GET', url: '/dev/mail' });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'route_not_found' });
      const docs = await t.app.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(Object.keys(docs.json().paths)).not.toContain('/dev/mail');
    } finally {
      await production.close();
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL)('operator command on PostgreSQL', () => {
  it('item 15: the real command migrates a fresh database and creates an audited admin there', async () => {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const name = `admin_cli_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(process.env.DATABASE_URL as string);
      url.pathname = `/${name}`;
      const result = await spawnEntry(
        'scripts/admin.ts',
        {
          NODE_ENV: 'development',
          DATABASE_URL: url.toString(),
          ADMIN_PASSWORD: 'a-long-unusual-passphrase-42',
        },
        ['--app', 'hiring', 'create-staff', '--email', 'root@example.com', '--role', 'admin'],
      ).done;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^created admin root@example.com/);
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const { rows } = await check.query(
        `SELECT u.role, a.user_agent FROM auth_users u JOIN audit_log a ON a.target_id = u.id::text
         WHERE u.email = 'root@example.com' AND a.action = 'staff.created'`,
      );
      await check.end();
      expect(rows).toEqual([{ role: 'admin', user_agent: 'operator/cli' }]);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 120_000);
});
