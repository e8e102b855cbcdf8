// Owns authenticating a WebSocket connection (pairly spec, section 7): the client's first message
// must be `{"type":"auth","token":"<access token>"}` within the deadline; the token is verified like
// a request's (signature, claims, revoked session) and its user must be the one the connection
// claims to be (for example the :userId in the URL). Any failure closes the socket with a specific
// code so clients can tell "sign in again" from "too slow" from "not you" from "try again later"
// (the revocation check could not reach the database: that is no reason to sign in again).
import { isAppError } from '../errors/index.js';
import type { AuthContext } from './identity.js';
import type { SessionService } from './sessions.js';
import type { TokenService } from './tokens.js';

export const WS_CLOSE = {
  /** The first message was not an auth message. */
  protocolError: 4400,
  /** The token is invalid, expired or its session revoked. */
  unauthenticated: 4401,
  /** The token belongs to another user than the connection claims. */
  userMismatch: 4403,
  /** No auth message arrived in time. */
  authTimeout: 4408,
  /** The token could not be checked right now (RFC 6455 "Try Again Later"). */
  tryAgainLater: 1013,
} as const;

/** The part of a `ws` WebSocket this needs. */
export interface AuthenticatingSocket {
  once(event: 'message', listener: (data: unknown) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  send(data: string): void;
  close(code: number, reason: string): void;
}

export interface ConnectionAuthOptions {
  tokens: Pick<TokenService, 'verify'>;
  sessions: Pick<SessionService, 'isRevoked'>;
  /** The user the connection claims to be; the token's subject must match it. */
  claimedUserId?: string;
  timeoutMs?: number;
}

function readToken(data: unknown): string | null {
  try {
    const message = JSON.parse(String(data)) as { type?: unknown; token?: unknown };
    return message.type === 'auth' && typeof message.token === 'string' && message.token.length < 4096
      ? message.token
      : null;
  } catch {
    return null;
  }
}

/** Resolves with the caller once authenticated, or null after closing the socket with the reason. */
export function authenticateConnection(
  socket: AuthenticatingSocket,
  options: ConnectionAuthOptions,
): Promise<AuthContext | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (context: AuthContext | null, close?: { code: number; reason: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (close) socket.close(close.code, close.reason);
      resolve(context);
    };
    const timer = setTimeout(
      () => finish(null, { code: WS_CLOSE.authTimeout, reason: 'authentication timed out' }),
      options.timeoutMs ?? 5000,
    );
    socket.once('close', () => finish(null));
    socket.once('message', async (data) => {
      const token = readToken(data);
      // An empty token is still an auth message: its sender must sign in (4401), not fix the protocol.
      if (token === null)
        return finish(null, {
          code: WS_CLOSE.protocolError,
          reason: 'first message must be an auth message',
        });
      try {
        const claims = await options.tokens.verify(token);
        if (await options.sessions.isRevoked(claims.rtid)) {
          return finish(null, { code: WS_CLOSE.unauthenticated, reason: 'session ended' });
        }
        if (options.claimedUserId !== undefined && options.claimedUserId !== claims.sub) {
          return finish(null, { code: WS_CLOSE.userMismatch, reason: 'token is for another user' });
        }
        socket.send(JSON.stringify({ type: 'auth_ok' }));
        finish({ userId: claims.sub, role: claims.role, sessionId: claims.rtid, via: 'bearer' });
      } catch (error) {
        if (isAppError(error) && error.kind === 'unauthenticated') {
          finish(null, { code: WS_CLOSE.unauthenticated, reason: 'invalid token' });
        } else {
          finish(null, { code: WS_CLOSE.tryAgainLater, reason: 'cannot check the token now' });
        }
      }
    });
  });
}
