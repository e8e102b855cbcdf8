// Owns recognising "the database cannot be reached right now" among everything a query can throw,
// so the HTTP kernel answers it as 503 with Retry-After (a client or load balancer retries) instead
// of 500 (a bug). It covers refused, reset and timed-out connections, the server shutting down or
// not yet accepting connections, any SQLSTATE class 08 connection exception, too many connections,
// and node-postgres's own messages for a pool checkout timeout or a connection that died mid-query.
// The error itself, its `cause` chain and the members of an AggregateError (one per address tried)
// are inspected.

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

// node-postgres and pg-pool raise these without a code.
const DRIVER_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
];

function isUnavailableHere(error: { code?: unknown; message?: unknown }): boolean {
  const { code, message } = error;
  if (
    typeof code === 'string' &&
    (NETWORK_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
  ) {
    return true;
  }
  return typeof message === 'string' && DRIVER_MESSAGES.some((prefix) => message.startsWith(prefix));
}

/** Whether the error (or what caused it) means the database is unreachable for now. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const candidate = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (isUnavailableHere(candidate)) return true;
  if (
    Array.isArray(candidate.errors) &&
    candidate.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))
  ) {
    return true;
  }
  return isDatabaseUnavailable(candidate.cause, depth + 1);
}
