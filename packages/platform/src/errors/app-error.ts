// Owns the one error type services throw. Services never know about HTTP: they throw an AppError
// with a stable code; the HTTP kernel (and later the WebSocket gateway) maps codes to transport
// statuses in exactly one place. `expose: false` means the detail is internal and must never reach
// a client (the mapper replaces it with a generic message).

export type ErrorKind =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'payment_required'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'gone'
  | 'locked'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'internal';

export interface FieldProblem {
  /** JSON pointer to the offending field, e.g. `/body/email`. */
  path: string;
  message: string;
}

export interface AppErrorOptions {
  kind: ErrorKind;
  code: string;
  detail: string;
  expose?: boolean;
  fields?: FieldProblem[];
  /** Seconds a client should wait before retrying (rate limits, unavailability). */
  retryAfterSeconds?: number;
  /** Extra response headers the error answer carries (e.g. `Idempotent-Replayed` on a replayed refusal). */
  headers?: Readonly<Record<string, string>>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly expose: boolean;
  readonly fields: FieldProblem[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(options: AppErrorOptions) {
    super(options.detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.kind = options.kind;
    this.code = options.code;
    this.expose = options.expose ?? options.kind !== 'internal';
    this.fields = options.fields;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Seconds a client is asked to wait when a dependency (database, key-value store) is down. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/** The one answer for "a dependency cannot be reached right now": 503 with Retry-After. */
export function dependencyUnavailable(detail: string, cause?: unknown): AppError {
  return new AppError({
    kind: 'unavailable',
    code: 'dependency_unavailable',
    detail,
    retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
    ...(cause === undefined ? {} : { cause }),
  });
}
