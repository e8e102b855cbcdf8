// Owns the private service instances outage tests start for themselves, so they can stop, pause,
// kill and restart a dependency without touching the machine's shared ones. A private Redis listens
// on a free 127.0.0.1 port and keeps nothing on disk (no RDB, no AOF): a restart comes back empty,
// as a production Redis without persistence does.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Whether a suite that starts its own `name` server can run. Without the binary it skips (and says
 * so), except under REQUIRE_SERVICE_SUITES=1, which CI's services pass sets: there a missing binary
 * fails the suite instead of letting it pass without running.
 */
export function serviceAvailable(name: string, present: boolean): boolean {
  if (!present && process.env.REQUIRE_SERVICE_SUITES === '1') {
    throw new Error(`${name} is not installed, and REQUIRE_SERVICE_SUITES=1 says its suites must run`);
  }
  return present;
}

/** Whether `redis-server` is on the PATH (see serviceAvailable). */
export const hasRedisServer: boolean = serviceAvailable(
  'redis-server',
  (() => {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })(),
);

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface OwnRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, for `REDIS_URL`. */
  readonly url: string;
  /** Freezes the server (SIGSTOP): connections stay open but nothing answers. */
  pause(): void;
  resume(): void;
  /** Shuts the server down (SIGTERM) and waits for it to exit; nothing is saved. */
  stop(): Promise<void>;
  /** Kills the server outright (SIGKILL) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts an empty server on the same port; stops the current one first if it still runs. */
  restart(): Promise<void>;
  /** Kills the server whatever its state; for afterAll. */
  close(): Promise<void>;
}

function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4096);
      if (output.includes('Ready to accept connections')) {
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(child);
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server on port ${port} exited with ${code}`)));
  });
}

async function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // A paused server must run again to act on SIGTERM.
  child.kill('SIGCONT');
  child.kill(signal);
  await exited;
}

/** Starts a private, empty redis-server on a free 127.0.0.1 port. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child = await spawnRedis(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop: () => signalAndWait(child, 'SIGTERM'),
    kill: () => signalAndWait(child, 'SIGKILL'),
    async restart() {
      await signalAndWait(child, 'SIGTERM');
      child = await spawnRedis(port);
    },
    close: () => signalAndWait(child, 'SIGKILL'),
  };
}
