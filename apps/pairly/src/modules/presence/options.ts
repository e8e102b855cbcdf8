// Owns the presence module's settings and their defaults (the presence helper fills this in).
export interface PresenceOptions {
  /** How often a client (socket or REST) is expected to send a heartbeat, in ms. */
  heartbeatMs: number;
}

export const DEFAULT_PRESENCE_OPTIONS: PresenceOptions = { heartbeatMs: 25_000 };
