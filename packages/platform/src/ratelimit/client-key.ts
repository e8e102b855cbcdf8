// Owns who a request counts against: always its address ("ip:<address>", from the socket, or from
// X-Forwarded-For only through the proxies TRUST_PROXY names), and also the user of a valid bearer
// token ("user:<id>"), verified by the resolver identity registers (tokens.verify, which caches
// verified tokens). A token that fails verification names no user, so forging tokens never buys a
// fresh bucket; which of the two keys a limit or the ban trigger uses is plugin.ts's rule.
import type { FastifyRequest } from 'fastify';

export type TokenVerifier = (token: string) => Promise<{ sub: string }>;

export interface Client {
  /** The address key: every request has one, whatever token it carries. */
  ipKey: string;
  /** The key of the user of a valid bearer token; null without one. */
  userKey: string | null;
}

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/i;

export async function identifyClient(
  request: FastifyRequest,
  verify: TokenVerifier | undefined,
): Promise<Client> {
  const ipKey = `ip:${request.ip}`;
  const token = verify && BEARER.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return { ipKey, userKey: null };
  try {
    const { sub } = await verify(token);
    return { ipKey, userKey: `user:${sub}` };
  } catch {
    return { ipKey, userKey: null };
  }
}
