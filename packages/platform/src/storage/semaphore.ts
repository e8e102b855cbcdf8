// Owns a counting semaphore: at most `limit` tasks run at once, the others wait in line (first in,
// first out). Used to keep CPU-heavy work (image decoding on libuv's threadpool) from occupying
// every thread, so unrelated file and DNS work never waits behind it.
export interface Semaphore {
  /** Runs task once a slot is free; the slot is given back when it settles. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly running: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
}

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('semaphore limit must be >= 1');
  let running = 0;
  const queue: (() => void)[] = [];

  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running -= 1;
  };

  return {
    async run(task) {
      if (running < limit) running += 1;
      // The releasing task hands its slot over directly, so `running` stays at the limit.
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}
