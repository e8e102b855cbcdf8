// Owns the presence module's timings and their defaults, and merging the app's overrides
// (PairlyAppOptions.presence) over them, checked once at start so a bad value fails loudly.
// The defaults follow the anchors (docs/presence.md): a heartbeat every 25 s, a lease of 60 s (a
// crashed client reads offline within 60 s), a 1 s grace after a clean close (offline within 2 s,
// yet a quick reconnect does not flap) and away after 5 minutes without user activity.
export interface PresenceOptions {
  /** How often a client (socket or REST) is expected to send a heartbeat, in ms. */
  heartbeatMs: number;
  /** How long a heartbeat keeps a connection's lease alive, in ms; 2-3 heartbeats. */
  leaseTtlMs: number;
  /** How long a cleanly closed connection's lease lives on, in ms, so a quick reconnect does not flap. */
  graceMs: number;
  /** Online turns away after this long without user activity, in ms. */
  awayAfterMs: number;
  /** How often each instance re-checks the users it holds leases for (expired leases, away), in ms. */
  sweepMs: number;
  /** When one instance re-checks every user shown online, for users whose instance died (pg-boss cron, UTC). */
  orphanSweepSchedule: string;
}

export const DEFAULT_PRESENCE_OPTIONS: PresenceOptions = {
  heartbeatMs: 25_000,
  leaseTtlMs: 60_000,
  graceMs: 1_000,
  awayAfterMs: 5 * 60_000,
  sweepMs: 5_000,
  orphanSweepSchedule: '* * * * *',
};

/** The app's presence options with defaults filled in; a bad value stops the app from starting. */
export function presenceOptions(overrides: Partial<PresenceOptions> = {}): PresenceOptions {
  const options = { ...DEFAULT_PRESENCE_OPTIONS, ...overrides };
  for (const name of ['heartbeatMs', 'leaseTtlMs', 'graceMs', 'awayAfterMs', 'sweepMs'] as const) {
    if (!Number.isSafeInteger(options[name]) || options[name] < 1) {
      throw new Error(`presence: ${name} must be a positive whole number of milliseconds`);
    }
  }
  if (options.leaseTtlMs <= options.heartbeatMs) {
    throw new Error('presence: leaseTtlMs must be longer than heartbeatMs (2-3 heartbeats)');
  }
  if (options.graceMs >= options.leaseTtlMs) {
    throw new Error('presence: graceMs must be shorter than leaseTtlMs');
  }
  return options;
}
