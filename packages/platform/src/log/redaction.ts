// Owns what a log line must never contain: values under sensitive key names at any depth, and
// secret-shaped text (bearer credentials, JWTs, card numbers) inside any string. It never mutates
// the caller's data: a value is copied only on the path to something it had to change.
import pino from 'pino';

export const REDACTED = '[REDACTED]';
const TRUNCATED = '[Truncated]';
const CIRCULAR = '[Circular]';
const MAX_DEPTH = 8;

// Compared after lower-casing and dropping `_` and `-`, so `client_secret`, `X-Api-Key` and
// `setCookie` are all caught. A bare `code` is not redacted: it names error codes on every error
// line; one-time codes travel under the names above and request bodies are never logged.
// Short names match exactly: as substrings they would hit `footprint`
// (otp), `span` (pan) or `spinner` (pin).
const SENSITIVE_PARTS = [
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'authorization',
  'cookie',
  'signature',
  'privatekey',
  'sessionid',
  'cardnumber',
  'recoverycode',
  'backupcode',
  'otpcode',
  'resetcode',
  'verificationcode',
];
const SENSITIVE_NAMES = new Set(['otp', 'totp', 'pin', 'pan', 'cvc', 'cvv', 'iban', 'jwt']);

// Key names repeat from line to line, so the verdict is cached; the cap keeps keys that come from
// data (ids used as keys) from growing it without bound.
const verdicts = new Map<string, boolean>();
const MAX_CACHED_VERDICTS = 10_000;

function isSensitiveKey(key: string): boolean {
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    const name = key.toLowerCase().replace(/[-_]/g, '');
    verdict = SENSITIVE_NAMES.has(name) || SENSITIVE_PARTS.some((part) => name.includes(part));
    if (verdicts.size < MAX_CACHED_VERDICTS) verdicts.set(key, verdict);
  }
  return verdict;
}

// One pass over the text: a bearer credential, a JWT (three base64url segments, the header
// starting `eyJ`), or 13-19 digits optionally grouped by spaces or dashes standing alone as a token
// (so the digit groups of a UUID never match).
const SECRET_SHAPED =
  /(\bBearer\s+)\S+|(eyJ[\w-]+\.[\w-]+\.[\w-]*)|(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/gi;

export function scrubSecrets(text: string): string {
  return text.replace(SECRET_SHAPED, (_match, bearer?: string, jwt?: string) => {
    if (bearer) return `${bearer}${REDACTED}`;
    return jwt ? '[REDACTED_JWT]' : '[REDACTED_PAN]';
  });
}

/** Returns `value` itself when nothing in it is sensitive, otherwise a redacted copy. Errors
 * anywhere are serialized (type, message, stack, own fields such as `code`) before redaction. */
export function redact<T>(value: T): T {
  return walk(value, []) as T;
}

function walk(value: unknown, ancestors: object[]): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (typeof value !== 'object' || value === null || value instanceof Date || ArrayBuffer.isView(value)) {
    return value;
  }
  if (ancestors.length >= MAX_DEPTH) return TRUNCATED;
  if (ancestors.includes(value)) return CIRCULAR;
  ancestors.push(value);
  let result: unknown;
  if (value instanceof Error) result = walkObject(pino.stdSerializers.err(value), ancestors);
  else if (hasToJSON(value)) result = walk(value.toJSON(), ancestors);
  else if (Array.isArray(value)) result = walkArray(value, ancestors);
  else result = walkObject(value as Record<string, unknown>, ancestors);
  ancestors.pop();
  return result;
}

function hasToJSON(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function walkArray(source: unknown[], ancestors: object[]): unknown[] {
  let copy: unknown[] | undefined;
  for (let index = 0; index < source.length; index++) {
    const item = source[index];
    const next = walk(item, ancestors);
    if (next !== item) {
      copy ??= source.slice();
      copy[index] = next;
    }
  }
  return copy ?? source;
}

function walkObject(source: Record<string, unknown>, ancestors: object[]): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    const item = source[key];
    const next = isSensitiveKey(key) ? REDACTED : walk(item, ancestors);
    if (next !== item) {
      copy ??= { ...source };
      copy[key] = next;
    }
  }
  return copy ?? source;
}
