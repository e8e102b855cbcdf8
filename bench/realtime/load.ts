// Owns the load generator both bench/realtime phases share, so the bare echo and the paid messages
// are measured by the same code: lean WebSocket clients (no frame history kept), lanes that send
// one message under a key and settle when it has gone all the way, a closed loop per lane with a
// bounded number of messages in flight for a fixed time, and the figures of a phase (throughput,
// latency percentiles, errors, CPU of the server process read from /proc and of this process).
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

export interface Frame {
  type: string;
  id?: string;
  [field: string]: unknown;
}

/** What became of one message: its latency as the lane defines it, or why it failed. */
export type Outcome = { latencyMs: number } | { error: string };

/** One sender (and, for messages, its recipient): sends a message under `key` and settles when done. */
export interface Lane {
  send(key: string): Promise<Outcome>;
}

export interface PhaseResult {
  completed: number;
  seconds: number;
  latencies: number[];
  errors: Record<string, number>;
  /** CPU of the server process, and of its database's own processes (PostgreSQL backends). */
  appCpuMs: number;
  databaseCpuMs: number;
  clientCpuMs: number;
}

export interface ServerCpu {
  app: number;
  database: number;
}

/** Opens a socket; rejects when the upgrade is refused (with the status) or the connection fails. */
export function connect(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      reject(new Error(`upgrade refused: ${response.statusCode}`));
    });
    socket.once('error', reject);
  });
}

/** Calls `listener` with every JSON frame the socket receives. */
export function onFrame(socket: WebSocket, listener: (frame: Frame) => void): void {
  socket.on('message', (data) => listener(JSON.parse(String(data)) as Frame));
}

/** Sends the auth frame and waits for `auth_ok`; rejects if the socket closes or nothing comes in time. */
export function authenticate(socket: WebSocket, token: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('no auth_ok in time')), timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type === 'auth_ok') done();
      else fail(new Error(`auth answered ${String(data)}`));
    };
    const onClose = (code: number, reason: Buffer) =>
      fail(new Error(`closed before auth_ok: ${code} ${reason}`));
    const cleanUp = () => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
    };
    const done = () => {
      cleanUp();
      resolve();
    };
    const fail = (error: Error) => {
      cleanUp();
      reject(error);
    };
    socket.on('message', onMessage);
    socket.once('close', onClose);
    socket.send(JSON.stringify({ type: 'auth', token }));
  });
}

/** Closes sockets and waits until every one has closed. */
export async function closeAll(sockets: readonly WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close(1000, 'bench done');
        }),
    ),
  );
}

/** Runs `open` for each index with at most `concurrency` running at once; resolves with all results in order. */
export async function inBatches<T>(
  count: number,
  concurrency: number,
  open: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await open(index);
      }
    }),
  );
  return results;
}

/**
 * Settles keyed waiters: a lane registers the key it sent and resolves the waiter when the matching
 * frame arrives; a waiter that sees nothing within the timeout fails with `timeout`.
 */
export function createWaiters<T>(timeoutMs: number) {
  const pending = new Map<
    string,
    { resolve: (value: T | { error: string }) => void; timer: NodeJS.Timeout }
  >();
  return {
    wait(key: string): Promise<T | { error: string }> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(key);
          resolve({ error: 'timeout' });
        }, timeoutMs);
        pending.set(key, { resolve, timer });
      });
    },
    settle(key: string, value: T | { error: string }): void {
      const waiter = pending.get(key);
      if (!waiter) return;
      pending.delete(key);
      clearTimeout(waiter.timer);
      waiter.resolve(value);
    },
  };
}

// /proc/<pid>/stat counts CPU in clock ticks, 100 per second on Linux.
const MS_PER_TICK = 10;

/** CPU milliseconds (user + system) a process has used so far, from /proc. */
export function processCpuMs(pid: number): number {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}

let keyCounter = 0;

/**
 * Drives every lane for `seconds`, each with `inFlight` messages outstanding at all times (a new one
 * is sent as soon as one settles), then waits for the last ones to settle.
 */
export async function drive(
  lanes: readonly Lane[],
  options: {
    seconds: number;
    inFlight: number;
    keyPrefix: string;
    /** CPU milliseconds the server process and its database's processes have used so far. */
    serverCpuMs: () => Promise<ServerCpu>;
  },
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const serverBefore = await options.serverCpuMs();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.seconds * 1_000;
  await Promise.all(
    lanes.flatMap((lane) =>
      Array.from({ length: options.inFlight }, async () => {
        while (performance.now() < deadline) {
          const outcome = await lane.send(`${options.keyPrefix}-${++keyCounter}`);
          if ('error' in outcome) errors[outcome.error] = (errors[outcome.error] ?? 0) + 1;
          else latencies.push(outcome.latencyMs);
        }
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1_000;
  const client = process.cpuUsage(clientBefore);
  return {
    completed: latencies.length,
    seconds,
    latencies,
    errors,
    ...(await options.serverCpuMs().then((after) => ({
      appCpuMs: after.app - serverBefore.app,
      databaseCpuMs: after.database - serverBefore.database,
    }))),
    clientCpuMs: (client.user + client.system) / 1_000,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** One row of the table from a phase's rounds: throughput over all rounds, latency over all messages. */
export function summarise(runs: readonly PhaseResult[]) {
  const total = (of: (run: PhaseResult) => number) => runs.reduce((sum, run) => sum + of(run), 0);
  const completed = total((run) => run.completed);
  const perMessageUs = (cpuMs: number) => Math.round((cpuMs * 1_000) / completed);
  const appCpuMs = total((run) => run.appCpuMs);
  const databaseCpuMs = total((run) => run.databaseCpuMs);
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  return {
    'msgs/s': Math.round(completed / total((run) => run.seconds)),
    'per round': runs.map((run) => Math.round(run.completed / run.seconds)).join(' / '),
    'p50 ms': Number(percentile(latencies, 50).toFixed(2)),
    'p99 ms': Number(percentile(latencies, 99).toFixed(2)),
    errors: total((run) => Object.values(run.errors).reduce((sum, n) => sum + n, 0)),
    /** Messages per second of server CPU (process and database): what one core spent on it would carry. */
    'msgs per server CPU-s': Math.round((completed * 1_000) / (appCpuMs + databaseCpuMs)),
    'app CPU µs/msg': perMessageUs(appCpuMs),
    'db CPU µs/msg': perMessageUs(databaseCpuMs),
    'client CPU µs/msg': perMessageUs(total((run) => run.clientCpuMs)),
  };
}
