// Owns the wire format of the realtime protocol (docs/realtime.md): the close codes, reading a
// client frame (`{type, id?, ...fields}`, JSON text only), the reply, error and event frames the
// server writes, and the `bearer.<token>` subprotocol a browser uses to authenticate in the upgrade.
import { WS_CLOSE } from '../auth/ws-auth.js';
import { isAppError, statusForKind } from '../errors/index.js';
import type { OutgoingEvent } from './types.js';

/** Every code the gateway closes a socket with. Codes 4000-4999 are the application's own. */
export const REALTIME_CLOSE = {
  ...WS_CLOSE,
  /** The client (or the server, for a clean end) closed normally. */
  normal: 1000,
  /** The instance is shutting down: reconnect (to another instance). */
  goingAway: 1001,
  /** Reported, never sent: the socket ended without a close frame (a missed ping, or the network). */
  abnormal: 1006,
  /** A frame larger than `maxMessageBytes`. */
  messageTooBig: 1009,
  /** A durable event could not be queued: the client read too slowly. Reconnect and resume. */
  slowConsumer: 4008,
  /** A newer socket of the same user replaced this one (`maxSocketsPerUser`). */
  replaced: 4409,
  /** The client kept sending after its frames were refused with `rate_limited`. */
  rateLimited: 4429,
} as const;

/** Frame types the gateway itself reads or writes; no handler or event may take them. */
export const RESERVED_TYPES = new Set(['auth', 'auth_ok', 'reply', 'error']);

const BEARER_PREFIX = 'bearer.';
const MAX_ID_LENGTH = 64;

export interface ClientFrame {
  type: string;
  id: string | undefined;
  /** Every field besides `type` and `id`: what the handler's schema validates. */
  fields: Record<string, unknown>;
}

export interface ErrorFrame {
  type: 'error';
  id?: string;
  code: string;
  status: number;
  detail: string;
  [field: string]: unknown;
}

export type FrameReading = { frame: ClientFrame } | { problem: ErrorFrame };

export function errorFrame(
  id: string | undefined,
  code: string,
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
): ErrorFrame {
  return { type: 'error', ...(id === undefined ? {} : { id }), code, status, detail, ...extra };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one client frame; a frame that is not a JSON object with a string `type` is a problem. */
export function readClientFrame(data: unknown, isBinary: boolean): FrameReading {
  const invalid = (detail: string, id?: string) => ({
    problem: errorFrame(id, 'invalid_frame', 400, detail),
  });
  if (isBinary) return invalid('Frames must be JSON text, not binary.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(data));
  } catch {
    return invalid('The frame is not valid JSON.');
  }
  if (!isRecord(parsed)) return invalid('A frame must be a JSON object.');
  const { type, id, ...fields } = parsed;
  if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH)) {
    return invalid(`"id" must be a string of 1 to ${MAX_ID_LENGTH} characters.`);
  }
  if (typeof type !== 'string' || type.length === 0) return invalid('A frame needs a string "type".', id);
  return { frame: { type, id, fields } };
}

/** The error frame for anything a handler threw; the second value is true when it must be logged. */
export function errorFrameFor(id: string | undefined, error: unknown): [ErrorFrame, boolean] {
  if (isAppError(error) && error.expose) {
    const extra = {
      ...(error.fields ? { fields: error.fields } : {}),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    };
    const frame = errorFrame(id, error.code, statusForKind(error.kind), error.message, extra);
    return [frame, frame.status >= 500];
  }
  return [errorFrame(id, 'internal', 500, 'Something went wrong; the failure was logged.'), true];
}

/** The frame an event is sent as: its payload, then `type`, `stream` and `seq` (which win). */
export function eventFrame(event: OutgoingEvent): Record<string, unknown> {
  return {
    ...event.payload,
    type: event.type,
    ...(event.stream ? { stream: event.stream.id, seq: event.stream.seq } : {}),
  };
}

/** Each event's frame as JSON text, kept per event object: one event handed to several sockets is serialised once. */
const eventTexts = new WeakMap<OutgoingEvent, string>();

/** The event's frame as JSON text (an event is not changed once it is sent). */
export function eventText(event: OutgoingEvent): string {
  let text = eventTexts.get(event);
  if (text === undefined) {
    text = JSON.stringify(eventFrame(event));
    eventTexts.set(event, text);
  }
  return text;
}

/** The offered subprotocols of an upgrade (`Sec-WebSocket-Protocol`), trimmed. */
export function offeredProtocols(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol.length > 0);
}

/** The access token a client put in its subprotocols as `bearer.<token>`, if any. */
export function bearerToken(protocols: readonly string[]): string | undefined {
  return protocols.find((protocol) => protocol.startsWith(BEARER_PREFIX))?.slice(BEARER_PREFIX.length);
}
