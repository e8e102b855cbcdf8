// Owns the storage bench/realtime runs the pairly server on: the embedded PGlite by default, or, when
// DATABASE_URL is set, a throwaway database created on that PostgreSQL server under a random name
// (the server migrates it at start) and dropped afterwards, so a shared server is left as it was.
// It also reads the CPU the database spends, where it can: the PostgreSQL backends of the throwaway
// database (read from /proc, loopback only); PGlite runs inside the server process.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { processCpuMs } from './load.js';

export interface BenchStorage {
  /** For the summary: which database and key-value store the server used. */
  description: string;
  /** Whose CPU the server side's figure counts. */
  cpuScope: string;
  /** The server's environment for them. */
  env: Record<string, string>;
  /** CPU milliseconds the database's server processes have used so far (0 for the embedded one). */
  databaseCpuMs(): Promise<number>;
  drop(): Promise<void>;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function openBenchStorage(databaseUrl: string, redisUrl: string): Promise<BenchStorage> {
  const kv = redisUrl ? `Redis at ${new URL(redisUrl).host}` : 'the in-process key-value store';
  if (!databaseUrl) {
    return {
      description: `PGlite embedded (in the server process), ${kv}`,
      cpuScope: `the app process, PGlite included${redisUrl ? '; Redis not counted' : ''}`,
      env: { DATABASE_URL: '', REDIS_URL: redisUrl },
      databaseCpuMs: async () => 0,
      drop: async () => {},
    };
  }
  const name = `bench_realtime_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-realtime-admin' });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const backendCpu = new Map<number, number>();
  return {
    description: `PostgreSQL at ${new URL(databaseUrl).host} (database ${name}), ${kv}`,
    cpuScope: `the app process and its PostgreSQL backends${redisUrl ? '; Redis not counted' : ''}`,
    env: { DATABASE_URL: withDatabaseName(databaseUrl, name), REDIS_URL: redisUrl },
    async databaseCpuMs() {
      const { rows } = await admin.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      // A backend that has exited keeps the CPU it was last seen with.
      for (const { pid } of rows) {
        try {
          backendCpu.set(pid, processCpuMs(pid));
        } catch {
          // Not on this machine's /proc (a remote server): only the app's CPU is counted.
        }
      }
      return [...backendCpu.values()].reduce((sum, ms) => sum + ms, 0);
    },
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
