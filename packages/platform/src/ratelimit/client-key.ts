// Owns who a request counts against: always its address ("ip:<address>", from the socket, or from
// X-Forwarded-For only through the proxies TRUST_PROXY names), and also the user of a valid bearer
// token ("user:<id>"), named by the verifier identity registers (the access-token guard's own
// parsing and token cache, which answers a known token without a promise). A token that fails
// verification names no user, so forging tokens never buys a fresh bucket; which of the two keys a
// limit or the ban trigger uses is plugin.ts's rule.
import type { FastifyRequest } from 'fastify';
import type { MaybePromise } from './maybe-async.js';

/**
 * The subject of the valid bearer token an Authorization header carries; null (or a rejection) when
 * it carries none; a promise only when the token has to be checked.
 */
export type TokenVerifier = (authorization: string) => MaybePromise<{ sub: string } | null>;

export interface Client {
  /** The address key: every request has one, whatever token it carries. */
  ipKey: string;
  /** The key of the user of a valid bearer token; null without one. */
  userKey: string | null;
}

export function identifyClient(
  request: FastifyRequest,
  verify: TokenVerifier | undefined,
): MaybePromise<Client> {
  const ipKey = `ip:${request.ip}`;
  const anonymous: Client = { ipKey, userKey: null };
  const header = request.headers.authorization;
  if (!verify || header === undefined) return anonymous;
  try {
    const verified = verify(header);
    if (!(verified instanceof Promise))
      return verified ? { ipKey, userKey: `user:${verified.sub}` } : anonymous;
    return verified.then(
      (subject) => (subject ? { ipKey, userKey: `user:${subject.sub}` } : anonymous),
      () => anonymous,
    );
  } catch {
    return anonymous;
  }
}
