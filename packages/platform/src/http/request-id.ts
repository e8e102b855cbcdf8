// Owns request ids: a caller's X-Request-Id is kept only when it is a short token of safe
// characters (so it can never inject into logs or headers); otherwise a random UUID is generated.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const acceptableRequestId = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && acceptableRequestId.test(given) ? given : randomUUID();
}
