// Owns the private PostgreSQL server outage tests start for themselves, so they can stop and restart
// a database without touching the machine's shared one. `initdb` makes a throwaway cluster in a
// temporary directory (trust authentication, no durability: fsync off) and `postgres` serves it on
// a free 127.0.0.1 port. PostgreSQL refuses to run as root, so under root both run as the
// `postgres` system user (setpriv) on a directory chowned to it. The server is tied to the test
// process (parent-death signal), so a crashed test run leaves no server behind.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, serviceAvailable } from './own-services.js';

const SEARCH_ROOT = '/usr/lib/postgresql';

/** The newest installed server's bin directory, or undefined when PostgreSQL is not installed. */
export const postgresBinDir: string | undefined = (() => {
  if (!existsSync(SEARCH_ROOT)) return undefined;
  const versions = readdirSync(SEARCH_ROOT)
    .filter((version) => existsSync(join(SEARCH_ROOT, version, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(SEARCH_ROOT, versions[0], 'bin');
})();

/** Whether a private PostgreSQL can be started (see serviceAvailable). */
export const hasPostgresServer = serviceAvailable('PostgreSQL server binaries', postgresBinDir !== undefined);

export interface OwnPostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for `DATABASE_URL`. */
  readonly url: string;
  /** Fast shutdown (SIGINT): open sessions are terminated, then the server exits. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data (stops it first if it still runs). */
  restart(): Promise<void>;
  /** Stops the server whatever its state and deletes its files; for afterAll. */
  close(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

/** The command line that runs `binary` as an unprivileged user, dying with this process. */
function unprivileged(binary: string, args: string[]): [string, string[]] {
  const die = ['--pdeathsig', 'SIGQUIT'];
  if (!asRoot) return ['setpriv', [...die, '--', binary, ...args]];
  return [
    'setpriv',
    ['--reuid=postgres', '--regid=postgres', '--init-groups', ...die, '--', binary, ...args],
  ];
}

function spawnPostgres(
  binDir: string,
  dataDir: string,
  socketDir: string,
  port: number,
): Promise<ChildProcess> {
  const [command, args] = unprivileged(join(binDir, 'postgres'), [
    ...['-D', dataDir, '-p', String(port), '-k', socketDir],
    ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
    ...['-c', 'full_page_writes=off', '-c', 'shared_buffers=16MB', '-c', 'max_connections=40'],
  ]);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4096);
      if (output.includes('database system is ready to accept connections')) {
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve(child);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`postgres on port ${port} exited with ${code}: ${output}`)),
    );
  });
}

async function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** Creates a throwaway cluster and starts a private PostgreSQL on a free 127.0.0.1 port. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const binDir = postgresBinDir;
  if (!binDir) throw new Error(`no PostgreSQL server binaries under ${SEARCH_ROOT}`);
  const dir = mkdtempSync(join(tmpdir(), 'own-postgres-'));
  const dataDir = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const [command, args] = unprivileged(join(binDir, 'initdb'), [
    ...['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
  ]);
  execFileSync(command, args, { stdio: 'ignore' });
  const port = await freePort();
  let child = await spawnPostgres(binDir, dataDir, dir, port);
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => signalAndWait(child, 'SIGINT'),
    async restart() {
      await signalAndWait(child, 'SIGINT');
      child = await spawnPostgres(binDir, dataDir, dir, port);
    },
    async close() {
      await signalAndWait(child, 'SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
