// Owns the ledger benchmark's throwaway database: created on the server at DATABASE_URL under a
// random name, migrated with the platform's migrator exactly as the pairly app is (platform, auth,
// pairly), seeded with users whose spendable accounts are funded through the ledger itself
// (credits_post, so every balance is the sum of its entries), and dropped again afterwards. The bare
// baseline's plain transfer table lives here too.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createDatabase, type Database, platformMigrations, runMigrations } from '@app/platform';
import pg from 'pg';
import { createPairlyApp } from '../../apps/pairly/src/app.js';
import { SYSTEM_ACCOUNTS } from '../../apps/pairly/src/modules/credits/ledger.js';

export interface BenchDatabase {
  db: Database;
  name: string;
  /** Ids of the seeded fans, whose spendable accounts are funded. */
  userIds: string[];
  /** The creator every transfer of the hot-account phase pays (its earnings account). */
  creatorId: string;
  /** Account id of each user's spendable account, and the creator's earnings account. */
  spendableOf: Map<string, string>;
  creatorEarnings: string;
  /** Server-side deadlocks in this database so far (pg_stat_database). */
  deadlocks(): Promise<number>;
  /** CPU milliseconds each of this pool's server backends has used so far (from /proc; empty if unreadable). */
  serverCpuMs(): Promise<Map<number, number>>;
  drop(): Promise<void>;
}

const FUNDING_BATCH = 1_000;
// /proc/<pid>/stat counts CPU in clock ticks, 100 per second on Linux.
const MS_PER_TICK = 10;

function backendCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return undefined;
  }
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function createBenchDatabase(
  url: string,
  options: { users: number; opening: number; poolMax: number; synchronousCommit: boolean },
): Promise<BenchDatabase> {
  const name = `bench_ledger_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url, application_name: 'bench-ledger-admin' });
  await admin.connect();
  await admin.query(`create database ${name}`);
  // Off only to see what the CPU allows when commits need not wait for the disk.
  if (!options.synchronousCommit) await admin.query(`alter database ${name} set synchronous_commit = off`);
  let db: Database | undefined;
  const drop = async () => {
    await db?.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  };
  try {
    db = await createDatabase({
      url: withDatabaseName(url, name),
      poolMax: options.poolMax,
      applicationName: 'bench-ledger',
    });
    await runMigrations(db, [platformMigrations, ...createPairlyApp().migrations]);
    await db.executeSql(`
      create table bench_bare_transfers (
        id bigint generated always as identity primary key,
        debit uuid not null,
        credit uuid not null,
        amount bigint not null,
        created_at timestamptz not null
      )`);

    const creatorId = randomUUID();
    const userIds = Array.from({ length: options.users }, () => randomUUID());
    await db.executeSql(
      `insert into auth_users (id, email, password_hash, role, created_at, password_changed_at)
       select id, 'bench-' || id || '@example.com', 'x', case when id = $1 then 'creator' else 'fan' end, now(), now()
         from unnest($2::uuid[]) as id`,
      [creatorId, [creatorId, ...userIds]],
    );
    await db.executeSql(
      `insert into credit_accounts (id, owner_id, kind, created_at)
       select gen_random_uuid(), id, 'spendable', now() from unnest($1::uuid[]) as id`,
      [userIds],
    );
    await db.executeSql(
      `insert into credit_accounts (id, owner_id, kind, created_at) values (gen_random_uuid(), $1, 'earnings', now())`,
      [creatorId],
    );
    const { rows } = await db.executeSql(
      'select id, owner_id, kind from credit_accounts where owner_id is not null',
    );
    const spendableOf = new Map<string, string>();
    let creatorEarnings = '';
    for (const row of rows as Array<{ id: string; owner_id: string; kind: string }>) {
      if (row.kind === 'earnings') creatorEarnings = row.id;
      else spendableOf.set(row.owner_id, row.id);
    }
    for (let start = 0; start < userIds.length; start += FUNDING_BATCH) {
      const legs = userIds.slice(start, start + FUNDING_BATCH).map((userId) => ({
        debit: SYSTEM_ACCOUNTS.purchases,
        credit: spendableOf.get(userId),
        amount: options.opening,
        kind: 'purchase',
      }));
      await db.executeSql('select credits_post($1::jsonb, null, now())', [JSON.stringify(legs)]);
    }
    await db.executeSql('vacuum analyze');

    return {
      db,
      name,
      userIds,
      creatorId,
      spendableOf,
      creatorEarnings,
      async deadlocks() {
        const { rows: stats } = await admin.query<{ deadlocks: string }>(
          'select deadlocks from pg_stat_database where datname = $1',
          [name],
        );
        return Number(stats[0]?.deadlocks ?? 0);
      },
      async serverCpuMs() {
        const { rows: usage } = await admin.query<{ pid: number }>(
          `select pid from pg_stat_activity where datname = $1 and application_name = 'bench-ledger'`,
          [name],
        );
        const cpuMs = new Map<number, number>();
        for (const { pid } of usage) {
          const ms = backendCpuMs(pid);
          if (ms !== undefined) cpuMs.set(pid, ms);
        }
        return cpuMs;
      },
      drop,
    };
  } catch (error) {
    await drop();
    throw error;
  }
}
