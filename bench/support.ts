// Shared by the benchmarks: start a server entry in its own process, and load a URL with
// autocannon, reducing the result to the figures docs/benchmarks.md reports.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export interface Figures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function measure(options: autocannon.Options): Promise<Figures> {
  const result = await autocannon(options);
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

export interface ChildServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** The run with the median throughput (its latencies belong to the same run). */
export function median(runs: Figures[]): Figures {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor(sorted.length / 2)] as Figures;
}

/**
 * Starts a server entry in its own process with stdout going to a file (as it would to a log
 * collector), never through this process, which would otherwise compete with the load generator
 * for CPU; resolves once the server has written "listening on http://…".
 */
export async function startChildServer(entry: string, env: Record<string, string>): Promise<ChildServer> {
  const logDirectory = mkdtempSync(join(tmpdir(), 'bench-server-'));
  const logFile = join(logDirectory, 'stdout.log');
  const output = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', output, 'inherit'],
  });
  closeSync(output);
  // Never leave a server behind if the benchmark itself fails.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(logDirectory, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode} before listening`);
    const match = /listening on (http:\/\/[\d.:]+)/.exec(readFileSync(logFile, 'utf8'));
    if (match?.[1]) return { url: match[1], child, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`${entry} did not start listening within 60 s`);
}
