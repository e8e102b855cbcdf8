// Owns exclusive access to a single-session database (PGlite): callers wait in arrival order and
// the holder keeps the session until it releases it, so a transaction's statements are never
// interleaved with anyone else's. A holder that leaves the session dirty (a hand-written BEGIN
// whose statement failed, so the transaction is aborted and refuses everything until it ends) is
// cleaned up by the `reset` hook before the next caller gets the session; without it one failing
// statement would poison every later query until a restart.

/** Puts the session back in a clean state; runs after every release, before the next holder. */
export type SessionReset = () => Promise<void>;

export class SessionQueue {
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;
  #held = false;

  constructor(private readonly reset?: SessionReset) {}

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
      const handOver = () => {
        this.#held = false;
        release();
      };
      if (!this.reset) return handOver();
      // A reset that fails leaves nothing better to do than hand over: the next statement reports
      // the session's state itself.
      this.reset().then(handOver, handOver);
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
