// Owns a tiny FIFO semaphore: at most `maxConcurrent` tasks run at once, up to `maxQueued` more
// wait their turn in arrival order, and anything beyond that is refused at once with the caller's
// error, so a burst cannot pile up unbounded memory or latency.

export interface BoundedPoolOptions {
  maxConcurrent: number;
  maxQueued: number;
  /** Builds the error a caller gets when the queue is already full. */
  overloaded: () => Error;
}

export interface PoolStats {
  active: number;
  queued: number;
  /** The highest number of tasks ever running at once. */
  maxActiveSeen: number;
}

export interface BoundedPool {
  run<T>(task: () => Promise<T>): Promise<T>;
  stats(): PoolStats;
}

export function createBoundedPool({ maxConcurrent, maxQueued, overloaded }: BoundedPoolOptions): BoundedPool {
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be a positive integer, got ${maxConcurrent}`);
  }
  if (!Number.isInteger(maxQueued) || maxQueued < 0) {
    throw new RangeError(`maxQueued must be a non-negative integer, got ${maxQueued}`);
  }
  const waiting: Array<() => void> = [];
  let active = 0;
  let maxActiveSeen = 0;

  const acquire = (): Promise<void> => {
    if (active < maxConcurrent) {
      active += 1;
      maxActiveSeen = Math.max(maxActiveSeen, active);
      return Promise.resolve();
    }
    if (waiting.length >= maxQueued) return Promise.reject(overloaded());
    return new Promise((resolve) => waiting.push(resolve));
  };

  // A finished task hands its slot straight to the oldest waiter, so newcomers cannot jump the queue.
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };

  return {
    async run(task) {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
    stats: () => ({ active, queued: waiting.length, maxActiveSeen }),
  };
}
