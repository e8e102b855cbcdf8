// The single mapping from error kinds to HTTP statuses and RFC 9457 titles. The switch is
// exhaustive: adding a kind without mapping it fails to compile.
import type { ErrorKind } from './app-error.js';

export function statusForKind(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid_input':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'payment_required':
      return 402;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'method_not_allowed':
      return 405;
    case 'conflict':
      return 409;
    case 'gone':
      return 410;
    case 'locked':
      return 423;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'rate_limited':
      return 429;
    case 'internal':
      return 500;
    case 'unavailable':
      return 503;
    case 'timeout':
      return 504;
  }
}

const titles: Record<ErrorKind, string> = {
  invalid_input: 'Bad Request',
  unauthenticated: 'Unauthorized',
  payment_required: 'Payment Required',
  forbidden: 'Forbidden',
  not_found: 'Not Found',
  method_not_allowed: 'Method Not Allowed',
  conflict: 'Conflict',
  gone: 'Gone',
  locked: 'Locked',
  payload_too_large: 'Payload Too Large',
  unsupported_media_type: 'Unsupported Media Type',
  rate_limited: 'Too Many Requests',
  internal: 'Internal Server Error',
  unavailable: 'Service Unavailable',
  timeout: 'Gateway Timeout',
};

export function titleForKind(kind: ErrorKind): string {
  return titles[kind];
}
