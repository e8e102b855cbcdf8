// Owns the one access-log line per request (`http_request_complete`), written straight to the
// logger's destination instead of through pino's generic serialisation and redaction, which cost
// more than everything else the line needs. The bytes are the ones the logger would write: level,
// time, the logger's bindings, then requestId, event, method, route, status, durationMs, msg
// (test/http/access-line.test.ts pins them). What redaction would change is changed here: the only
// field a caller controls is a request id it sent, scrubbed of secret shapes when present; a
// generated id is a UUID, which never matches one. Methods and routes come from small fixed sets and
// are quoted once each; the ISO time is formatted once per millisecond. The logger's level is obeyed.
import pino from 'pino';
import type { Logger } from './logger.js';
import { scrubSecrets } from './redaction.js';

export interface AccessLogEntry {
  requestId: string;
  /** Whether the id came from the caller (X-Request-Id), which may carry anything it likes. */
  requestIdFromCaller: boolean;
  method: string;
  route: string;
  status: number;
  durationMs: number;
}

export type AccessLog = (entry: AccessLogEntry) => void;

// Method names and route patterns are bounded sets (unmatched requests share one route label).
const quoted = new Map<string, string>();
function quote(value: string): string {
  let text = quoted.get(value);
  if (text === undefined) {
    text = JSON.stringify(scrubSecrets(value));
    if (quoted.size < 10_000) quoted.set(value, text);
  }
  return text;
}

let isoMs = Number.NaN;
let iso = '';
function isoTime(ms: number): string {
  if (ms !== isoMs) {
    isoMs = ms;
    iso = new Date(ms).toISOString();
  }
  return iso;
}

export function createAccessLog(logger: Logger): AccessLog {
  // pino exports these symbols for this use: the destination and the logger's serialised bindings.
  const internals = logger as unknown as Record<symbol, unknown>;
  const destination = internals[pino.symbols.streamSym] as { write(line: string): unknown };
  return (entry) => {
    if (!logger.isLevelEnabled('info')) return;
    const requestId = entry.requestIdFromCaller
      ? JSON.stringify(scrubSecrets(entry.requestId))
      : `"${entry.requestId}"`;
    destination.write(
      `{"level":"info","time":"${isoTime(Date.now())}"${internals[pino.symbols.chindingsSym]},"requestId":${requestId},"event":"http_request_complete","method":${quote(entry.method)},"route":${quote(entry.route)},"status":${entry.status},"durationMs":${Math.round(entry.durationMs * 1000) / 1000},"msg":"http_request_complete"}\n`,
    );
  };
}
