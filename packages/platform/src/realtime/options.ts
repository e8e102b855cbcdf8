// Owns the gateway's limits and timings, their production defaults and their validation: every
// number here bounds what one client (or all of them) can make an instance hold or do. Apps pass a
// partial set (pairly: `createPairlyApp({ realtime })`); a bad value fails when the app starts.

export interface MessageRate {
  /** Frames admitted per period (GCRA: bursts up to `limit`, then one per `periodMs / limit`). */
  limit: number;
  periodMs: number;
}

export interface RealtimeOptions {
  /** The WebSocket route. */
  path: string;
  /** The subprotocol a client offers beside `bearer.<token>`; the only one the server echoes. */
  subprotocol: string;
  /** Time a socket has to authenticate (auth frame, or its Sec-WebSocket-Protocol token), in ms. */
  authTimeoutMs: number;
  /** A ping goes out this often; a socket that has not answered the previous one is terminated. */
  pingIntervalMs: number;
  /** Largest frame a client may send, in bytes; larger ones close the socket with 1009. */
  maxMessageBytes: number;
  /** Sockets this instance holds at most (authenticated or not); more are refused with 503 at the upgrade. */
  maxSockets: number;
  /** Authenticated sockets of one user on this instance; a new one closes the oldest (4409). */
  maxSocketsPerUser: number;
  /** Bytes waiting to be written to a socket above which ephemeral events (typing, presence) are dropped. */
  sendQueueHighWaterBytes: number;
  /** Bytes waiting to be written that a durable event may not push a socket past: it is closed instead (4008). */
  sendQueueMaxBytes: number;
  /** Frames one socket may send. */
  connectionRate: MessageRate;
  /** Frames one user may send across their sockets on this instance. */
  userRate: MessageRate;
  /** Refused frames tolerated per `connectionRate.periodMs` before the socket is closed (4429). */
  toleratedRefusals: number;
  /** Frames a socket may have waiting for their handler before the gateway stops reading from it. */
  maxPendingFrames: number;
  /** How often local sockets' sessions are checked for revocation (besides the pub/sub notice), in ms. */
  sessionRecheckMs: number;
  /** Events fetched per page from a stream source when a gap is repaired. */
  gapFetchLimit: number;
}

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = {
  path: '/realtime',
  subprotocol: 'realtime.v1',
  authTimeoutMs: 5_000,
  pingIntervalMs: 25_000,
  maxMessageBytes: 16 * 1024,
  maxSockets: 10_000,
  maxSocketsPerUser: 5,
  sendQueueHighWaterBytes: 256 * 1024,
  sendQueueMaxBytes: 1024 * 1024,
  connectionRate: { limit: 20, periodMs: 10_000 },
  userRate: { limit: 40, periodMs: 10_000 },
  toleratedRefusals: 5,
  maxPendingFrames: 16,
  sessionRecheckMs: 30_000,
  gapFetchLimit: 100,
};

export type RealtimeOptionsInput = Partial<Omit<RealtimeOptions, 'connectionRate' | 'userRate'>> & {
  connectionRate?: Partial<MessageRate>;
  userRate?: Partial<MessageRate>;
};

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The defaults overlaid with `input`; throws a RangeError naming the first bad value. */
export function resolveRealtimeOptions(input: RealtimeOptionsInput = {}): RealtimeOptions {
  const options: RealtimeOptions = {
    ...DEFAULT_REALTIME_OPTIONS,
    ...input,
    connectionRate: { ...DEFAULT_REALTIME_OPTIONS.connectionRate, ...input.connectionRate },
    userRate: { ...DEFAULT_REALTIME_OPTIONS.userRate, ...input.userRate },
  };
  const numbers: Record<string, number> = {
    authTimeoutMs: options.authTimeoutMs,
    pingIntervalMs: options.pingIntervalMs,
    maxMessageBytes: options.maxMessageBytes,
    maxSockets: options.maxSockets,
    maxSocketsPerUser: options.maxSocketsPerUser,
    sendQueueHighWaterBytes: options.sendQueueHighWaterBytes,
    sendQueueMaxBytes: options.sendQueueMaxBytes,
    'connectionRate.limit': options.connectionRate.limit,
    'connectionRate.periodMs': options.connectionRate.periodMs,
    'userRate.limit': options.userRate.limit,
    'userRate.periodMs': options.userRate.periodMs,
    toleratedRefusals: options.toleratedRefusals,
    maxPendingFrames: options.maxPendingFrames,
    sessionRecheckMs: options.sessionRecheckMs,
    gapFetchLimit: options.gapFetchLimit,
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`realtime option ${name} must be a positive whole number, got ${value}`);
    }
  }
  if (options.sendQueueMaxBytes < options.sendQueueHighWaterBytes) {
    throw new RangeError('realtime option sendQueueMaxBytes must be at least sendQueueHighWaterBytes');
  }
  if (!options.path.startsWith('/')) throw new RangeError(`realtime option path must start with "/"`);
  if (!TOKEN.test(options.subprotocol) || options.subprotocol.startsWith('bearer.')) {
    throw new RangeError(`realtime option subprotocol ${JSON.stringify(options.subprotocol)} is not usable`);
  }
  return options;
}
