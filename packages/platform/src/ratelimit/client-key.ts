// Owns who a request counts against: the user of a valid bearer token ("user:<id>"), verified by the
// resolver identity registers (tokens.verify, which caches verified tokens), else the client IP
// ("ip:<address>", from the socket, or X-Forwarded-For only when trustProxy is configured). A token
// that fails verification counts against the IP, so forging tokens never buys fresh buckets.
import type { FastifyRequest } from 'fastify';

export type TokenVerifier = (token: string) => Promise<{ sub: string }>;

export interface Client {
  /** The key limits and bans apply to. */
  key: string;
  /** The IP key, also checked against the ban list when the key is a user's. */
  ipKey: string;
}

const BEARER = /^Bearer ([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/i;

export async function identifyClient(
  request: FastifyRequest,
  verify: TokenVerifier | undefined,
): Promise<Client> {
  const ipKey = `ip:${request.ip}`;
  const token = verify && BEARER.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return { key: ipKey, ipKey };
  try {
    const { sub } = await verify(token);
    return { key: `user:${sub}`, ipKey };
  } catch {
    return { key: ipKey, ipKey };
  }
}
