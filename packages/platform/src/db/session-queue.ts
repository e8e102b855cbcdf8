// Owns exclusive access to a single-session database (PGlite): callers wait in arrival order and
// the holder keeps the session until it releases it, so a transaction's statements are never
// interleaved with anyone else's.

export class SessionQueue {
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;
  #held = false;

  /** Resolves with a release function once the caller holds the session. */
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => released);
    this.#waiting += 1;
    await previous;
    this.#waiting -= 1;
    this.#held = true;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#held = false;
      release();
    };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }

  get waiting(): number {
    return this.#waiting;
  }

  get held(): boolean {
    return this.#held;
  }
}
