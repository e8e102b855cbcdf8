// Owns what the bench/realtime servers answer besides what they serve for real: the bench-only
// paths and the header that guards them, and the memory snapshot GET /bench/memory returns (the
// process's memory after a full garbage collection when it runs with --expose-gc), so the bench
// process reads the server's heap and RSS without its own client sockets being counted.
export const MEMORY_PATH = '/bench/memory';
export const FUND_PATH = '/bench/fund';
export const BENCH_TOKEN_HEADER = 'x-bench-token';

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Whether a full collection ran first (needs --expose-gc); without it heap figures are noisier. */
  collected: boolean;
}

export function memorySnapshot(): MemorySnapshot {
  const collect = (globalThis as { gc?: () => void }).gc;
  // Twice: the first pass may only queue finalizers whose memory the second frees.
  collect?.();
  collect?.();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, external, arrayBuffers, collected: collect !== undefined };
}
