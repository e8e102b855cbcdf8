// Owns the gateway's limits and timings and their defaults (the gateway helper completes this).
export interface RealtimeOptions {
  /** The WebSocket route. */
  path: string;
  /** Time a socket has to send its auth frame, in ms. */
  authTimeoutMs: number;
}

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = { path: '/v1/realtime', authTimeoutMs: 5_000 };
