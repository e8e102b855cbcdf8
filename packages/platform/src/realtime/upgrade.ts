// Owns what is checked before a WebSocket upgrade is accepted, while the request is still plain
// HTTP and can be refused with a status: the Origin against the CORS allow-list (403; no Origin is a
// non-browser client, allowed) and the instance's socket cap (503 with Retry-After). Bans and the
// request rate limit need nothing here: the rate limiter's onRequest hook runs on upgrades too and
// refuses a banned address (403 client_banned) before this guard. Also which subprotocol the server
// echoes: only the app's own, never the `bearer.<token>` one that carries a secret.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors/index.js';

export interface UpgradeChecks {
  /** CORS_ORIGINS: exact origins, or `*` (development) for any. */
  allowedOrigins: readonly string[];
  maxSockets: number;
  /** Sockets this instance holds now, authenticated or not. */
  openSockets(): number;
}

const CAP_RETRY_AFTER_SECONDS = 5;

export function upgradeGuard(checks: UpgradeChecks) {
  const anyOrigin = checks.allowedOrigins.includes('*');
  const allowed = new Set(checks.allowedOrigins);
  return async function guardUpgrade(request: FastifyRequest): Promise<void> {
    const origin = request.headers.origin;
    if (origin !== undefined && !anyOrigin && !allowed.has(origin)) {
      throw new AppError({
        kind: 'forbidden',
        code: 'origin_not_allowed',
        detail: 'This origin may not open a realtime connection.',
      });
    }
    if (checks.openSockets() >= checks.maxSockets) {
      throw new AppError({
        kind: 'unavailable',
        code: 'realtime_full',
        detail: 'This instance holds as many realtime connections as it may; try again shortly.',
        retryAfterSeconds: CAP_RETRY_AFTER_SECONDS,
      });
    }
  };
}

/** `ws`'s handleProtocols: the app's subprotocol when offered, else none. */
export function selectProtocol(subprotocol: string) {
  return (offered: Set<string>): string | false => (offered.has(subprotocol) ? subprotocol : false);
}
