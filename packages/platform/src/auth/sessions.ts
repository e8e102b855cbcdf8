// Owns sessions and their refresh tokens. A session is one sign-in on one device; each refresh
// exchanges the presented token for a new one (rotation). Presenting a token that was already
// exchanged means it was copied: the whole session is revoked in the same transaction, unless the
// exchange happened within a short grace window (a client's own concurrent double-submit), which is
// merely refused. The database row is the truth about revocation; revocation.ts caches it in the
// key-value store so access tokens of that session stop working on every instance before they
// expire. Revoking again re-marks sessions revoked within an access-token lifetime, which repairs a
// mark the store missed.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { withTransaction } from '../db/transaction.js';
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import type { KeyValueStore } from '../kv/types.js';
import type { Clock } from '../time/clock.js';
import { type RequestOrigin, recordAudit } from './audit.js';
import { createRevocationList, type RevocationSettings } from './revocation.js';
import { identityDb, identityTrx } from './schema.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';

export interface SessionSettings extends RevocationSettings {
  idleSeconds: number;
  maxSeconds: number;
  reuseGraceSeconds?: number;
}

export interface SessionSummary {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}

export interface RotatedSession {
  sessionId: string;
  userId: string;
  refreshToken: string;
}

const refreshRefused = (code: string, detail: string) =>
  new AppError({ kind: 'unauthenticated', code, detail });

export function createSessionService(
  db: Database,
  kv: KeyValueStore,
  clock: Clock,
  settings: SessionSettings,
) {
  const kysely = identityDb(db);
  const graceMs = (settings.reuseGraceSeconds ?? 10) * 1000;
  const revocations = createRevocationList(db, kv, clock, settings);

  /** Revokes the user's matching sessions; returns those it revoked now, and re-marks recent ones. */
  async function revokeWhere(
    filter: { userId: string; sessionId?: string; exceptSessionId?: string },
    reason: string,
  ): Promise<string[]> {
    const now = clock.now();
    // Sessions revoked earlier whose access tokens may still be alive are marked again.
    const markSince = new Date(now.getTime() - (settings.accessTokenTtlSeconds + 300) * 1000);
    let query = kysely
      .selectFrom('auth_sessions')
      .select(['id', 'revoked_at'])
      .where('user_id', '=', filter.userId)
      .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>=', markSince)]));
    if (filter.sessionId) query = query.where('id', '=', filter.sessionId);
    if (filter.exceptSessionId) query = query.where('id', '!=', filter.exceptSessionId);
    const sessions = await query.execute();
    const active = sessions.filter((session) => session.revoked_at === null).map((session) => session.id);
    const revoked =
      active.length === 0
        ? []
        : await kysely
            .updateTable('auth_sessions')
            .set({ revoked_at: now, revoked_reason: reason })
            .where('id', 'in', active)
            .where('revoked_at', 'is', null)
            .returning('id')
            .execute();
    await revocations.markRevoked(sessions.map((session) => session.id));
    return revoked.map((row) => row.id);
  }

  return {
    async start(userId: string, origin: RequestOrigin): Promise<{ sessionId: string; refreshToken: string }> {
      const now = clock.now();
      const sessionId = randomUUID();
      const refreshToken = newSecretToken();
      await withTransaction(db, async (trx) => {
        const t = identityTrx(trx);
        await t
          .insertInto('auth_sessions')
          .values({
            id: sessionId,
            user_id: userId,
            created_at: now,
            last_used_at: now,
            expires_at: new Date(now.getTime() + settings.maxSeconds * 1000),
            ip: origin.ip,
            user_agent: origin.userAgent?.slice(0, 512) ?? null,
          })
          .execute();
        await t
          .insertInto('auth_refresh_tokens')
          .values({ token_hash: hashSecretToken(refreshToken), session_id: sessionId, created_at: now })
          .execute();
      });
      return { sessionId, refreshToken };
    },

    async rotate(refreshToken: string, origin: RequestOrigin): Promise<RotatedSession> {
      const now = clock.now();
      const outcome = await withTransaction(db, async (trx) => {
        const t = identityTrx(trx);
        // The row lock makes concurrent exchanges of one token queue up: the first rotates it,
        // the others then see it rotated.
        const current = await t
          .selectFrom('auth_refresh_tokens as token')
          .innerJoin('auth_sessions as session', 'session.id', 'token.session_id')
          .select([
            'token.token_hash',
            'token.rotated_at',
            'session.id as session_id',
            'session.user_id',
            'session.revoked_at',
            'session.expires_at',
            'session.last_used_at',
          ])
          .where('token.token_hash', '=', hashSecretToken(refreshToken))
          .forUpdate('token')
          .executeTakeFirst();
        if (!current)
          return { refused: refreshRefused('refresh_token_invalid', 'The refresh token is invalid.') };
        const ended =
          current.revoked_at !== null ||
          current.expires_at.getTime() <= now.getTime() ||
          now.getTime() - current.last_used_at.getTime() > settings.idleSeconds * 1000;
        if (ended) {
          return { refused: refreshRefused('session_ended', 'This session has ended; sign in again.') };
        }
        if (current.rotated_at !== null) {
          if (now.getTime() - current.rotated_at.getTime() <= graceMs) {
            return {
              refused: refreshRefused('refresh_token_superseded', 'This refresh token was just exchanged.'),
            };
          }
          await t
            .updateTable('auth_sessions')
            .set({ revoked_at: now, revoked_reason: 'refresh_token_reuse' })
            .where('id', '=', current.session_id)
            .execute();
          await recordAudit(t, clock, origin, {
            actorId: current.user_id,
            action: 'auth.refresh_token_reused',
            targetType: 'session',
            targetId: current.session_id,
          });
          return {
            revokedSessionId: current.session_id,
            refused: refreshRefused(
              'refresh_token_reused',
              'This refresh token was already used; the session is revoked.',
            ),
          };
        }
        const next = newSecretToken();
        await t
          .updateTable('auth_refresh_tokens')
          .set({ rotated_at: now })
          .where('token_hash', '=', current.token_hash)
          .execute();
        await t
          .insertInto('auth_refresh_tokens')
          .values({ token_hash: hashSecretToken(next), session_id: current.session_id, created_at: now })
          .execute();
        await t
          .updateTable('auth_sessions')
          .set({ last_used_at: now })
          .where('id', '=', current.session_id)
          .execute();
        return { rotated: { sessionId: current.session_id, userId: current.user_id, refreshToken: next } };
      });
      if (outcome.revokedSessionId) await revocations.markRevoked([outcome.revokedSessionId]);
      if (outcome.refused) throw outcome.refused;
      return outcome.rotated as RotatedSession;
    },

    isRevoked: revocations.isRevoked,

    /** For metrics and tests: whether the key-value store is bypassed, and marks waiting to be written. */
    revocationStatus: revocations.status,

    /**
     * Revokes one of the user's sessions; false when it is not theirs or already revoked (a recent
     * revocation is marked again: a repeated logout repairs a mark the store missed).
     */
    async revoke(userId: string, sessionId: string, reason: string): Promise<boolean> {
      return (await revokeWhere({ userId, sessionId }, reason)).length === 1;
    },

    revokeAll(userId: string, reason: string, exceptSessionId?: string): Promise<string[]> {
      return revokeWhere({ userId, ...(exceptSessionId ? { exceptSessionId } : {}) }, reason);
    },

    async list(userId: string): Promise<SessionSummary[]> {
      const now = clock.now();
      const idleCutoff = new Date(now.getTime() - settings.idleSeconds * 1000);
      const rows = await kysely
        .selectFrom('auth_sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .where('last_used_at', '>', idleCutoff)
        .orderBy('last_used_at', 'desc')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        createdAt: row.created_at.toISOString(),
        lastUsedAt: row.last_used_at.toISOString(),
        expiresAt: row.expires_at.toISOString(),
        ip: row.ip,
        userAgent: row.user_agent,
      }));
    },

    /** Deletes token rows of sessions that ended long ago; the sessions stay for the user's history. */
    async purgeEnded(olderThanDays = 30): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - olderThanDays * 86_400_000);
      const result = await kysely
        .deleteFrom('auth_refresh_tokens')
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('auth_sessions')
              .select(sql.lit(1).as('one'))
              .whereRef('auth_sessions.id', '=', 'auth_refresh_tokens.session_id')
              .where((eb) =>
                eb.or([
                  eb('auth_sessions.revoked_at', '<', cutoff),
                  eb('auth_sessions.expires_at', '<', cutoff),
                ]),
              ),
          ),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
