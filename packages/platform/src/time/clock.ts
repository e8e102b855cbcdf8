// Owns the notion of "now" used by services. Code that decides with time (expiries, lockouts,
// schedules) takes a Clock so tests can move time instead of sleeping. Always UTC.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
