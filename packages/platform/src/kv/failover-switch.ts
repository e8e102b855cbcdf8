// Owns the one circuit breaker the Redis-backed mechanisms share (the rate limiter, the sign-in
// throttles, session revocation): work goes to the primary while it answers within its time-out; a
// failure or a time-out starts an outage, reported once, during which work goes straight to the
// fallback except for one probe per interval, and the first probe that succeeds ends the outage.
// Only a probe ends it: a call sent before the outage began may still succeed late.

/** Rejects when `work` has not settled within `timeoutMs`, naming what gave no answer. */
export function withinTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} gave no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export interface FailoverSwitchOptions {
  /** What the primary is, for the time-out error: "rate-limit store". */
  name: string;
  /** Longest wait for the primary; undefined for a primary that cannot hang (the memory store). */
  timeoutMs: number | undefined;
  /** Least time between two tries of the primary during an outage. */
  probeIntervalMs: number;
  /** Milliseconds on the clock that paces the probes. */
  now: () => number;
  /** Called once when an outage starts, with the error that revealed it. */
  onOutage: (error: unknown) => void;
  /** Called once when the primary answers a probe again. */
  onRecovery: () => void;
}

export interface FailoverStatus {
  /** True while work goes to the fallback. */
  degraded: boolean;
  /** Outages so far: a counter for metrics. */
  outages: number;
  /** Work done by the fallback because the primary was down: a counter for metrics. */
  fallbackRuns: number;
}

export interface FailoverSwitch {
  run<T>(primary: () => Promise<T>, fallback: () => T | Promise<T>): Promise<T>;
  status(): FailoverStatus;
}

export function createFailoverSwitch(options: FailoverSwitchOptions): FailoverSwitch {
  const { name, timeoutMs, probeIntervalMs, now, onOutage, onRecovery } = options;
  let degraded = false;
  let nextProbeAt = 0;
  let outages = 0;
  let fallbackRuns = 0;

  return {
    async run(primary, fallback) {
      const probe = degraded;
      if (!probe || now() >= nextProbeAt) {
        // Claimed before awaiting, so calls arriving meanwhile go straight to the fallback.
        if (probe) nextProbeAt = now() + probeIntervalMs;
        try {
          const result = await (timeoutMs === undefined
            ? primary()
            : withinTimeout(primary(), timeoutMs, name));
          if (probe && degraded) {
            degraded = false;
            onRecovery();
          }
          return result;
        } catch (error) {
          if (!degraded) {
            degraded = true;
            nextProbeAt = now() + probeIntervalMs;
            outages += 1;
            onOutage(error);
          }
        }
      }
      fallbackRuns += 1;
      return fallback();
    },
    status: () => ({ degraded, outages, fallbackRuns }),
  };
}
