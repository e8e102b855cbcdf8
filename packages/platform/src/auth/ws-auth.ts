// Owns authenticating a WebSocket connection (pairly spec, section 7): the client's first message
// must be `{"type":"auth","token":"<access token>"}` within the deadline, unless it already
// presented its token in the upgrade (the gateway's `bearer.<token>` subprotocol); the token is
// verified like a request's (signature, claims, revoked session) and its user must be the one the
// connection claims to be (for example the :userId in the URL). Any failure closes the socket with a
// specific code so clients can tell "sign in again" from "too slow" from "not you" from "try again
// later" (the revocation check could not reach the database: that is no reason to sign in again).
// Frames a client pipelines behind its auth frame are held (the socket stops being read while the
// token is checked) and handed over with the caller by `authenticateSocket`, so none is lost.
import { isAppError } from '../errors/index.js';
import type { AuthContext } from './identity.js';
import type { SessionService } from './sessions.js';
import type { TokenService } from './tokens.js';

export const WS_CLOSE = {
  /** The first message was not an auth message (or too many frames came before auth_ok). */
  protocolError: 4400,
  /** The token is invalid, expired or its session revoked. */
  unauthenticated: 4401,
  /** The token belongs to another user than the connection claims. */
  userMismatch: 4403,
  /** No auth message arrived in time. */
  authTimeout: 4408,
  /** The user or the address is banned (`client_banned`, 403, over HTTP). */
  banned: 4003,
  /** The token could not be checked right now (RFC 6455 "Try Again Later"). */
  tryAgainLater: 1013,
} as const;

/** A frame received before auth_ok was sent, as `ws` gave it. */
export interface EarlyFrame {
  data: unknown;
  isBinary: boolean;
}

/** The part of a `ws` WebSocket this needs. */
export interface AuthenticatingSocket {
  on(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  off(event: 'message', listener: (data: unknown, isBinary: boolean) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  send(data: string): void;
  close(code: number, reason: string): void;
  /** Stops reading from the peer (`ws` has both); without them early frames are still held. */
  pause?(): void;
  resume?(): void;
}

export interface ConnectionAuthOptions {
  tokens: Pick<TokenService, 'verify'>;
  sessions: Pick<SessionService, 'isRevoked'>;
  /** The user the connection claims to be; the token's subject must match it. */
  claimedUserId?: string;
  timeoutMs?: number;
  /** A token the client presented in the upgrade: checked at once, no auth message is awaited. */
  token?: string;
  /**
   * Runs once the caller is authenticated, before `auth_ok` is sent; its fields are added to
   * `auth_ok`. If it throws, the socket is closed with 1013 (try again later) and the result is null.
   */
  accept?: (context: AuthContext) => Promise<Record<string, unknown>> | Record<string, unknown>;
}

export interface AuthenticatedSocket {
  context: AuthContext;
  /** Frames the client sent after its auth message, oldest first: the caller's to handle first. */
  early: EarlyFrame[];
}

/** Frames a client may send behind its auth message before the socket is closed (4400). */
const MAX_EARLY_FRAMES = 64;
const MAX_TOKEN_LENGTH = 4096;

function readToken(data: unknown): string | null {
  try {
    const message = JSON.parse(String(data)) as { type?: unknown; token?: unknown };
    return message.type === 'auth' &&
      typeof message.token === 'string' &&
      message.token.length < MAX_TOKEN_LENGTH
      ? message.token
      : null;
  } catch {
    return null;
  }
}

type Close = { code: number; reason: string };

/** Thrown by `accept` to refuse an authenticated socket with a close code of its own. */
export class ConnectionRefused extends Error {
  constructor(readonly close: Close) {
    super(close.reason);
  }
}

/** The caller a token names, or the close its failure calls for. */
async function verify(token: string, options: ConnectionAuthOptions): Promise<AuthContext | Close> {
  try {
    const claims = await options.tokens.verify(token);
    if (await options.sessions.isRevoked(claims.rtid)) {
      return { code: WS_CLOSE.unauthenticated, reason: 'session ended' };
    }
    if (options.claimedUserId !== undefined && options.claimedUserId !== claims.sub) {
      return { code: WS_CLOSE.userMismatch, reason: 'token is for another user' };
    }
    return { userId: claims.sub, role: claims.role, sessionId: claims.rtid, via: 'bearer' };
  } catch (error) {
    return isAppError(error) && error.kind === 'unauthenticated'
      ? { code: WS_CLOSE.unauthenticated, reason: 'invalid token' }
      : { code: WS_CLOSE.tryAgainLater, reason: 'cannot check the token now' };
  }
}

/** Resolves with the caller once authenticated, or null after closing the socket with the reason. */
export async function authenticateConnection(
  socket: AuthenticatingSocket,
  options: ConnectionAuthOptions,
): Promise<AuthContext | null> {
  return (await authenticateSocket(socket, options))?.context ?? null;
}

/**
 * Like authenticateConnection, with the frames the client pipelined behind its auth message. The
 * caller must start reading the socket before its next `await`: the socket is read again from then.
 */
export function authenticateSocket(
  socket: AuthenticatingSocket,
  options: ConnectionAuthOptions,
): Promise<AuthenticatedSocket | null> {
  return new Promise((resolve) => {
    let settled = false;
    let authFrameSeen = false;
    const early: EarlyFrame[] = [];
    const finish = (context: AuthContext | null, close?: Close) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.resume?.();
      if (close) socket.close(close.code, close.reason);
      resolve(context ? { context, early } : null);
    };
    const timer = setTimeout(
      () => finish(null, { code: WS_CLOSE.authTimeout, reason: 'authentication timed out' }),
      options.timeoutMs ?? 5000,
    );

    async function authenticate(token: string): Promise<void> {
      socket.pause?.();
      const outcome = await verify(token, options);
      if (settled) return;
      if (!('userId' in outcome)) return finish(null, outcome);
      try {
        const fields = (await options.accept?.(outcome)) ?? {};
        if (settled) return;
        socket.send(JSON.stringify({ type: 'auth_ok', ...fields }));
        finish(outcome);
      } catch (error) {
        finish(
          null,
          error instanceof ConnectionRefused
            ? error.close
            : { code: WS_CLOSE.tryAgainLater, reason: 'cannot open the connection now' },
        );
      }
    }

    function onMessage(data: unknown, isBinary: boolean): void {
      if (authFrameSeen || options.token !== undefined) {
        early.push({ data, isBinary });
        if (early.length > MAX_EARLY_FRAMES) {
          finish(null, { code: WS_CLOSE.protocolError, reason: 'too many frames before auth_ok' });
        }
        return;
      }
      authFrameSeen = true;
      const token = readToken(data);
      // An empty token is still an auth message: its sender must sign in (4401), not fix the protocol.
      if (token === null) {
        finish(null, { code: WS_CLOSE.protocolError, reason: 'first message must be an auth message' });
      } else {
        void authenticate(token);
      }
    }

    socket.once('close', () => finish(null));
    socket.on('message', onMessage);
    if (options.token !== undefined) void authenticate(options.token);
  });
}
