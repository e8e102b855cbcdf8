// Owns politeness towards each origin: at most `concurrency` requests in flight and at least
// `intervalMs` between the starts of two requests. Waiters are served in arrival order; one whose
// signal aborts leaves the queue without taking a slot. Never holds a slot while sleeping for a
// retry: callers release before they back off.
import { setTimeout as sleep } from 'node:timers/promises';

interface HostState {
  active: number;
  nextStart: number;
  queue: Array<() => void>;
}

export type HostGate = (origin: string, signal: AbortSignal) => Promise<() => void>;

export function createHostGate(concurrency: number, intervalMs: number): HostGate {
  const hosts = new Map<string, HostState>();

  function waitForSlot(state: HostState, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        state.queue.splice(state.queue.indexOf(wake), 1);
        reject(signal.reason);
      };
      state.queue.push(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  return async (origin, signal) => {
    signal.throwIfAborted();
    let state = hosts.get(origin);
    if (!state) {
      state = { active: 0, nextStart: 0, queue: [] };
      hosts.set(origin, state);
    }
    const host = state;
    if (host.active < Math.max(1, concurrency)) host.active += 1;
    else await waitForSlot(host, signal); // the releasing request hands its slot over
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = host.queue.shift();
      if (next) next();
      else host.active -= 1;
    };
    const now = performance.now();
    const start = Math.max(now, host.nextStart);
    host.nextStart = start + intervalMs;
    try {
      if (start > now) await sleep(start - now, undefined, { signal });
    } catch (error) {
      release();
      throw error;
    }
    return release;
  };
}
