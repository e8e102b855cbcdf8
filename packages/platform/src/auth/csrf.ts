// Owns CSRF protection for cookie-authenticated browsers: synchronizer tokens (256-bit, stored
// hashed in PostgreSQL with user, creation, expiry and consumption) consumed exactly once by one
// conditional UPDATE, plus an Origin / Sec-Fetch-Site check. Unlike the spec's Python version there
// is no in-memory fallback: a token only one instance knows breaks behind a load balancer and a
// fallback that accepts unknown tokens is a bypass, so when the database cannot answer the request
// fails closed with 503.
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../time/clock.js';
import { identityDb } from './schema.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

export interface CsrfService {
  issue(userId: string): Promise<{ token: string; expiresAt: Date }>;
  /** True exactly once for an unexpired token of this user; false for anything else. */
  consume(userId: string, token: string): Promise<boolean>;
  /** Deletes tokens that expired more than a day ago. */
  purgeExpired(): Promise<number>;
}

export function createCsrfService(db: Database, clock: Clock, ttlSeconds = 2 * 60 * 60): CsrfService {
  const kysely = identityDb(db);
  const unavailable = (cause: unknown) =>
    new AppError({
      kind: 'unavailable',
      code: 'csrf_check_unavailable',
      detail: 'The request could not be verified right now; try again shortly.',
      retryAfterSeconds: 5,
      cause,
    });

  return {
    async issue(userId) {
      const token = newSecretToken();
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
      try {
        await kysely
          .insertInto('auth_csrf_tokens')
          .values({
            token_hash: hashSecretToken(token),
            user_id: userId,
            created_at: now,
            expires_at: expiresAt,
          })
          .execute();
      } catch (error) {
        throw unavailable(error);
      }
      return { token, expiresAt };
    },

    async consume(userId, token) {
      const now = clock.now();
      try {
        const consumed = await kysely
          .updateTable('auth_csrf_tokens')
          .set({ consumed_at: now })
          .where('token_hash', '=', hashSecretToken(token))
          .where('user_id', '=', userId)
          .where('consumed_at', 'is', null)
          .where('expires_at', '>', now)
          .returning('token_hash')
          .executeTakeFirst();
        return consumed !== undefined;
      } catch (error) {
        throw unavailable(error);
      }
    },

    async purgeExpired() {
      const cutoff = new Date(clock.now().getTime() - 86_400_000);
      const result = await kysely
        .deleteFrom('auth_csrf_tokens')
        .where('expires_at', '<', cutoff)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type FetchSiteVerdict = 'allowed' | 'cross_site';

/**
 * Judges where a state-changing browser request came from: an `Origin` the CORS list trusts is
 * allowed; otherwise `Sec-Fetch-Site` must say same-origin when the browser sends it, and an
 * `Origin` must be this app's own. The CSRF token is required in every case.
 */
export function judgeRequestSite(
  headers: { origin?: string; 'sec-fetch-site'?: string; host?: string },
  trustedOrigins: ReadonlySet<string>,
  ownScheme: string,
): FetchSiteVerdict {
  const origin = headers.origin;
  if (origin !== undefined && trustedOrigins.has(origin)) return 'allowed';
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none' ? 'allowed' : 'cross_site';
  if (origin === undefined) return 'allowed';
  return headers.host !== undefined && origin === `${ownScheme}://${headers.host}` ? 'allowed' : 'cross_site';
}
