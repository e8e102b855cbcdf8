// Owns the GCRA (generic cell rate algorithm) decision. A key keeps one number, its theoretical
// arrival time (TAT), and a request is admitted while the TAT stays within one period of now. Unlike a
// fixed window it refills smoothly (no double burst across a window edge), unlike a sorted-set log
// it stores one value per key instead of one per request, and read-decide-write fits one Lua call.
// Time is whole microseconds so JavaScript and Redis's Lua, both on doubles, decide bit for bit alike.

export interface GcraInput {
  /** The stored TAT in µs since the epoch; null for a key never seen or expired. */
  tatUs: number | null;
  nowUs: number;
  limit: number;
  periodMs: number;
  /** How many requests this call counts as; default 1. */
  cost?: number;
}

export interface GcraDecision {
  allowed: boolean;
  /** The TAT to store; unchanged when refused. */
  newTatUs: number;
  /** Requests still admissible right now. */
  remaining: number;
  /** Until the whole limit is available again. */
  resetAfterMs: number;
  /** Until this request would be admitted; 0 when it was. */
  retryAfterMs: number;
}

export interface GcraParameters {
  /** Time one request occupies at the steady rate. */
  intervalUs: number;
  /** How far the TAT may run ahead of now: exactly `limit` intervals, so a burst of `limit` fits. */
  toleranceUs: number;
  costUs: number;
}

/** Throws on a rate or cost that no store can honour. */
export function gcraParameters(limit: number, periodMs: number, cost = 1): GcraParameters {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive whole number, got ${limit}`);
  }
  if (!Number.isSafeInteger(periodMs) || periodMs < 1) {
    throw new RangeError(`periodMs must be a positive whole number, got ${periodMs}`);
  }
  // Rounded to a whole µs, which must not move the steady rate by more than 0.1%.
  const exactUs = (periodMs * 1000) / limit;
  const intervalUs = Math.round(exactUs);
  if (intervalUs < 1 || Math.abs(intervalUs - exactUs) > exactUs / 1000) {
    throw new RangeError(`${limit} per ${periodMs} ms is too fast to time in whole microseconds`);
  }
  if (!Number.isSafeInteger(cost) || cost < 1 || cost > limit) {
    throw new RangeError(`cost must be a whole number from 1 to the limit (${limit}), got ${cost}`);
  }
  return { intervalUs, toleranceUs: intervalUs * limit, costUs: intervalUs * cost };
}

export function decide(input: GcraInput): GcraDecision {
  const { nowUs } = input;
  const { intervalUs, toleranceUs, costUs } = gcraParameters(input.limit, input.periodMs, input.cost);
  const tatUs = Math.max(input.tatUs ?? nowUs, nowUs);
  const candidateUs = tatUs + costUs;
  const allowed = candidateUs - nowUs <= toleranceUs;
  const newTatUs = allowed ? candidateUs : tatUs;
  return {
    allowed,
    newTatUs,
    // Clamped: a TAT stored under a higher limit can lie beyond this policy's tolerance.
    remaining: Math.max(0, Math.floor((toleranceUs - (newTatUs - nowUs)) / intervalUs)),
    resetAfterMs: Math.ceil((newTatUs - nowUs) / 1000),
    retryAfterMs: allowed ? 0 : Math.ceil((candidateUs - nowUs - toleranceUs) / 1000),
  };
}
