// Owns replacing an account's password: changing it while signed in (current password first,
// other sessions ended unless told not to) and resetting it with a mailed single-use code (asking
// for one answers the same whether or not the account exists; redeeming it ends every session
// and lifts the password locks), plus purging expired reset codes.
import { withTransaction } from '../db/transaction.js';
import type { Database } from '../db/types.js';
import { AppError } from '../errors/index.js';
import type { Clock } from '../time/clock.js';
import { type RequestOrigin, recordAudit } from './audit.js';
import { type CredentialChecks, weakPassword } from './credentials.js';
import type { Mailer } from './mail.js';
import { passwordProblem } from './password-policy.js';
import type { PasswordHasher } from './passwords.js';
import { identityDb, identityTrx } from './schema.js';
import { hashSecretToken, newSecretToken } from './secret-tokens.js';
import type { SessionService } from './sessions.js';
import type { AttemptThrottles } from './throttle-failover.js';
import { normaliseEmail } from './users.js';

export interface PasswordChangeDependencies {
  db: Database;
  clock: Clock;
  hasher: PasswordHasher;
  throttles: AttemptThrottles;
  sessions: SessionService;
  mailer: Mailer;
  appName: string;
  credentials: CredentialChecks;
}

const RESET_TTL_MS = 30 * 60 * 1000;

export function createPasswordChanges(deps: PasswordChangeDependencies) {
  const { db, clock, hasher, throttles, sessions, credentials } = deps;
  const kysely = identityDb(db);

  async function changePassword(
    userId: string,
    sessionId: string,
    input: { currentPassword: string; newPassword: string; endOtherSessions: boolean },
    origin: RequestOrigin,
  ): Promise<{ endedSessions: number }> {
    await credentials.confirmPassword(userId, input.currentPassword, origin);
    const { email } = await kysely
      .selectFrom('auth_users')
      .select('email')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    const problem = passwordProblem(input.newPassword, { email });
    if (problem) throw weakPassword(problem, 'newPassword');
    const passwordHash = await hasher.hash(input.newPassword);
    await kysely
      .updateTable('auth_users')
      .set({ password_hash: passwordHash, password_changed_at: clock.now() })
      .where('id', '=', userId)
      .execute();
    const ended = input.endOtherSessions
      ? await sessions.revokeAll(userId, 'password_changed', sessionId)
      : [];
    await recordAudit(kysely, clock, origin, {
      actorId: userId,
      action: 'auth.password_changed',
      targetType: 'user',
      targetId: userId,
      after: { endedSessions: ended.length },
    });
    return { endedSessions: ended.length };
  }

  /** Always succeeds from the caller's point of view, whether or not the email has an account. */
  async function requestPasswordReset(emailInput: string, origin: RequestOrigin): Promise<void> {
    const email = normaliseEmail(emailInput);
    const user = await kysely
      .selectFrom('auth_users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    if (!user) return;
    const token = newSecretToken();
    const now = clock.now();
    await withTransaction(db, async (trx) => {
      const t = identityTrx(trx);
      await t
        .insertInto('auth_password_resets')
        .values({
          token_hash: hashSecretToken(token),
          user_id: user.id,
          created_at: now,
          expires_at: new Date(now.getTime() + RESET_TTL_MS),
        })
        .execute();
      await deps.mailer.send(
        {
          to: email,
          subject: `Reset your ${deps.appName} password`,
          text: `Someone asked to reset the password of your ${deps.appName} account. If it was you, use this code within 30 minutes:\n\n${token}\n\nIf it was not you, ignore this mail; your password has not changed.`,
        },
        t,
      );
      await recordAudit(t, clock, origin, { actorId: user.id, action: 'auth.password_reset_requested' });
    });
  }

  async function resetPassword(
    input: { token: string; newPassword: string },
    origin: RequestOrigin,
  ): Promise<void> {
    const now = clock.now();
    const email = await withTransaction(db, async (trx) => {
      const t = identityTrx(trx);
      const reset = await t
        .updateTable('auth_password_resets')
        .set({ used_at: now })
        .where('token_hash', '=', hashSecretToken(input.token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('user_id')
        .executeTakeFirst();
      if (!reset) {
        throw new AppError({
          kind: 'invalid_input',
          code: 'reset_token_invalid',
          detail: 'The reset code is invalid or has expired.',
        });
      }
      const user = await t
        .selectFrom('auth_users')
        .select('email')
        .where('id', '=', reset.user_id)
        .executeTakeFirstOrThrow();
      const problem = passwordProblem(input.newPassword, { email: user.email });
      // Thrown inside the transaction, so the code stays usable for a better password.
      if (problem) throw weakPassword(problem, 'newPassword');
      const passwordHash = await hasher.hash(input.newPassword);
      await t
        .updateTable('auth_users')
        .set({ password_hash: passwordHash, password_changed_at: now })
        .where('id', '=', reset.user_id)
        .execute();
      await t
        .updateTable('auth_password_resets')
        .set({ used_at: now })
        .where('user_id', '=', reset.user_id)
        .where('used_at', 'is', null)
        .execute();
      await recordAudit(t, clock, origin, {
        actorId: reset.user_id,
        action: 'auth.password_reset',
        targetType: 'user',
        targetId: reset.user_id,
      });
      return { userId: reset.user_id, email: user.email };
    });
    await sessions.revokeAll(email.userId, 'password_reset');
    // Only the password locks: a reset proves control of the mailbox, not of the second factor.
    await throttles.password.clearAccount(email.email);
  }

  async function purgeExpiredResets(): Promise<void> {
    const cutoff = new Date(clock.now().getTime() - 86_400_000);
    await kysely.deleteFrom('auth_password_resets').where('expires_at', '<', cutoff).execute();
  }

  return { changePassword, requestPasswordReset, resetPassword, purgeExpiredResets };
}
